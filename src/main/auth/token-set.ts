import { inspect } from 'node:util';
import type { SessionUser } from '../../shared/session-state';

/**
 * The tokens of a signed-in session, held in memory only. The token strings live in private
 * fields, so JSON.stringify, util.inspect, console.log, structured logging and spreading the
 * object cannot print them; only the explicit getters hand them out.
 */
export class TokenSet {
  readonly #accessToken: string;
  readonly #idToken: string;
  readonly #refreshToken: string;
  /** Local-clock epoch ms when the request that produced these tokens was sent. */
  readonly receivedAt: number;
  /**
   * Local-clock epoch ms after which the access token is treated as expired: receivedAt +
   * expires_in, or earlier when the caller knows better (see TokenExpiryEstimator); never later.
   */
  readonly accessTokenExpiresAt: number;
  /** expires_in as issued, ms: what the refresh margin scales with. */
  readonly lifetimeMs: number;
  readonly user: SessionUser;

  constructor(init: {
    accessToken: string;
    idToken: string;
    refreshToken: string;
    receivedAt: number;
    expiresInSeconds: number;
    /** An earlier local expiry than receivedAt + expires_in, if known. */
    estimatedExpiresAt?: number;
    user: SessionUser;
  }) {
    this.#accessToken = init.accessToken;
    this.#idToken = init.idToken;
    this.#refreshToken = init.refreshToken;
    this.receivedAt = init.receivedAt;
    this.lifetimeMs = init.expiresInSeconds * 1000;
    const latest = init.receivedAt + this.lifetimeMs;
    this.accessTokenExpiresAt = Math.min(latest, init.estimatedExpiresAt ?? latest);
    this.user = init.user;
  }

  get accessToken(): string {
    return this.#accessToken;
  }
  get idToken(): string {
    return this.#idToken;
  }
  get refreshToken(): string {
    return this.#refreshToken;
  }

  toJSON(): Record<string, unknown> {
    return { accessTokenExpiresAt: this.accessTokenExpiresAt, receivedAt: this.receivedAt, user: this.user };
  }

  [inspect.custom](): string {
    return `TokenSet { user: ${this.user.username}, accessTokenExpiresAt: ${new Date(this.accessTokenExpiresAt).toISOString()}, tokens: [hidden] }`;
  }
}

/** A secret string (a restored refresh token) that JSON.stringify and util.inspect cannot print. */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  get value(): string {
    return this.#value;
  }
  toJSON(): string {
    return '[hidden]';
  }
  [inspect.custom](): string {
    return 'Secret [hidden]';
  }
}
