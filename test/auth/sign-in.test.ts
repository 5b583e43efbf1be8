import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/main/auth/clock';
import { AppError } from '../../src/shared/errors';
import { SessionStateSchema } from '../../src/shared/session-state';
import { leakedSecrets, startHarness } from './support/harness';
import type { Harness } from './support/harness';
import { connectionOutcome, rawRequest } from './support/http';
import { closeNet, occupy } from '../../tools/support/ports';

let h: Harness;
beforeAll(async () => {
  // Federated with the demo upstream IdP, so a decline can happen there (mode 'deny').
  h = await startHarness({ federation: true });
});
afterAll(async () => {
  await h?.close();
});
afterEach(async () => {
  h.mode = 'login';
  await h.browserDone();
  h.pool.clearFaults();
});

const redirectUri = () => h.profile.redirect.loopback[0]!;

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'resolved';
  } catch (err) {
    h.recordError(err);
    return err instanceof AppError ? err.code : `not-app-error: ${String(err)}`;
  }
}

/** A clock whose timers fire only when the test advances it. */
function manualClock(): Clock & { advance(ms: number): void } {
  let offset = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  let next = 1;
  return {
    now: () => Date.now() + offset,
    setTimeout(fn, ms) {
      const id = next++;
      timers.set(id, { at: Date.now() + offset + ms, fn });
      return id;
    },
    clearTimeout(handle) {
      timers.delete(handle as number);
    },
    advance(ms) {
      offset += ms;
      for (const [id, t] of [...timers]) {
        if (t.at <= Date.now() + offset) {
          timers.delete(id);
          t.fn();
        }
      }
    },
  };
}

