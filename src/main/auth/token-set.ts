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
  /** Local-clock epoch ms: receivedAt + expires_in (never the token's own `exp`, which may be skewed). */
  readonly accessTokenExpiresAt: number;
  readonly user: SessionUser;

  constructor(init: {
    accessToken: string;
    idToken: string;
    refreshToken: string;
    receivedAt: number;
    expiresInSeconds: number;
    user: SessionUser;
  }) {
    this.#accessToken = init.accessToken;
    this.#idToken = init.idToken;
    this.#refreshToken = init.refreshToken;
    this.receivedAt = init.receivedAt;
    this.accessTokenExpiresAt = init.receivedAt + init.expiresInSeconds * 1000;
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

  get lifetimeMs(): number {
    return this.accessTokenExpiresAt - this.receivedAt;
  }

  toJSON(): Record<string, unknown> {
    return { accessTokenExpiresAt: this.accessTokenExpiresAt, receivedAt: this.receivedAt, user: this.user };
  }

  [inspect.custom](): string {
    return `TokenSet { user: ${this.user.username}, accessTokenExpiresAt: ${new Date(this.accessTokenExpiresAt).toISOString()}, tokens: [hidden] }`;
  }
}
