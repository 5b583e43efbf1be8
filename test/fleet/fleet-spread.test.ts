import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backoffDelay, retryDelay, wakeDelay } from '../../src/main/auth/backoff';
import type { Clock } from '../../src/main/auth/clock';
import { resolvePolicy } from '../../src/main/policy/effective-policy';
import { leakedSecrets, startHarness, type Harness } from '../auth/support/harness';

/**
 * A fleet meets one IdP quota (Cognito's UserAuthentication, 120 requests per second per account
 * and region). With the organisation policy's `fleet: { clients, tokenRequestsPerSecond }`, a
 * client spreads the refreshes nobody is waiting for over clients / quota, and its retries over
 * windows sized to it; without that policy nothing changes. The figures at 10,000 clients are in
 * `npm run fleet` (docs/fleet.md); these tests pin the mechanism, against the real pool.
 */

describe('fleet spread: the schedule', () => {
  const spreadMs = 83_333;
  it('comes from the policy as clients / quota (default quota 120 rps), and is off without it', () => {
    const policy = (document: Record<string, unknown>) =>
      resolvePolicy([{ scope: 'machine', source: 'p', document }]).refreshSpreadMs;
    expect(policy({ fleet: { clients: 10_000 } })).toBe(83_333);
    expect(policy({ fleet: { clients: 10_000, tokenRequestsPerSecond: 50 } })).toBe(200_000);
    expect(policy({ fleet: { clients: 10_000_000, tokenRequestsPerSecond: 1 } })).toBe(3_600_000);
    expect(policy({})).toBe(0);
    expect(() => policy({ fleet: { clients: 0 } })).toThrow(/fleet\.clients/);
  });

  it('without a spread, retries keep the one-machine schedule (equal jitter) and nothing waits', () => {
    for (const attempt of [0, 3, 9]) {
      for (const r of [0, 0.5, 1]) {
        const options = { baseMs: 2_000, capMs: 300_000, random: () => r };
        expect(retryDelay(attempt, { ...options, throttled: true })).toBe(backoffDelay(attempt, options));
        expect(retryDelay(attempt, options)).toBe(backoffDelay(attempt, options));
      }
    }
    expect(wakeDelay({ random: () => 0.9 })).toBe(0);
  });

  it("with a spread: one quick retry, then one try per spread in the client's own slot; throttling backs off on its own streak", () => {
    const at = (attempt: number, r: number, throttled: boolean, throttledStreak = 0) =>
      retryDelay(attempt, {
        baseMs: 2_000,
        capMs: 300_000,
        spreadMs,
        random: () => r,
        throttled,
        throttledStreak,
      });
    const slot = (attempt: number, phase: number, now: number) =>
      retryDelay(attempt, { baseMs: 2_000, capMs: 300_000, spreadMs, random: () => 0.5, phase, now });
    // A failure that is not throttling: the first retry within the base (a blip)...
    expect(at(0, 1, false)).toBe(2_000);
    expect(at(0, 0, false)).toBe(0);
    // ...then the next moment whose time modulo the spread is the client's phase.
    const now = 10 * spreadMs + 1_000;
    expect(slot(1, 0.5, now)).toBe(Math.round(spreadMs / 2) - 1_000);
    expect(slot(7, 0.5, now)).toBe(Math.round(spreadMs / 2) - 1_000);
    expect(slot(1, 0.25, now + spreadMs / 2)).toBe(Math.round(spreadMs * 0.75) - 1_000);
    // A slot under a second away counts as the one just missed: the next one (never a tight loop).
    expect(slot(1, 0.5, Math.round(10.5 * spreadMs) - 500)).toBe(spreadMs + 500);
    // A spread past the one-machine cap (5 min) still bounds the slots: the quota decides.
    const hour = 3_600_000;
    expect(
      retryDelay(2, { baseMs: 2_000, capMs: 300_000, spreadMs: hour, random: () => 0.5, phase: 0.5, now: 0 }),
    ).toBe(hour / 2);
    // Never more than a spread (plus that second) away, whatever the phase and the moment.
    for (let k = 0; k < 200; k++) {
      const d = slot(3, (k * 0.37) % 1, now + k * 7_919);
      expect(d).toBeGreaterThanOrEqual(1_000);
      expect(d).toBeLessThanOrEqual(spreadMs + 1_000);
    }
    // Throttled: a sixteenth of the spread the first time, whatever attempt count an outage left...
    expect(at(0, 1, true)).toBe(Math.round(spreadMs / 16));
    expect(at(20, 1, true)).toBe(Math.round(spreadMs / 16));
    expect(at(20, 0.5, true)).toBe(Math.round(spreadMs / 32));
    // ...doubling with each throttled answer in a row, up to the spread.
    expect(at(0, 1, true, 1)).toBe(Math.round(spreadMs / 8));
    expect(at(0, 1, true, 3)).toBe(Math.round(spreadMs / 2));
    expect(at(0, 1, true, 9)).toBe(spreadMs);
    expect(wakeDelay({ spreadMs, random: () => 0.25 })).toBe(Math.round(spreadMs / 4));
  });
});