describe('sign-in through the Hosted UI in Chromium', () => {
  it('signs in, publishes token-free states, stores the refresh token, closes the listener; restores in a fresh session', async () => {
    const session = h.newSession();
    const states = h.track(session);
    const authCodeBefore = h.tokenRequests('authorization_code');
    const final = await session.signIn();
    expect(final).toMatchObject({
      status: 'signed-in',
      connectivity: 'online',
      storage: { kind: 'keychain' },
      user: { username: 'alice', email: 'alice@example.com', groups: ['admin'] },
    });
    expect(states.map((s) => s.status)).toEqual(['signing-in', 'signed-in']);
    for (const s of states) expect(SessionStateSchema.parse(s)).toEqual(s);
    expect(h.tokenRequests('authorization_code')).toBe(authCodeBefore + 1);

    // The browser only ever got the profile's authorize URL, with PKCE S256, state and nonce.
    expect(h.opened).toHaveLength(1);
    const authorize = new URL(h.opened[0]!);
    expect(authorize.origin + authorize.pathname).toBe(`${h.pool.domain}/oauth2/authorize`);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('redirect_uri')).toBe(redirectUri());
    expect(authorize.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(authorize.searchParams.get('nonce')).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    // The browser shows our fixed success page, then the listener is gone.
    await h.browserDone();
    expect(await h.lastPage!.textContent('h1')).toBe('Signed in');
    expect(await connectionOutcome(`${redirectUri()}?code=x&state=y`)).toBe('ECONNREFUSED');

    const token = await session.getAccessToken();
    h.secrets.add(token);
    expect(await h.storedRefreshToken()).toBeTruthy();
    expect(await h.keychainEntries()).toBeGreaterThan(0);

    // A second sign-in attempt gets fresh state, nonce and verifier (checked after sign-out below).
    await session.dispose();

    const openedBefore = h.opened.length;
    const refreshBefore = h.tokenRequests('refresh_token');
    const restored = h.newSession();
    h.track(restored);
    const state = await restored.start();
    expect(state).toMatchObject({ status: 'signed-in', connectivity: 'online', user: { username: 'alice' } });
    expect(h.opened.length).toBe(openedBefore); // no browser
    expect(h.tokenRequests('refresh_token')).toBe(refreshBefore + 1);
    const restoredToken = await restored.getAccessToken();
    h.secrets.add(restoredToken);
    expect(restoredToken).not.toBe(token);

    await restored.signOut({ endHostedUiSession: false });
    await h.browserDone();
    const again = h.newSession();
    await again.signIn();
    const second = new URL(h.opened.at(-1)!);
    for (const p of ['state', 'nonce', 'code_challenge']) {
      expect(second.searchParams.get(p)).not.toBe(authorize.searchParams.get(p));
    }
    await again.signOut({ endHostedUiSession: true });
    await h.browserDone();
    // The logout redirect lands on our one-shot loopback "signed out" page, not a browser error.
    expect(await h.lastPage!.textContent('h1')).toBe('Signed out');
    expect(h.lastPage!.url()).toBe(h.profile.signOutUrl);
    const logout = new URL(h.opened.at(-1)!);
    expect(logout.origin + logout.pathname).toBe(`${h.pool.domain}/logout`);
    expect(logout.searchParams.get('client_id')).toBe(h.profile.clientId);
    expect(logout.searchParams.get('logout_uri')).toBe(h.profile.signOutUrl);
    expect(leakedSecrets(h)).toEqual([]);
  });

  it('repeat sign-in while pending joins the same attempt (one listener, one browser tab); cancel ends both', async () => {
    h.mode = 'ignore';
    const session = h.newSession();
    const states = h.track(session);
    const openedBefore = h.opened.length;
    const first = session.signIn();
    await expect.poll(() => h.opened.length).toBe(openedBefore + 1);
    const second = session.signIn();
    expect(second).toBe(first);
    expect(h.opened.length).toBe(openedBefore + 1);
    await session.reopenBrowser();
    expect(h.opened.at(-1)).toBe(h.opened.at(-2)); // the same authorize URL again
    expect(await connectionOutcome(redirectUri())).toBe('connected');
    await session.cancelSignIn();
    expect(await codeOf(first)).toBe('SIGN_IN_CANCELLED');
    expect(await codeOf(second)).toBe('SIGN_IN_CANCELLED');
    expect(await connectionOutcome(redirectUri())).toBe('ECONNREFUSED');
    expect(states.at(-1)).toMatchObject({ status: 'signed-out', reason: 'none' });
  });

  it('"open the page again" while the first browser launch is still slow is not lost: the page opens twice', async () => {
    const opened: string[] = [];
    let releaseFirstLaunch!: () => void;
    const firstLaunch = new Promise<void>((resolve) => (releaseFirstLaunch = resolve));
    const session = h.newSession({
      openExternal: async (url) => {
        opened.push(url);
        if (opened.length === 1) await firstLaunch; // a browser that takes its time to start
      },
    });
    const signIn = session.signIn();
    await expect.poll(() => opened.length).toBe(1);
    const reopened = session.reopenBrowser();
    releaseFirstLaunch();
    await reopened;
    expect(opened).toHaveLength(2);
    expect(opened[1]).toBe(opened[0]);
    await session.cancelSignIn();
    expect(await codeOf(signIn)).toBe('SIGN_IN_CANCELLED');
    expect(await connectionOutcome(redirectUri())).toBe('ECONNREFUSED');
  });
  it('times out after 5 minutes on the injected clock, with a closed listener', async () => {
    h.mode = 'ignore';
    const clock = manualClock();
    const session = h.newSession({ clock });
    const p = session.signIn();
    await expect.poll(() => connectionOutcome(redirectUri())).toBe('connected');
    clock.advance(4 * 60_000);
    expect(session.getState().status).toBe('signing-in');
    clock.advance(60_001);
    expect(await codeOf(p)).toBe('SIGN_IN_TIMEOUT');
    expect(await connectionOutcome(redirectUri())).toBe('ECONNREFUSED');
    expect(session.getState()).toMatchObject({ status: 'signed-out', error: { code: 'SIGN_IN_TIMEOUT' } });
  });

  it('the user declining at the IdP (access_denied) ends with SIGN_IN_DENIED and a closed listener', async () => {
    // The harness presses ExampleCorpSSO on the Hosted UI page and "Cancel" at the upstream; the
    // access_denied redirect to our listener is the pool's, relaying the upstream's decline.
    h.mode = 'deny';
    const session = h.newSession();
    const declinesBefore = h.upstream!.counters.declines;
    const navigationsBefore = h.callbackNavigations.length;
    const poolLogBefore = h.poolLog.length;
    expect(await codeOf(session.signIn())).toBe('SIGN_IN_DENIED');
    await h.browserDone();
    expect(await h.lastPage!.textContent('body')).toContain('declined');
    expect(await connectionOutcome(redirectUri())).toBe('ECONNREFUSED');
    expect(session.getState()).toMatchObject({
      status: 'signed-out',
      reason: 'error',
      error: { code: 'SIGN_IN_DENIED' },
    });

    // Where the redirect came from: exactly one navigation reached the listener, and the browser
    // got there by redirects only: upstream -> the pool's /oauth2/idpresponse with the upstream's
    // error -> the pool, whose last hop carried error=access_denied, the app's state and the
    // pool's own "<ProviderName> Error - ..." description.
    expect(h.upstream!.counters.declines).toBe(declinesBefore + 1);
    const navigations = h.callbackNavigations.slice(navigationsBefore);
    expect(navigations).toHaveLength(1);
    const { url, redirectedFrom } = navigations[0]!;
    const callback = new URL(url);
    const authorize = new URL(h.opened.at(-1)!);
    expect(callback.searchParams.get('error')).toBe('access_denied');
    expect(callback.searchParams.get('state')).toBe(authorize.searchParams.get('state'));
    expect(callback.searchParams.get('error_description')).toMatch(/^ExampleCorpSSO Error - /);
    expect(redirectedFrom.length).toBeGreaterThanOrEqual(2);
    const origins = redirectedFrom.map((hop) => new URL(hop).origin);
    expect(origins[0]).toBe(h.upstream!.issuer); // the Cancel form post at the upstream
    expect(origins.at(-1)).toBe(h.pool.domain); // the hop that sent the browser to the app
    const idpResponse = redirectedFrom
      .map((hop) => new URL(hop))
      .find((hop) => hop.origin === h.pool.domain && hop.pathname === '/oauth2/idpresponse');
    expect(idpResponse?.searchParams.get('error')).toBe('access_denied');
    expect(h.poolLog.slice(poolLogBefore)).toContain('user pool: ExampleCorpSSO answered access_denied');
  });

  it('forged callbacks (wrong/missing state, extra params, other paths) are refused with zero token requests; the real one completes; replay refused', async () => {
    h.mode = 'ignore';
    const session = h.newSession();
    const before = h.tokenRequests('authorization_code');
    const p = session.signIn();
    await expect.poll(() => connectionOutcome(redirectUri())).toBe('connected');
    const authorizeUrl = h.opened.at(-1)!;
    const state = new URL(authorizeUrl).searchParams.get('state')!;
    for (const query of [
      '?code=forged&state=wrong',
      '?code=forged',
      `?code=forged&state=${state}&state=${state}`,
      `?code=forged&state=${state}&next=https://evil.example/`,
      `?error=access_denied&state=wrong`,
    ]) {
      const res = await rawRequest(`${redirectUri()}${query}`);
      expect(res.status).toBe(400);
      expect(res.headers['location']).toBeUndefined();
    }
    const other = await rawRequest(
      `${redirectUri().replace('/callback', '/other')}?code=forged&state=${state}`,
    );
    expect(other.status).toBe(404);
    expect(h.tokenRequests('authorization_code')).toBe(before);
    expect(session.getState().status).toBe('signing-in');

    // Now the user finishes in the browser: the real callback still completes.
    h.mode = 'login';
    let callbackUrl: string | undefined;
    const context = await h.browser.newContext();
    const page = await context.newPage();
    page.on('request', (r) => {
      if (r.url().startsWith(redirectUri())) callbackUrl = r.url();
    });
    await page.goto(authorizeUrl);
    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Password').fill('Alice-demo-1!');
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect((await p).status).toBe('signed-in');
    expect(h.tokenRequests('authorization_code')).toBe(before + 1);
    // Replaying the real callback: the listener is closed.
    expect(callbackUrl).toBeDefined();
    expect(await connectionOutcome(callbackUrl!)).toBe('ECONNREFUSED');
    await context.close();
    h.secrets.add(await session.getAccessToken());
    await session.signOut({ endHostedUiSession: false });
  });

  it('registered redirect port busy -> REDIRECT_PORTS_BUSY naming it, no browser opened', async () => {
    const port = Number(new URL(redirectUri()).port);
    const blocker = await occupy(port);
    try {
      const session = h.newSession();
      const openedBefore = h.opened.length;
      const err = await session.signIn().catch((e: unknown) => h.recordError(e));
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe('REDIRECT_PORTS_BUSY');
      expect((err as AppError).message).toContain(`127.0.0.1:${port}`);
      expect(h.opened.length).toBe(openedBefore);
      expect(session.getState()).toMatchObject({
        status: 'signed-out',
        error: { code: 'REDIRECT_PORTS_BUSY' },
      });
    } finally {
      await closeNet(blocker);
    }
  });

  it('custom-scheme redirect: only a matching URL completes the pending sign-in; replays are ignored', async () => {
    const c = await startHarness({ prefer: 'custom-scheme' });
    try {
      const session = c.newSession();
      const p = session.signIn();
      await expect.poll(() => c.schemeRedirects.length, { timeout: 20_000 }).toBe(1);
      const url = c.schemeRedirects[0]!;
      const state = new URL(url).searchParams.get('state')!;
      expect(new URL(c.opened[0]!).searchParams.get('redirect_uri')).toBe(
        'com.example.cognitodesktop:/callback',
      );
      expect(session.handleRedirectUrl(url.replace(`state=${state}`, 'state=wrong'))).toBe(false);
      expect(session.handleRedirectUrl(url.replace('/callback', '/other'))).toBe(false);
      expect(session.handleRedirectUrl(`com.evil.app:/callback?${new URL(url).search.slice(1)}`)).toBe(false);
      expect(session.handleRedirectUrl(url)).toBe(true);
      expect((await p).status).toBe('signed-in');
      expect(session.handleRedirectUrl(url)).toBe(false);
      c.secrets.add(await session.getAccessToken());
      await session.signOut({ endHostedUiSession: false });
      expect(leakedSecrets(c)).toEqual([]);
    } finally {
      await c.close();
    }
  });

  it('a confidential client (secret in the profile) signs in, refreshes and revokes, with a warning', async () => {
    const c = await startHarness({ clientSecret: 'SENTINEL-CLIENT-SECRET-42' });
    try {
      expect(c.profileWarnings.join(' ')).toMatch(/cannot keep a secret/);
      const session = c.newSession();
      expect((await session.signIn()).status).toBe('signed-in');
      const at = await session.getAccessToken();
      c.secrets.add(at);
      c.secrets.add('SENTINEL-CLIENT-SECRET-42');
      expect(await session.forceRefresh(at)).not.toBe(at);
      const rt = await c.storedRefreshToken();
      await session.signOut({ endHostedUiSession: false });
      expect(await c.pool.isRefreshTokenActive(rt!)).toBe(false);
      expect(leakedSecrets(c)).toEqual([]);
    } finally {
      await c.close();
    }
  });

  it('no token value or JWT appeared in any log line, event or error of this file', () => {
    expect(h.emitted.length).toBeGreaterThan(10);
    expect(h.secrets.size).toBeGreaterThan(2);
    expect(leakedSecrets(h)).toEqual([]);
  });
});
