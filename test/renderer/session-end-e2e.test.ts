/**
 * Issue 28, the app side, end to end: the built renderer over the real IPC pipeline, the real
 * session engine, the local user pool and the private keyring (test/support/app-harness.ts).
 *
 *  - 21 sign-ins with a pool limit of 20 evict the app's session: its next refresh fails with
 *    invalid_grant and the app says "signed out elsewhere", not a generic expiry.
 *  - A rotating client with a 60 s refresh token validity (profile sessionLifetime "60s"): Home
 *    shows when the session ends, the warning comes before the end (a recording stand-in for the
 *    OS notification, app/session-end-notice.ts's port), the session rotates on and still ends at
 *    60 s, as expired.
 *  - "Sign in again" replaces the session only once the new sign-in is saved: meanwhile the old
 *    one serves, a cancel keeps it; the old family is revoked.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  followSessionEnd,
  type SessionEndNoticeText,
  type SessionEndNotifier,
} from '../../src/main/app/session-end-notice';
import { createCredentialStore } from '../../src/main/auth/credential-store';
import type { SessionState } from '../../src/shared/session-state';
import { startAppHarness, type AppHarness } from '../support/app-harness';
import { signInForTokens } from '../user-pool/support/http-sign-in';
import { signIn } from './app-e2e-steps';
import { builtRendererCopy } from './built-renderer';
import { startRendererServer, type RendererServer } from './renderer-server';

let server: RendererServer;
let build: { dir: string; dispose: () => void } | undefined;

beforeAll(async () => {
  build = builtRendererCopy();
  server = await startRendererServer(build.dir);
});

afterAll(async () => {
  await server?.close();
  build?.dispose();
});

/** A recording stand-in for the OS notification (the app's is electron-notifier.ts). */
function recordingNotifier() {
  const shown: Array<{ at: number; notice: SessionEndNoticeText; act: () => void }> = [];
  const notifier: SessionEndNotifier = {
    show(notice, onAction) {
      shown.push({ at: Date.now(), notice, act: onAction });
      return { close: () => undefined };
    },
  };
  return { notifier, shown };
}

const storedRefreshToken = async (h: AppHarness) => {
  const loaded = await createCredentialStore({
    profileId: h.profile.id,
    clientId: h.profile.clientId,
  }).load();
  return loaded.kind === 'found' ? loaded.credential.refreshToken : undefined;
};

const track = (h: AppHarness) => {
  const states: SessionState[] = [];
  const off = h.session.onChanged((s) => states.push(s));
  return { states, off };
};

describe('a session evicted by the pool session limit', () => {
  let h: AppHarness;
  afterEach(async () => {
    await h?.close();
  });

  it('21 sign-ins with a limit of 20 evict the first: its app instance says it was signed out elsewhere', async () => {
    h = await startAppHarness(server.url, {
      poolDefinition: { sessionManagement: { maxTokenSessionsPerUser: 20 } },
    });
    await signIn(h, 'alice');
    const accessToken = await h.session.getAccessToken();
    // Twenty more sign-ins of alice elsewhere (another device, a browser): the app's is the least recently used.
    for (let i = 0; i < 20; i += 1) {
      await signInForTokens(h.pool, {
        clientId: h.profile.clientId,
        redirectUri: h.profile.redirect.loopback![0]!,
        username: 'alice',
        password: 'Alice-demo-1!',
      });
    }
    // The app's next refresh (here the one an API's 401 asks for) meets invalid_grant.
    await expect(h.session.forceRefresh(accessToken)).rejects.toMatchObject({ code: 'SESSION_EXPIRED' });
    expect(h.session.getState()).toMatchObject({ status: 'signed-out', reason: 'signed-out-elsewhere' });
    await h.page
      .getByText(
        "You were signed out: your organisation's session limit was reached or you signed out on another device.",
      )
      .waitFor();
    expect(await h.page.getByText('Your session expired.').count()).toBe(0);
    expect(await storedRefreshToken(h)).toBeUndefined();
  });
});

