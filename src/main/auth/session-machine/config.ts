/** The settings transitions read (pure numbers), and the rules about token freshness. */
import type { TokenSet } from '../token-set';

export interface MachineConfig {
  /** refreshMarginMs: a token counts as stale this long before its expiry (at most a tenth of it). */
  marginMs: number;
  backoff: { baseMs: number; capMs: number; spreadMs?: number };
  /** The profile's sessionLifetime in ms (refresh token validity), when it says. */
  sessionLifetimeMs?: number;
}

// The expiry estimate already allows for whole-second `exp`, so the margin only has to cover a
// request's time in flight and the API's clock: a tenth of the lifetime for short tokens.
export const effectiveMargin = (config: MachineConfig, t: TokenSet): number =>
  Math.min(config.marginMs, t.lifetimeMs / 10);
export const isFresh = (config: MachineConfig, t: TokenSet, now: number): boolean =>
  now < t.accessTokenExpiresAt - effectiveMargin(config, t);
export const isUnexpired = (t: TokenSet, now: number): boolean => now < t.accessTokenExpiresAt;

/**
 * The session's end: a refresh-token family lives `sessionLifetimeMs` (the app client's refresh
 * token validity, the profile's sessionLifetime) from its sign-in, however often it refreshed or
 * rotated (Cognito keeps a rotated token's first expiry). Unknown when either is unknown.
 */
export const sessionEndsAt = (
  config: Pick<MachineConfig, 'sessionLifetimeMs'>,
  signedInAt: number | undefined,
): number | undefined =>
  config.sessionLifetimeMs === undefined || signedInAt === undefined
    ? undefined
    : signedInAt + config.sessionLifetimeMs;

/**
 * Allowance for the pool's clock against ours when deciding that the known end caused an
 * invalid_grant: the family's start is taken when the code exchange was sent, so the pool's
 * own start is a request later; a few seconds cover that and ordinary skew.
 */
export const SESSION_END_SLACK_MS = 5_000;

/**
 * Cognito's shortest refresh token validity (RefreshTokenValidity: 60 minutes to 10 years): a
 * family younger than this cannot have expired on a real pool, whatever the profile says.
 */
export const MIN_REFRESH_TOKEN_VALIDITY_MS = 60 * 60_000;
