import type { AwsCredentialIdentity } from '@smithy/types';

/**
 * One set of temporary AWS credentials from the identity pool, held so that nothing can print
 * it by accident: the secret parts live in private fields, so `JSON.stringify`, `util.inspect`,
 * template strings and the logger see only the token-free summary. `forSdk()` hands the SDK a
 * plain object for the one call it signs; nothing else gets the values.
 */
export class AwsCredentialSet {
  readonly #accessKeyId: string;
  readonly #secretAccessKey: string;
  readonly #sessionToken: string;
  /** Epoch ms (local clock) when the credentials stop working. */
  readonly expiresAt: number;
  /** How long they were issued for (ms): the margin rules scale with it. */
  readonly lifetimeMs: number;
  readonly identityId: string;
  /** Name of the role they were issued for (after `role/`), or null for the pool's default role. */
  readonly roleName: string | null;
  /**
   * The forced refresh of this set's lifetime is spent (an API rejected it and it was renewed
   * once already, or the set itself came from a forced refresh). See credentials-owner.ts.
   */
  forceSpent: boolean;

  constructor(fields: {
    accessKeyId: string;
    secretAccessKey: string;
    sessionToken: string;
    expiresAt: number;
    lifetimeMs: number;
    identityId: string;
    roleName: string | null;
    forceSpent?: boolean;
  }) {
    this.#accessKeyId = fields.accessKeyId;
    this.#secretAccessKey = fields.secretAccessKey;
    this.#sessionToken = fields.sessionToken;
    this.expiresAt = fields.expiresAt;
    this.lifetimeMs = fields.lifetimeMs;
    this.identityId = fields.identityId;
    this.roleName = fields.roleName;
    this.forceSpent = fields.forceSpent ?? false;
  }

  /** For one SDK call or one signature: a plain object the caller must not keep or log. */
  forSdk(): AwsCredentialIdentity {
    return {
      accessKeyId: this.#accessKeyId,
      secretAccessKey: this.#secretAccessKey,
      sessionToken: this.#sessionToken,
      expiration: new Date(this.expiresAt),
    };
  }

  /** True when `accessKeyId` is this set's (an API's error names the key it rejected). */
  hasAccessKeyId(accessKeyId: string): boolean {
    return accessKeyId === this.#accessKeyId;
  }

  toJSON(): Record<string, unknown> {
    return { identityId: this.identityId, roleName: this.roleName, expiresAt: this.expiresAt };
  }

  toString(): string {
    return `[AwsCredentialSet ${this.identityId}]`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/** What the client needs from the credentials owner (credentials-owner.ts): what a sigv4 API request is signed with. */
export interface AwsCredentialSource {
  current(): Promise<AwsCredentialSet>;
  forceRefresh(rejected: AwsCredentialSet): Promise<AwsCredentialSet>;
  /** The region a sigv4 API without its own `region` is signed for (the profile's). */
  region: string;
}