describe('rotation that ends: 60 s refresh token validity, 10 s access tokens', () => {
  let h: AppHarness;
  afterAll(async () => {
    await h?.close();
  });

  it('Home shows the end, the warning comes before it, and the session ends at 60 s however often it rotated', async () => {
    h = await startAppHarness(server.url, {
      tokenLifetimeSeconds: 10,
      client: { refreshTokenRotation: { retryGracePeriodSeconds: 10 }, refreshTokenValiditySeconds: 60 },
      profile: { sessionLifetime: '60s' },
    });
    const { notifier, shown } = recordingNotifier();
    const notice = followSessionEnd({ session: h.session, notifier, language: () => 'en', leadMs: 20_000 });
    const { states, off } = track(h);
    try {
      const before = Date.now();
      await signIn(h, 'alice');
      const signedIn = h.session.getState();
      expect(signedIn.status).toBe('signed-in');
      const endsAt = signedIn.status === 'signed-in' ? signedIn.sessionEndsAt! : 0;
      expect(endsAt).toBeGreaterThanOrEqual(before + 60_000);
      expect(endsAt).toBeLessThanOrEqual(Date.now() + 60_000);
      await h.page.getByTestId('session-ends').waitFor();
      const firstToken = await storedRefreshToken(h);

      // Bounded: the session must be over a little after its end (the next refresh after 60 s).
      await expect
        .poll(() => h.session.getState().status, { timeout: 90_000, interval: 500 })
        .toBe('signed-out');
      const ended = h.session.getState();
      expect(ended).toMatchObject({ status: 'signed-out', reason: 'expired' });
      expect(Date.now()).toBeGreaterThanOrEqual(endsAt - 5_000);

      // It rotated on the way (each rotation saved), and never moved the end.
      const rotations = states.filter(
        (s, i) =>
          s.status === 'signed-in' &&
          i > 0 &&
          states[i - 1]!.status === 'signed-in' &&
          s.lastRefreshAt !== (states[i - 1] as typeof s).lastRefreshAt,
      );
      expect(rotations.length).toBeGreaterThanOrEqual(3);
      expect(firstToken).toBeDefined();
      for (const s of states) if (s.status === 'signed-in') expect(s.sessionEndsAt).toBe(endsAt);

      // One warning, before the end, with the time and the action.
      expect(shown).toHaveLength(1);
      expect(shown[0]!.at).toBeLessThan(endsAt);
      expect(shown[0]!.at).toBeGreaterThanOrEqual(endsAt - 20_000 - 1_000);
      expect(shown[0]!.notice.action).toBe('Sign in again');
      expect(shown[0]!.notice.title).toMatch(/^Your session ends at \d{1,2}:\d\d( [AP]M)?$/);
      await h.page.getByText('Your session expired.').waitFor();
    } finally {
      off();
      notice.dispose();
    }
  }, 120_000);
});

describe('"Sign in again"', () => {
  let h: AppHarness;
  beforeAll(async () => {
    h = await startAppHarness(server.url, { profile: { sessionLifetime: '8m' } });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('a cancel keeps the session; a finished one replaces it once saved and revokes the old family', async () => {
    await signIn(h, 'alice');
    const first = h.session.getState();
    const oldToken = await storedRefreshToken(h);
    expect(oldToken).toBeDefined();
    const { states, off } = track(h);
    try {
      // Within ten minutes of the end, Home offers it.
      await h.page.getByRole('button', { name: 'Sign in again' }).waitFor();

      // The user leaves the browser page open (no Hosted UI session to answer at once): the
      // session goes on, API calls keep working.
      await h.forgetBrowserSession();
      h.browserBehaviour = { kind: 'leave-open' };
      await h.page.getByRole('button', { name: 'Sign in again' }).click();
      await h.page.getByText('Finish signing in again in your browser').waitFor();
      expect(await h.session.getAccessToken()).toMatch(/^ey/);
      await h.page.getByRole('button', { name: 'Cancel' }).click();
      await h.page.getByRole('button', { name: 'Sign in again' }).waitFor();
      expect(h.session.getState().status).toBe('signed-in');
      expect(await storedRefreshToken(h)).toBe(oldToken);
      expect(await h.pool.isRefreshTokenActive(oldToken!)).toBe(true);

      // Now the user signs in on the Hosted UI page: a new family, the old one revoked.
      h.browserBehaviour = { kind: 'sign-in', user: 'alice' };
      await h.page.getByRole('button', { name: 'Sign in again' }).click();
      await expect.poll(() => storedRefreshToken(h), { timeout: 30_000 }).not.toBe(oldToken);
      await expect.poll(() => h.pool.isRefreshTokenActive(oldToken!), { timeout: 10_000 }).toBe(false);
      const after = h.session.getState();
      expect(after.status).toBe('signed-in');
      expect(states.every((s) => s.status === 'signed-in')).toBe(true);
      if (first.status === 'signed-in' && after.status === 'signed-in') {
        expect(after.sessionEndsAt).toBeGreaterThan(first.sessionEndsAt!);
        expect(after.signingInAgainSince).toBeUndefined();
      }
      expect(await h.pool.isRefreshTokenActive((await storedRefreshToken(h))!)).toBe(true);
    } finally {
      off();
    }
  }, 90_000);
});