describe('fleet spread: the session engine against the real pool', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    const first = h.newSession();
    h.track(first);
    await first.signIn();
    h.secrets.add(await first.getAccessToken());
    await first.dispose();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('a background restore waits its turn; the first caller refreshes at once; the turn then sends nothing', async () => {
    const timers: Array<{ fn: () => void; ms: number }> = [];
    const captured: Clock = {
      now: () => Date.now(),
      setTimeout: (fn, ms) => timers.push({ fn, ms }),
      clearTimeout: () => undefined,
    };
    const session = h.newSession({ clock: captured, random: () => 0.5, backoff: { spreadMs: 60_000 } });
    const states = h.track(session);
    try {
      const before = h.tokenRequests('refresh_token');
      const state = await session.start();
      expect(state).toMatchObject({ status: 'signed-in', connectivity: 'refreshing' });
      expect(h.tokenRequests('refresh_token')).toBe(before);
      expect(timers.map((t) => t.ms)).toEqual([30_000]);

      // Someone needs a token (an API call): no waiting for the turn.
      h.secrets.add(await session.getAccessToken());
      expect(h.tokenRequests('refresh_token')).toBe(before + 1);
      expect(session.getState()).toMatchObject({ status: 'signed-in', connectivity: 'online' });

      // The turn comes: the token is fresh, so it sends nothing. A refresh it started would have
      // published "refreshing" at once (the engine does, before its first await)...
      const published = states.length;
      timers[0]?.fn();
      expect(states.slice(published)).toEqual([]);
      expect(session.getState()).toMatchObject({ connectivity: 'online' });
      // ...and dispose waits for any refresh in flight: after it, the count is final.
      await session.dispose();
      expect(h.tokenRequests('refresh_token')).toBe(before + 1);
    } finally {
      await session.dispose();
    }
  });

  it('without a spread the restore refreshes at once (one machine: nothing changes)', async () => {
    const session = h.newSession();
    h.track(session);
    try {
      const before = h.tokenRequests('refresh_token');
      expect(await session.start()).toMatchObject({ status: 'signed-in', connectivity: 'online' });
      expect(h.tokenRequests('refresh_token')).toBe(before + 1);
    } finally {
      await session.dispose();
    }
  });

  it('a waiting turn that nobody preempts refreshes when it comes', async () => {
    const timers: Array<{ fn: () => void; ms: number }> = [];
    const captured: Clock = {
      now: () => Date.now(),
      setTimeout: (fn, ms) => timers.push({ fn, ms }),
      clearTimeout: () => undefined,
    };
    const session = h.newSession({ clock: captured, random: () => 0.1, backoff: { spreadMs: 60_000 } });
    h.track(session);
    try {
      const before = h.tokenRequests('refresh_token');
      await session.start();
      expect(h.tokenRequests('refresh_token')).toBe(before);
      timers[0]?.fn();
      await expect
        .poll(() => session.getState().status === 'signed-in' && h.tokenRequests('refresh_token'), {
          timeout: 10_000,
        })
        .toBe(before + 1);
      await expect.poll(() => (session.getState() as { connectivity?: string }).connectivity).toBe('online');
    } finally {
      await session.dispose();
    }
  });

  it("throttled answers in a row back off on their own streak (the pool's own rate limit); an outage answer starts it over", async () => {
    const spread = 80_000;
    const timers: Array<{ fn: () => void; ms: number }> = [];
    const captured: Clock = {
      now: () => Date.now(),
      setTimeout: (fn, ms) => timers.push({ fn, ms }),
      clearTimeout: () => undefined,
    };
    // random 1: every delay is its whole window, so the windows themselves are read off.
    const session = h.newSession({
      clock: captured,
      random: () => 1,
      backoff: { spreadMs: spread, baseMs: 2_000, capMs: 300_000 },
    });
    h.track(session);
    // The pool's quota at one request per 1,000 s: the bucket's single token goes to another
    // client, and every refresh of this one is throttled by the pool itself.
    h.pool.setRateLimit('userAuthentication', 0.001);
    const other = h.newSession();
    try {
      await other.start();
      await other.dispose();
      await session.start();
      expect(timers.map((t) => t.ms)).toEqual([spread]); // the wake turn
      const fire = async (i: number) => {
        timers[i]?.fn();
        await expect.poll(() => timers.length, { timeout: 10_000 }).toBe(i + 2);
      };
      for (const i of [0, 1, 2]) await fire(i);
      expect(timers.slice(1).map((t) => t.ms)).toEqual([spread / 16, spread / 8, spread / 4]);
      // The quota is back, the IdP is not: a 503 (attempt 3: the next slot of this client, phase
      // 1 with random 1, i.e. a moment that is a whole multiple of the spread), then throttled
      // again, from a sixteenth of the spread, not from where the streak had got to.
      h.pool.setRateLimit('userAuthentication', undefined);
      h.pool.injectTokenFaults(
        { kind: 'status', status: 503, body: 'down' },
        {
          kind: 'status',
          status: 429,
          body: '{"error":"too_many_requests"}',
          contentType: 'application/json',
        },
      );
      await fire(3);
      const slotAt = (session.getState() as { nextRetryAt?: number }).nextRetryAt ?? 1;
      expect(slotAt % spread).toBe(0);
      expect(timers[4]?.ms).toBeGreaterThanOrEqual(1_000);
      expect(timers[4]?.ms).toBeLessThanOrEqual(spread + 1_000);
      await fire(4);
      expect(timers[5]?.ms).toBe(spread / 16);
      timers[5]?.fn();
      await expect.poll(() => (session.getState() as { connectivity?: string }).connectivity).toBe('online');
    } finally {
      h.pool.setRateLimit('userAuthentication', undefined);
      await session.dispose();
    }
  });

  it('leaks no token into logs or states', () => {
    // What is searched is there (run alone too: beforeAll's tracked sign-in fills it).
    expect(h.emitted.some((line) => line.includes('"status":"signed-in"'))).toBe(true);
    expect(h.secrets.size).toBeGreaterThan(0);
    expect(leakedSecrets(h)).toEqual([]);
  });
});
