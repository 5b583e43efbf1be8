/**
 * When does an access token stop being accepted, in local time?
 *
 * `sentAt + expires_in` is safe against a skewed local clock but up to a second late: a JWT's
 * `exp` is whole seconds, and the issuer truncates (or rounds) its issue time to write `iat`, so
 * the token really expires at the issuer up to 1 s before the local estimate. A refresh margin
 * that has to absorb that second costs a fifth of a 5-second token, and a 5-minute token needs
 * its margin anyway. Instead this learns the issuer's clock offset from the tokens themselves:
 *
 *   the token was issued at issuer time T with sentAt + θ <= T <= receivedAt + θ
 *   (θ = issuer clock - local clock), and iat <= T < iat + 1 s (truncated; rounded or ceiled
 *   `iat` only tighten this), so θ < iat + 1 s - sentAt.
 *
 * The smallest such bound over successive tokens converges on θ (each response lands at another
 * sub-second phase), and `exp - θ_upper` is a local expiry that is never later than the truth.
 * The result is never later than `sentAt + expires_in` either, so a wrong or absent `iat`/`exp`
 * can only make it earlier, never let a stale token through. A local clock that steps backwards
 * (θ grows past the bound) is detected by the next token and the bound starts over; drift is
 * allowed for at 1 ms per second, twice the most NTP ever slews.
 */
export interface TokenTiming {
  /** Local epoch ms just before the token request was sent. */
  sentAt: number;
  /** Local epoch ms when the response arrived. */
  receivedAt: number;
  expiresInSeconds: number;
  /** The access token's claims, issuer clock, epoch seconds (unknown: used only when numbers). */
  iat: unknown;
  exp: unknown;
}

const DRIFT_PER_MS = 1e-3;

export class TokenExpiryEstimator {
  /** Upper bound on θ (ms) and the local time it was established. */
  #offsetUpper: number | undefined;
  #offsetUpperAt = 0;

  /** Local epoch ms at which the token must be treated as expired. */
  estimate(timing: TokenTiming): number {
    const { sentAt, receivedAt, expiresInSeconds, iat, exp } = timing;
    const fallback = sentAt + expiresInSeconds * 1000;
    if (
      typeof iat !== 'number' ||
      typeof exp !== 'number' ||
      !Number.isFinite(iat) ||
      !Number.isFinite(exp) ||
      exp <= iat ||
      receivedAt < sentAt
    ) {
      return fallback;
    }
    const upper = iat * 1000 + 1000 - sentAt;
    // Loose on purpose (an extra second for issuers that round `iat` up): only a clock step
    // that clearly contradicts the remembered bound resets it.
    const lower = iat * 1000 - 1000 - receivedAt;
    let remembered =
      this.#offsetUpper === undefined
        ? Number.POSITIVE_INFINITY
        : this.#offsetUpper + Math.abs(sentAt - this.#offsetUpperAt) * DRIFT_PER_MS;
    if (lower > remembered) remembered = Number.POSITIVE_INFINITY;
    this.#offsetUpper = Math.min(upper, remembered);
    this.#offsetUpperAt = sentAt;
    return Math.min(fallback, exp * 1000 - this.#offsetUpper);
  }
}
