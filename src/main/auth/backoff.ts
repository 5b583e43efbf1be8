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
 * quota together, and a client cannot see the others, so retries are sized to the fleet:
 *  - a throttled answer: exponential backoff of its own, counted by `throttledStreak` (the
 *    throttled answers in a row before this one), from a sixteenth of the spread up to the whole
 *    spread, full jitter. When the fleet keeps to its spread, throttling comes only from chance
 *    bunching (tens of answers in 10,000) and one short wait clears it; a fleet larger than its
 *    policy says is throttled again and again and backs off to the spread.
 *  - any other transient failure: one quick retry (full jitter over the base, 2 s: a blip),
 *    then a steady period of one spread, ±5%. Why not exponential windows growing to the spread
 *    (full jitter, as AWS's "Exponential Backoff And Jitter"; run 2): a client that started failing
 *    a moment before the IdP recovers is still on a small window, and across a fleet whose tokens
 *    expired all through an outage those clients arrive together at recovery and are throttled,
 *    again and again; and retries uniform over [0, W] come every W/2 on average, so a fleet at
 *    that ceiling asks at twice the quota. A period of one spread asks at the quota's rate, with
 *    phases as spread as the failures were, and at recovery no client is more than 1.05 spreads
 *    from its next try. The user's own actions still honour it (no storm); resume()/online()
 *    retry at once.
 */
export function retryDelay(
  attempt: number,
  options: BackoffOptions & { throttled?: boolean; throttledStreak?: number } = {},
): number {
  const spread = options.spreadMs ?? 0;
  if (spread <= 0) return backoffDelay(attempt, options);
  const base = options.baseMs ?? DEFAULT_BACKOFF.baseMs;
  const cap = options.capMs ?? DEFAULT_BACKOFF.capMs;
  const random = options.random ?? Math.random;
  const r = Math.min(1, Math.max(0, random()));
  const ceiling = Math.min(cap, Math.max(spread, base));
  if (options.throttled) {
    const streak = Math.min(Math.max(0, options.throttledStreak ?? 0), 30);
    const window = Math.min(ceiling, Math.max(base, spread / 16) * 2 ** streak);
    return Math.round(r * window);
  }
  if (attempt <= 0) return Math.round(r * base);
  return Math.round(ceiling * (0.95 + 0.1 * r));
}

/** The background wait before a refresh nobody is waiting for (restore, resume) in a fleet. */
export function wakeDelay(options: BackoffOptions = {}): number {
  const spread = options.spreadMs ?? 0;
  if (spread <= 0) return 0;
  const random = options.random ?? Math.random;
  return Math.round(Math.min(1, Math.max(0, random())) * spread);
}
