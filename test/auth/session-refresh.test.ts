import keytar from 'keytar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/main/auth/clock';
import {
  createCredentialStore,
  sessionBindingOf,
  keychainAccount,
  KEYCHAIN_SERVICE,
} from '../../src/main/auth/credential-store';
import type { KeytarLike } from '../../src/main/auth/credential-store';
import type { Session } from '../../src/main/auth/session';
import { AppError } from '../../src/shared/errors';
import type { SessionState } from '../../src/shared/session-state';
import type { TokenFault } from '../../tools/user-pool/types';
import { TRANSIENT_REFRESH_FAULTS } from './support/refresh-faults';
import { CLIENT_ID, leakedSecrets, startHarness } from './support/harness';
import type { Harness } from './support/harness';

async function codeOf(h: Harness, p: Promise<unknown>): Promise<string> {
  try {
    const v = await p;
    if (typeof v === 'string') h.secrets.add(v);
    return 'resolved';
  } catch (err) {
    h.recordError(err);
    return err instanceof AppError ? err.code : `not-app-error: ${String(err)}`;
  }
}

/** Real time, but timers never fire: the test decides when refreshes happen. */
const frozenTimers: Clock = { now: () => Date.now(), setTimeout: () => 0, clearTimeout: () => undefined };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('session refresh against the local user pool (1 h tokens)', () => {
  let h: Harness;
  let session: Session;
  let states: SessionState[];
  beforeAll(async () => {
    h = await startHarness();
    session = h.newSession();
    states = h.track(session);
    await session.signIn();
    h.secrets.add(await session.getAccessToken());
  });
  afterAll(async () => {
    await session?.dispose();
    await h?.close();
  });

  for (const [name, fault, expected] of TRANSIENT_REFRESH_FAULTS) {
    it(`transient fault "${name}": refresh token kept, degraded state, old token still served, recovery`, async () => {
      const rtBefore = await h.storedRefreshToken();
      const oldToken = await session.getAccessToken();
      if (fault === 'down') await h.pool.suspendListening();
      else h.pool.injectTokenFaults(fault);
      try {
        const error = await session.forceRefresh(oldToken).then(
          () => undefined,
          (err: unknown) => h.recordError(err),
        );
        expect(error).toBeInstanceOf(AppError);
        const { code, message, status } = error as AppError;
        expect({ code, message, ...(status === undefined ? {} : { status }) }).toEqual(expected);
        const state = session.getState();
        expect(state).toMatchObject({ status: 'signed-in', connectivity: 'offline' });
        expect(state.status === 'signed-in' && state.nextRetryAt).toBeGreaterThan(Date.now());
        expect(await h.storedRefreshToken()).toBe(rtBefore);
        // Within the backoff the still-valid access token keeps being served, without a request.
        const requests = h.tokenRequests('refresh_token');
        expect(await session.getAccessToken()).toBe(oldToken);
        expect(h.tokenRequests('refresh_token')).toBe(requests);
      } finally {
        if (fault === 'down') await h.pool.resumeListening();
        h.pool.clearFaults();
      }
      session.online();
      await expect
        .poll(() => session.getState().status === 'signed-in' && session.getState())
        .toMatchObject({
          connectivity: 'online',
        });
      const fresh = await session.getAccessToken();
      h.secrets.add(fresh);
      expect(fresh).not.toBe(oldToken);
      expect(await h.storedRefreshToken()).toBe(rtBefore);
    });
  }

  it('restore at start with the pool down: signed in but degraded (no access token yet), then recovers', async () => {
    await h.pool.suspendListening();
    const restored = h.newSession();
    const restoredStates = h.track(restored);
    try {
      const state = await restored.start();
      expect(state).toMatchObject({
        status: 'signed-in',
        connectivity: 'offline',
        accessTokenExpiresAt: 0,
        user: { username: 'alice', groups: ['admin'] },
      });
      expect(await codeOf(h, restored.getAccessToken())).toBe('IDP_UNREACHABLE');
      expect(await h.storedRefreshToken()).toBeTruthy();
    } finally {
      await h.pool.resumeListening();
    }
    restored.online();
    await expect
      .poll(() => restored.getState())
      .toMatchObject({ status: 'signed-in', connectivity: 'online' });
    h.secrets.add(await restored.getAccessToken());
    expect(restoredStates.every((s) => s.status === 'signed-in')).toBe(true);
    await restored.dispose();
  });

  it('repeated transient failures back off exponentially with jitter and the retry timer recovers by itself', async () => {
    const timers: Array<{ ms: number; fn: () => void }> = [];
    const clock: Clock = {
      now: () => Date.now(),
      setTimeout: (fn, ms) => {
        timers.push({ ms, fn });
        return timers.length;
      },
      clearTimeout: () => undefined,
    };
    const s = h.newSession({ clock, random: () => 0.5, backoff: { baseMs: 1_000, capMs: 3_000 } });
    await s.start();
    const token = await s.getAccessToken();
    h.secrets.add(token);
    const unavailable: TokenFault = { kind: 'status', status: 503, body: 'busy' };
    h.pool.injectTokenFaults(unavailable, unavailable, unavailable);
    const retryDelays: number[] = [];
    const fireLatestRetry = async () => {
      const t = timers.at(-1)!;
      retryDelays.push(t.ms);
      const before = h.tokenRequests('refresh_token');
      t.fn();
      await expect.poll(() => h.tokenRequests('refresh_token')).toBe(before + 1);
      await expect.poll(() => s.getState()).not.toMatchObject({ connectivity: 'refreshing' });
    };
    expect(await codeOf(h, s.forceRefresh(token))).toBe('IDP_UNREACHABLE');
    await fireLatestRetry(); // 2nd failure
    await fireLatestRetry(); // 3rd failure
    expect(s.getState()).toMatchObject({ connectivity: 'offline' });
    await fireLatestRetry(); // faults used up: succeeds
    // equal jitter with random 0.5: 0.75 x min(cap, base * 2^n)
    expect(retryDelays).toEqual([750, 1500, 2250]);
    expect(s.getState()).toMatchObject({ status: 'signed-in', connectivity: 'online' });
    h.secrets.add(await s.getAccessToken());
    await s.dispose();
  });

  it('sentinel refresh token in the keychain rejected by the pool -> signed out, the sentinel never emitted', async () => {
    const c = await startHarness();
    try {
      const sentinel = 'SENTINEL-REFRESH-TOKEN-0123456789abcdef';
      c.secrets.add(sentinel);
      await createCredentialStore({ profileId: c.profile.id, clientId: CLIENT_ID }).save({
        refreshToken: sentinel,
        binding: sessionBindingOf(c.profile),
      });
      const s = c.newSession();
      c.track(s);
      const state = await s.start();
      expect(state).toMatchObject({ status: 'signed-out', error: { code: 'SESSION_EXPIRED' } });
      expect(await codeOf(c, s.getAccessToken())).toBe('SIGN_IN_REQUIRED');
      expect(await c.keychainEntries()).toBe(0);
      expect(c.emitted.length).toBeGreaterThan(2);
      expect(leakedSecrets(c)).toEqual([]);
    } finally {
      await c.close();
    }
  });

  it('a corrupt keychain entry at start -> signed out, entry removed', async () => {
    const c = await startHarness();
    try {
      await keytar.setPassword(
        KEYCHAIN_SERVICE,
        keychainAccount(c.profile.id, CLIENT_ID),
        '{"v":1,"e":"garbage',
      );
      const s = c.newSession();
      const state = await s.start();
      expect(state).toMatchObject({ status: 'signed-out', reason: 'error' });
      expect(await c.keychainEntries()).toBe(0);
      expect(c.opened).toEqual([]);
      expect(c.emitted.join('\n')).not.toContain('garbage');
    } finally {
      await c.close();
    }
  });

  it('no token value or JWT appeared in any log line, event or error', () => {
    expect(states.length).toBeGreaterThan(5);
    expect(leakedSecrets(h)).toEqual([]);
  });
});

