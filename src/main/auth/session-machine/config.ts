/** The settings transitions read (pure numbers), and the rules about token freshness. */
import type { TokenSet } from '../token-set';

export interface MachineConfig {
  /** refreshMarginMs: a token counts as stale this long before its expiry (at most a tenth of it). */
  marginMs: number;
  backoff: { baseMs: number; capMs: number; spreadMs?: number };
}

// The expiry estimate already allows for whole-second `exp`, so the margin only has to cover a
// request's time in flight and the API's clock: a tenth of the lifetime for short tokens.
export const effectiveMargin = (config: MachineConfig, t: TokenSet): number =>
  Math.min(config.marginMs, t.lifetimeMs / 10);
export const isFresh = (config: MachineConfig, t: TokenSet, now: number): boolean =>
  now < t.accessTokenExpiresAt - effectiveMargin(config, t);
export const isUnexpired = (t: TokenSet, now: number): boolean => now < t.accessTokenExpiresAt;
