/**
 * Capped exponential backoff with jitter for refresh retries after transient failures.
 * "Equal jitter": half the exponential delay is fixed, half random, so retries spread out but
 * never collapse to zero. Randomness is injectable for tests.
 */
export interface BackoffOptions {
  baseMs?: number;
  capMs?: number;
  random?: () => number;
  /**
   * The fleet's spread: how long the IdP's quota needs to serve every client of the organisation
   * once (clients / token requests per second, from the organisation policy's `fleet`). 0 or
   * absent: one machine on its own, today's schedule.
   */
  spreadMs?: number;
}

export const DEFAULT_BACKOFF = { baseMs: 2_000, capMs: 5 * 60_000 } as const;

/** Delay before retry number `attempt` (0 = first retry). */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const base = options.baseMs ?? DEFAULT_BACKOFF.baseMs;
  const cap = options.capMs ?? DEFAULT_BACKOFF.capMs;
  const random = options.random ?? Math.random;
  const exp = Math.min(cap, base * 2 ** Math.min(Math.max(0, attempt), 30));
  const r = Math.min(1, Math.max(0, random()));
  return Math.round(exp / 2 + r * (exp / 2));
}

/**
 * Delay before retry number `attempt` of a failed refresh.
 *
 * One machine (no spread): `backoffDelay`, equal jitter. A fleet (spread > 0) meets the IdP's
 * quota together, and a client cannot see the others, so retries use full jitter (uniform over
 * the window, AWS's "Exponential Backoff And Jitter") over windows sized to the fleet:
 *  - a throttled answer means the quota is full right now: wait at least half the fleet's
 *    spread, so the throttled spread over the time the quota needs instead of coming back
 *    together;
 *  - any other transient failure (an outage) grows as usual;
 *  - no window is longer than the spread, so when the IdP recovers the whole fleet returns
 *    within about one spread, at about the quota's rate.
 */
export function retryDelay(attempt: number, options: BackoffOptions & { throttled?: boolean } = {}): number {
  const spread = options.spreadMs ?? 0;
  if (spread <= 0) return backoffDelay(attempt, options);
  const base = options.baseMs ?? DEFAULT_BACKOFF.baseMs;
  const cap = options.capMs ?? DEFAULT_BACKOFF.capMs;
  const random = options.random ?? Math.random;
  const exp = Math.min(cap, base * 2 ** Math.min(Math.max(0, attempt), 30));
  // Never past the spread: after an outage the attempt count is high, and a window sized by it
  // would leave the last clients waiting long after the quota could have served them.
  const ceiling = Math.min(cap, Math.max(spread, base));
  const window = options.throttled ? Math.max(spread / 2, Math.min(exp, ceiling)) : Math.min(exp, ceiling);
  const r = Math.min(1, Math.max(0, random()));
  return Math.round(r * window);
}

/** The background wait before a refresh nobody is waiting for (restore, resume) in a fleet. */
export function wakeDelay(options: BackoffOptions = {}): number {
  const spread = options.spreadMs ?? 0;
  if (spread <= 0) return 0;
  const random = options.random ?? Math.random;
  return Math.round(Math.min(1, Math.max(0, random())) * spread);
}
