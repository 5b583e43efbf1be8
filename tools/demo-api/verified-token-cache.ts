import { hash } from 'node:crypto';
import type { AccessTokenClaims } from './types';
import { MAX_TOKEN_LENGTH, TokenRejectedError, type AccessTokenVerifier } from './access-token-verifier';

interface Entry {
  claims: AccessTokenClaims;
  expiresAtMs: number;
}

export interface VerifiedTokenCacheOptions {
  /** Most entries kept; the least recently used goes first. */
  maxEntries: number;
  now?: () => number;
}

/**
 * Remembers tokens that passed full verification, so a client reusing one access token for an
 * hour costs one signature check, not thousands.
 * - Keyed by SHA-256 of the whole token: any changed byte (a tampered copy) misses and gets
 *   verified in full; the token itself is not kept in memory.
 * - An entry never outlives the token's `exp`: a hit past it is refused as expired.
 * - Only successes are stored, and only after verification: a flood of invalid tokens stores
 *   nothing; a flood of valid ones is bounded by maxEntries (LRU eviction).
 * - It caches identity only: route checks (groups, scopes) run on every request.
 */
export class VerifiedTokenCache implements AccessTokenVerifier {
  private readonly entries = new Map<string, Entry>();
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(
    private readonly inner: AccessTokenVerifier,
    options: VerifiedTokenCacheOptions,
  ) {
    this.maxEntries = Math.max(0, Math.floor(options.maxEntries));
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  async verify(token: string): Promise<AccessTokenClaims> {
    // Length first: hashing an arbitrarily long string is work an attacker should not buy.
    if (token.length > MAX_TOKEN_LENGTH) throw new TokenRejectedError('invalid_token', 'token too long');
    if (this.maxEntries === 0) return await this.inner.verify(token);
    const key = hash('sha256', token, 'base64url');
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      if (this.now() >= hit.expiresAtMs) throw new TokenRejectedError('invalid_token', 'token expired');
      this.entries.set(key, hit); // most recently used goes to the end
      return hit.claims;
    }
    const claims = await this.inner.verify(token);
    const expiresAtMs = claims.exp * 1000;
    if (this.now() < expiresAtMs) {
      this.entries.set(key, { claims, expiresAtMs });
      while (this.entries.size > this.maxEntries) {
        const oldest = this.entries.keys().next().value;
        if (oldest === undefined) break;
        this.entries.delete(oldest);
      }
    }
    return claims;
  }
}
