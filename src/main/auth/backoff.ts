/**
 * Capped exponential backoff with jitter for refresh retries after transient failures.
 * "Equal jitter": half the exponential delay is fixed, half random, so retries spread out but
 * never collapse to zero. Randomness is injectable for tests.
 */
export interface BackoffOptions {
  baseMs?: number;
  capMs?: number;
  random?: () => number;
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
