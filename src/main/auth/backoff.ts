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
   * absent: one machine on its own (`backoffDelay`).
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

/** What a retry's delay depends on: see retryDelay. */
export interface RetryOptions extends BackoffOptions {
  throttled?: boolean;
  /** Throttled answers in a row before this one. */
  throttledStreak?: number;
  /** The client's slot in the spread, in [0, 1): drawn once per client. */
  phase?: number;
  /** The clock's now (epoch ms): slots are moments of the shared wall clock. */
  now?: number;
}

/** A slot this close (or closer) is taken as the one just missed: the next one is used. */
const MIN_SLOT_WAIT_MS = 1_000;

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
 *    then one try per spread, in the client's own slot of it: the next moment whose time modulo
 *    the spread is `phase` × spread (`phase` drawn once per client, uniform; `now` the clock).
 *    Why slots: across the fleet the phases are uniform, so the fleet's retries come at the
 *    quota's rate whatever the outage's shape, and at recovery no client is more than one spread
 *    from its next try. Windows growing from each failure, or a period counted from each
 *    failure, keep the shape of the failures and herd at recovery (docs/fleet.md, "What the
 *    engine does in a fleet", has the schedules tried and their runs).
 *    The user's own actions still honour it (no storm); resume()/online() retry at once.
 *  - the spread bounds both, even past the one-machine cap (5 min): with a fleet that large the
 *    quota, not the cap, says how long serving everyone takes.
 */
export function retryDelay(attempt: number, options: RetryOptions = {}): number {
  const spread = options.spreadMs ?? 0;
  if (spread <= 0) return backoffDelay(attempt, options);
  const base = options.baseMs ?? DEFAULT_BACKOFF.baseMs;
  const random = options.random ?? Math.random;
  const r = Math.min(1, Math.max(0, random()));
  const ceiling = Math.max(spread, base);
  if (options.throttled) {
    const streak = Math.min(Math.max(0, options.throttledStreak ?? 0), 30);
    const window = Math.min(ceiling, Math.max(base, spread / 16) * 2 ** streak);
    return Math.round(r * window);
  }
  if (attempt <= 0) return Math.round(r * base);
  const phase = Math.min(1, Math.max(0, options.phase ?? r)) * ceiling;
  const now = options.now ?? 0;
  const wait = (((phase - now) % ceiling) + ceiling) % ceiling;
  return Math.round(wait < MIN_SLOT_WAIT_MS ? wait + ceiling : wait);
}

/** The background wait before a refresh nobody is waiting for (restore, resume) in a fleet. */
export function wakeDelay(options: BackoffOptions = {}): number {
  const spread = options.spreadMs ?? 0;
  if (spread <= 0) return 0;
  const random = options.random ?? Math.random;
  return Math.round(Math.min(1, Math.max(0, random())) * spread);
}