describe('session with 5-second tokens', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ client: { accessTokenValiditySeconds: 5, idTokenValiditySeconds: 5 } });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('refreshes proactively before expiry without any caller', async () => {
    const session = h.newSession();
    await session.signIn();
    const first = session.getState();
    const before = h.tokenRequests('refresh_token');
    await expect
      .poll(() => h.tokenRequests('refresh_token'), { timeout: 15_000, interval: 200 })
      .toBeGreaterThanOrEqual(before + 2);
    // The pool counts a request when it arrives; the session has adopted it once it is online
    // again (on a loaded machine that is a moment later, not a failure).
    await expect
      .poll(() => session.getState(), { timeout: 10_000 })
      .toMatchObject({ connectivity: 'online' });
    const now = session.getState();
    expect(now.status === 'signed-in' && first.status === 'signed-in').toBe(true);
    if (now.status === 'signed-in' && first.status === 'signed-in') {
      expect(now.accessTokenExpiresAt).toBeGreaterThan(first.accessTokenExpiresAt);
      expect(now.connectivity).toBe('online');
    }
    await session.dispose();
  });

  it('a local clock 2 minutes ahead or behind the pool: every token handed out is live at the pool, no refresh storm', async () => {
    for (const skewMs of [120_000, -120_000]) {
      const skewed: Clock = {
        now: () => Date.now() + skewMs,
        setTimeout: (fn, ms) => setTimeout(fn, ms),
        clearTimeout: (t) => clearTimeout(t as ReturnType<typeof setTimeout>),
      };
      const session = h.newSession({ clock: skewed });
      await session.signIn();
      const before = h.tokenRequests('refresh_token');
      // At least 8 s (longer than a token's life, so refreshes are needed) and at least 20 tokens
      // handed out, however slow the machine: every bound below is measured, not assumed.
      const started = Date.now();
      let served = 0;
      while (Date.now() - started < 8_000 || served < 20) {
        const token = await session.getAccessToken();
        const handedOut = Date.now();
        h.secrets.add(token);
        const { exp } = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as {
          exp: number;
        };
        // The pool's clock is the real one: the token was still live at the pool when the session
        // handed it over (a session fooled by the skew hands out tokens dead for up to 2 minutes).
        expect(exp * 1000 - handedOut).toBeGreaterThan(0);
        served++;
        await sleep(50);
      }
      const elapsed = Date.now() - started;
      const refreshes = h.tokenRequests('refresh_token') - before;
      // 5 s tokens used nearly to the end: about one refresh per 4.5 s of the measured time (a
      // storm would be one per call, dozens).
      expect(refreshes).toBeGreaterThanOrEqual(1);
      expect(refreshes).toBeLessThanOrEqual(Math.ceil(elapsed / 2_500) + 1);
      await session.dispose();
    }
  });

  it('500 concurrent getAccessToken() on an expired token -> exactly one token request, all get the same valid token', async () => {
    const session = h.newSession({ clock: frozenTimers });
    await session.signIn();
    const old = await session.getAccessToken();
    await sleep(5_500); // the access token is now expired (no proactive timer: frozen)
    const before = h.tokenRequests('refresh_token');
    const results = await Promise.all(Array.from({ length: 500 }, () => session.getAccessToken()));
    expect(h.tokenRequests('refresh_token')).toBe(before + 1);
    expect(new Set(results).size).toBe(1);
    expect(results[0]).not.toBe(old);
    h.secrets.add(old);
    h.secrets.add(results[0]!);
    // forceRefresh with an older token than the current one does not refresh again.
    expect(await session.forceRefresh(old)).toBe(results[0]);
    expect(h.tokenRequests('refresh_token')).toBe(before + 1);
    await session.dispose();
  });

  it('resume() after a "sleep" refreshes a stale token at once, without any caller', async () => {
    const session = h.newSession({ clock: frozenTimers });
    await session.signIn();
    h.secrets.add(await session.getAccessToken());
    await sleep(4_200); // past the refresh margin; no timer fires on this clock, as after a suspend
    const before = h.tokenRequests('refresh_token');
    session.resume();
    await expect.poll(() => h.tokenRequests('refresh_token')).toBe(before + 1);
    await expect
      .poll(() => session.getState())
      .toMatchObject({ status: 'signed-in', connectivity: 'online' });
    await session.dispose();
  });

  it('invalid_grant after an admin revocation -> signed out elsewhere (no local cause), keychain empty, callers get typed errors', async () => {
    const session = h.newSession({ clock: frozenTimers });
    const states = h.track(session);
    await session.signIn();
    const rt = await h.storedRefreshToken();
    await h.pool.revokeRefreshToken(rt!);
    await sleep(5_200);
    const results = await Promise.all(Array.from({ length: 20 }, () => codeOf(h, session.getAccessToken())));
    expect(new Set(results)).toEqual(new Set(['SESSION_EXPIRED']));
    expect(states.at(-1)).toMatchObject({ status: 'signed-out', error: { code: 'SESSION_EXPIRED' } });
    const last = states.at(-1)!;
    // Minutes old, no end known: nothing here ended it (rules.ts invalidGrantReason).
    expect(last).toMatchObject({ status: 'signed-out', reason: 'signed-out-elsewhere' });
    expect(await h.keychainEntries()).toBe(0);
    expect(await codeOf(h, session.getAccessToken())).toBe('SIGN_IN_REQUIRED');
    await session.dispose();
  });

  it('no token value or JWT appeared in any log line, event or error', () => {
    expect(leakedSecrets(h)).toEqual([]);
  });
});

