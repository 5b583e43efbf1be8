/**
 * The refresh path against the local pool's UserAuthentication rate limit (Cognito's quota, which
 * a fleet waking at 09:00 meets): the over-quota answer (HTTP 429 {"error":"too_many_requests"},
 * no Retry-After) is transient. The refresh token stays in the keychain and valid at the pool,
 * the still-valid access token keeps being served, retries back off exponentially with jitter,
 * and the retry timer recovers by itself once the quota has room.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Clock } from '../../src/main/auth/clock';
import { createCredentialStore, sessionBindingOf } from '../../src/main/auth/credential-store';
import type { Session } from '../../src/main/auth/session';
import { AppError } from '../../src/shared/errors';
import { startHarness, type Harness } from './support/harness';

/** Real time, but timers never fire: the test decides when refreshes happen. */

describe('refresh under the pool rate limit (throttled is transient)', () => {
  let h: Harness;
  let session: Session;

  beforeAll(async () => {
    h = await startHarness();
    session = h.newSession({ backoff: { baseMs: 1_500, capMs: 6_000 } });
    h.track(session);
    await session.signIn();
    h.secrets.add(await session.getAccessToken());
  });
  afterAll(async () => {
    h?.pool.setRateLimit('userAuthentication', undefined);
    await session?.dispose();
    await h?.close();
  });

  /** Uses up the quota's one-second bucket with a request of our own. */
  const exhaustQuota = async () => {
    await fetch(`${h.pool.domain}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: 'x',
        client_id: h.profile.clientId,
      }),
    });
  };

  const codeOf = async (p: Promise<unknown>) => {
    try {
      h.secrets.add(String(await p));
      return 'resolved';
    } catch (err) {
      h.recordError(err);
      return err instanceof AppError ? err.code : String(err);
    }
  };

  it('a throttled refresh keeps the refresh token, serves the old access token, retries with jitter and recovers', async () => {
    const rtBefore = await h.storedRefreshToken();
    expect(rtBefore?.split('.')).toHaveLength(5); // a Cognito-size JWE went through the keychain
    const oldToken = await session.getAccessToken();
    h.pool.setRateLimit('userAuthentication', 1);
    h.pool.resetCounters();
    await exhaustQuota();
    const before = Date.now();
    expect(await codeOf(session.forceRefresh(oldToken))).toBe('IDP_UNREACHABLE');
    expect(h.pool.counters.throttled['userAuthentication']).toBe(1);
    const state = session.getState();
    expect(state).toMatchObject({ status: 'signed-in', connectivity: 'offline' });
    const retryIn = (state.status === 'signed-in' ? (state.nextRetryAt ?? 0) : 0) - before;
    // Equal jitter on the first retry: between half the base and the base (plus the request's time).
    expect(retryIn).toBeGreaterThanOrEqual(750);
    expect(retryIn).toBeLessThanOrEqual(1_500 + 1_000);
    expect(await h.storedRefreshToken()).toBe(rtBefore);
    expect(await h.pool.isRefreshTokenActive(rtBefore ?? '')).toBe(true);
    expect(await session.getAccessToken()).toBe(oldToken);
    // The retry timer fires by itself; a second on, the quota has room again.
    await expect
      .poll(() => session.getState().status === 'signed-in' && session.getState(), {
        timeout: 10_000,
        interval: 100,
      })
      .toMatchObject({ connectivity: 'online' });
    const fresh = await session.getAccessToken();
    h.secrets.add(fresh);
    expect(fresh).not.toBe(oldToken);
    expect(await h.storedRefreshToken()).toBe(rtBefore);
    h.pool.setRateLimit('userAuthentication', undefined);
  });

  it('repeated throttling doubles the delay (with jitter), never wipes the token, and leaks nothing', async () => {
    const base = 10_000;
    // The session's timers are captured, not run: the test fires the scheduled retry itself.
    let scheduled: (() => void) | undefined;
    const capturedTimers: Clock = {
      now: () => Date.now(),
      setTimeout: (fn) => {
        scheduled = fn;
        return 0;
      },
      clearTimeout: () => undefined,
    };
    const throttled = h.newSession({
      clock: capturedTimers,
      random: () => 0,
      backoff: { baseMs: base, capMs: 60_000 },
    });
    try {
      await throttled.start();
      const token = await throttled.getAccessToken();
      h.secrets.add(token);
      const rt = await h.storedRefreshToken();
      h.pool.setRateLimit('userAuthentication', 1);
      const delays: number[] = [];
      const retryAt = () => {
        const s = throttled.getState();
        return s.status === 'signed-in' ? s.nextRetryAt : undefined;
      };
      for (let attempt = 0; attempt < 3; attempt += 1) {
        await exhaustQuota();
        const sent = Date.now();
        const before = retryAt();
        if (attempt === 0) {
          // The API rejected the token: the one forced refresh of this lifetime meets the quota.
          expect(await codeOf(throttled.forceRefresh(token))).toBe('IDP_UNREACHABLE');
        } else {
          // Later attempts are the session's own scheduled retries (a forced refresh is spent).
          scheduled?.();
          await expect
            .poll(
              () => {
                const next = retryAt();
                return next !== undefined && next !== before;
              },
              { timeout: 10_000, interval: 50 },
            )
            .toBe(true);
        }
        delays.push((retryAt() ?? 0) - sent);
        await new Promise((r) => setTimeout(r, 1_050)); // let the bucket refill before the next round
      }
      // random() = 0: exactly half of base * 2^attempt (within the request's own time).
      delays.forEach((d, attempt) => {
        const expected = (base * 2 ** attempt) / 2;
        expect(d).toBeGreaterThanOrEqual(expected);
        expect(d).toBeLessThanOrEqual(expected + 1_000);
      });
      expect(await h.storedRefreshToken()).toBe(rt);
      expect(await h.pool.isRefreshTokenActive(rt ?? '')).toBe(true);
      for (const secret of h.secrets) {
        for (const line of h.emitted) expect(line.includes(secret)).toBe(false);
      }
    } finally {
      h.pool.setRateLimit('userAuthentication', undefined);
      await throttled.dispose();
    }
  });

  it('a fleet restoring at once meets the quota: the throttled back off with jitter and all recover, no token lost', async () => {
    const rt = (await h.storedRefreshToken()) ?? '';
    const fleetSize = 8;
    const stores = Array.from({ length: fleetSize }, (_, i) =>
      createCredentialStore({ profileId: `${h.profile.id}-fleet${i}`, clientId: h.profile.clientId }),
    );
    const binding = sessionBindingOf(h.profile);
    await Promise.all(stores.map((store) => store.save({ refreshToken: rt, binding })));
    const fleet = stores.map((credentialStore) =>
      h.newSession({ credentialStore, backoff: { baseMs: 1_000, capMs: 4_000 } }),
    );
    // The delay each throttled client chose: nextRetryAt minus the moment it published it.
    const delays: number[] = [];
    for (const s of fleet) {
      h.track(s);
      let seen = false;
      s.onChanged((st) => {
        if (seen || st.status !== 'signed-in' || st.connectivity !== 'offline') return;
        if (st.nextRetryAt === undefined) return;
        seen = true;
        delays.push(st.nextRetryAt - Date.now());
      });
    }
    h.pool.setRateLimit('userAuthentication', 3);
    h.pool.resetCounters();
    try {
      // 09:00: every client restores from its keychain entry at the same moment.
      await Promise.all(fleet.map((s) => s.start()));
      expect(h.pool.counters.throttled['userAuthentication'] ?? 0).toBeGreaterThanOrEqual(fleetSize - 3);
      expect(delays.length).toBeGreaterThanOrEqual(fleetSize - 3);
      // Equal jitter on a 1 s base: each delay in [0.5 s, 1 s], and the clients not in lockstep.
      for (const d of delays) {
        expect(d).toBeGreaterThanOrEqual(495);
        expect(d).toBeLessThanOrEqual(1_005);
      }
      expect(Math.max(...delays) - Math.min(...delays)).toBeGreaterThan(50);
      await expect
        .poll(
          () =>
            fleet.every((s) => {
              const state = s.getState();
              return state.status === 'signed-in' && state.connectivity === 'online';
            }),
          {
            timeout: 30_000,
            interval: 200,
          },
        )
        .toBe(true);
      for (const store of stores) {
        const loaded = await store.load();
        expect(loaded.kind === 'found' && loaded.credential.refreshToken).toBe(rt);
      }
      for (const s of fleet) h.secrets.add(await s.getAccessToken());
    } finally {
      h.pool.setRateLimit('userAuthentication', undefined);
      await Promise.all(fleet.map((s) => s.dispose()));
      await Promise.all(stores.map((store) => store.clear()));
    }
  });
});
