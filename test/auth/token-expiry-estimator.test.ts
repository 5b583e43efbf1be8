import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TokenExpiryEstimator } from '../../src/main/auth/token-expiry-estimator';

/**
 * A simulated issuer: its clock is the local clock plus `offsetMs`; it stamps `iat` by truncating
 * (or rounding) its issue time to whole seconds, and `exp = iat + lifetime`, as JWT issuers do.
 */
function issue(opts: {
  sentAt: number;
  latencyMs: number;
  offsetMs: number;
  lifetimeS: number;
  round?: 'floor' | 'round';
}) {
  const issuedLocal = opts.sentAt + opts.latencyMs / 2;
  const issuerNow = issuedLocal + opts.offsetMs;
  const iat = (opts.round === 'round' ? Math.round : Math.floor)(issuerNow / 1000);
  const exp = iat + opts.lifetimeS;
  return {
    timing: {
      sentAt: opts.sentAt,
      receivedAt: opts.sentAt + opts.latencyMs,
      expiresInSeconds: opts.lifetimeS,
      iat,
      exp,
    },
    /** When the token really stops being accepted, in local time. */
    trueLocalExpiry: exp * 1000 - opts.offsetMs,
  };
}

describe('access-token expiry estimate', () => {
  it('first token: one second early at most, never late, with the clock an hour ahead or behind', () => {
    for (const offsetMs of [0, 3_600_000, -3_600_000, 123_456]) {
      const e = new TokenExpiryEstimator();
      const t = issue({ sentAt: 1_700_000_000_250, latencyMs: 40, offsetMs, lifetimeS: 5 });
      const got = e.estimate(t.timing);
      expect(got).toBeLessThanOrEqual(t.trueLocalExpiry);
      expect(got).toBeGreaterThanOrEqual(t.trueLocalExpiry - 1_040);
      expect(got).toBeLessThanOrEqual(t.timing.sentAt + 5_000);
    }
  });

  it('converges on the real expiry over a few tokens, and is never late (any offset, latency, phase)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -7_200_000, max: 7_200_000 }),
        fc.array(
          fc.record({
            gapMs: fc.integer({ min: 1, max: 10_000 }),
            latencyMs: fc.integer({ min: 0, max: 300 }),
          }),
          {
            minLength: 1,
            maxLength: 40,
          },
        ),
        fc.constantFrom<'floor' | 'round'>('floor', 'round'),
        (offsetMs, steps, round) => {
          const e = new TokenExpiryEstimator();
          let sentAt = 1_700_000_000_000;
          for (const s of steps) {
            sentAt += s.gapMs;
            const t = issue({ sentAt, latencyMs: s.latencyMs, offsetMs, lifetimeS: 5, round });
            const got = e.estimate(t.timing);
            expect(got).toBeLessThanOrEqual(t.trueLocalExpiry);
            expect(got).toBeLessThanOrEqual(sentAt + 5_000);
          }
        },
      ),
      { numRuns: 300 },
    );
    // And it does get close: with varied phases and 20 ms round trips, within 100 ms.
    const e = new TokenExpiryEstimator();
    let last = 0;
    let truth = 0;
    for (let i = 0; i < 20; i++) {
      const t = issue({
        sentAt: 1_700_000_000_000 + i * 4_137,
        latencyMs: 20,
        offsetMs: 987_654,
        lifetimeS: 5,
      });
      last = e.estimate(t.timing);
      truth = t.trueLocalExpiry;
    }
    expect(truth - last).toBeLessThan(100);
    expect(truth - last).toBeGreaterThanOrEqual(0);
  });

  it('a local clock stepped back 30 s is noticed at the next token: the estimate is not late', () => {
    const e = new TokenExpiryEstimator();
    for (let i = 0; i < 10; i++) {
      e.estimate(
        issue({ sentAt: 1_700_000_000_000 + i * 3_333, latencyMs: 10, offsetMs: 0, lifetimeS: 5 }).timing,
      );
    }
    // The local clock jumps 30 s backwards: the issuer is now 30 s ahead of it.
    const t = issue({ sentAt: 1_700_000_010_000, latencyMs: 10, offsetMs: 30_000, lifetimeS: 5 });
    expect(e.estimate(t.timing)).toBeLessThanOrEqual(t.trueLocalExpiry);
  });

  it('missing, non-numeric or inconsistent claims fall back to sentAt + expires_in', () => {
    const e = new TokenExpiryEstimator();
    const base = { sentAt: 10_000, receivedAt: 10_050, expiresInSeconds: 5 };
    for (const claims of [
      { iat: undefined, exp: undefined },
      { iat: '1', exp: '6' },
      { iat: 20, exp: 10 },
      { iat: Number.NaN, exp: 6 },
      { iat: 1, exp: Number.POSITIVE_INFINITY },
    ]) {
      expect(e.estimate({ ...base, ...claims })).toBe(15_000);
    }
    // A claimed lifetime longer than expires_in does not extend the token.
    expect(e.estimate({ ...base, iat: 10, exp: 3_600 })).toBe(15_000);
  });
});