describe('rotation, sign-out, memory-only', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ client: { refreshTokenRotation: true } });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('a rotated refresh token is persisted, and a fresh session restores with it', async () => {
    const session = h.newSession();
    await session.signIn();
    const rt1 = await h.storedRefreshToken();
    const at1 = await session.getAccessToken();
    h.secrets.add(at1);
    await session.forceRefresh(at1);
    const rt2 = await h.storedRefreshToken();
    expect(rt2).toBeTruthy();
    expect(rt2).not.toBe(rt1);
    await session.dispose();
    const restored = h.newSession();
    expect(await restored.start()).toMatchObject({ status: 'signed-in', connectivity: 'online' });
    const rt3 = await h.storedRefreshToken();
    expect(rt3).not.toBe(rt2);
    h.secrets.add(await restored.getAccessToken());
    await restored.signOut({ endHostedUiSession: false });
  });

  it('sign-out revokes at the pool, wipes keychain and memory, and opens the Hosted UI logout', async () => {
    const session = h.newSession();
    const states = h.track(session);
    await session.signIn();
    const rt = await h.storedRefreshToken();
    expect(await h.pool.isRefreshTokenActive(rt!)).toBe(true);
    const revokes = h.pool.counters.revokeRequests;
    const state = await session.signOut({ endHostedUiSession: true });
    expect(state).toMatchObject({ status: 'signed-out', reason: 'user' });
    expect(h.pool.counters.revokeRequests).toBe(revokes + 1);
    expect(await h.pool.isRefreshTokenActive(rt!)).toBe(false);
    expect(await h.keychainEntries()).toBe(0);
    expect(await codeOf(h, session.getAccessToken())).toBe('SIGN_IN_REQUIRED');
    expect(new URL(h.opened.at(-1)!).pathname).toBe('/logout');
    expect(states.at(-1)).toMatchObject({ status: 'signed-out', reason: 'user' });
  });

  it('sign-out with the pool down still wipes everything locally', async () => {
    const session = h.newSession();
    await session.signIn();
    h.secrets.add(await session.getAccessToken());
    await h.pool.suspendListening();
    try {
      const state = await session.signOut({ endHostedUiSession: false });
      expect(state).toMatchObject({ status: 'signed-out', reason: 'user' });
      expect(await h.keychainEntries()).toBe(0);
      expect(await codeOf(h, session.getAccessToken())).toBe('SIGN_IN_REQUIRED');
    } finally {
      await h.pool.resumeListening();
    }
  });

  it('sign-out during an in-flight refresh discards that refresh (nothing re-saved)', async () => {
    const session = h.newSession();
    await session.signIn();
    const at = await session.getAccessToken();
    h.secrets.add(at);
    h.pool.injectTokenFaults({ kind: 'hang' });
    const inflight = session.forceRefresh(at);
    await expect.poll(() => session.getState()).toMatchObject({ connectivity: 'refreshing' });
    await session.signOut({ endHostedUiSession: false });
    expect(await codeOf(h, inflight)).toBe('SIGN_IN_REQUIRED');
    h.pool.clearFaults();
    expect(session.getState()).toMatchObject({ status: 'signed-out', reason: 'user' });
    expect(await h.keychainEntries()).toBe(0);
  });

  it('keychain unavailable -> sign-in works in memory only and the state says why; nothing stored', async () => {
    const broken: KeytarLike = {
      getPassword: () => Promise.reject(new Error('Cannot autolaunch D-Bus without X11 $DISPLAY')),
      setPassword: () => Promise.reject(new Error('Cannot autolaunch D-Bus without X11 $DISPLAY')),
      deletePassword: () => Promise.reject(new Error('Cannot autolaunch D-Bus without X11 $DISPLAY')),
    };
    const credentialStore = createCredentialStore({
      profileId: h.profile.id,
      clientId: CLIENT_ID,
      backend: broken,
    });
    const session = h.newSession({ credentialStore });
    const state = await session.signIn();
    expect(state.storage.kind).toBe('memory');
    expect(state.storage.kind === 'memory' && state.storage.reason).toMatch(/D-Bus.*memory only/);
    const at = await session.getAccessToken();
    h.secrets.add(at);
    expect(await session.forceRefresh(at)).not.toBe(at);
    expect(await h.keychainEntries()).toBe(0);
    await session.signOut({ endHostedUiSession: false });
  });

  it('no token value or JWT appeared in any log line, event or error', () => {
    expect(h.secrets.size).toBeGreaterThan(3);
    expect(leakedSecrets(h)).toEqual([]);
  });
});
