/**
 * Cognito's request-rate quotas, for one category (UserAuthentication: token grants and Hosted UI
 * sign-ins). A token bucket holding one second's worth of requests (at least one), refilled
 * continuously: at most `rps` requests in any one second, a steady `rps` per second after that.
 * No limit = always yes.
 */
export class RateLimiter {
  #rps: number | undefined;
  #tokens = 0;
  #last = 0;
  readonly #now: () => number;

  constructor(rps: number | undefined, now: () => number = () => Date.now()) {
    this.#now = now;
    this.set(rps);
  }

  set(rps: number | undefined): void {
    this.#rps = rps;
    this.#tokens = rps === undefined ? 0 : Math.max(1, rps);
    this.#last = this.#now();
  }

  /** Whether one more request fits in the quota now (and counts it). */
  take(): boolean {
    const rps = this.#rps;
    if (rps === undefined) return true;
    const now = this.#now();
    this.#tokens = Math.min(Math.max(1, rps), this.#tokens + ((now - this.#last) / 1000) * rps);
    this.#last = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}
