import type { AccessTokenClaims } from './types';
import { MAX_TOKEN_LENGTH, TokenRejectedError, type AccessTokenVerifier } from './access-token-verifier';

interface Entry {
  /** The whole token that passed verification: a hit must equal it byte for byte. */
  token: string;
  claims: AccessTokenClaims;
  expiresAtMs: number;
}

export interface VerifiedTokenCacheOptions {
  /**
   * Most entries kept. Two generations of up to half of it each: when the young one is full it
   * becomes the old one and the old one is dropped at once, so an entry unused for a whole
   * generation goes first (an approximate LRU with no per-request reordering or eviction).
   */
  maxEntries: number;
  now?: () => number;
}

/** Characters of the signature segment used as the map key (about 256 bits of an RS256 signature). */
const KEY_CHARS = 43;

/**
 * Remembers tokens that passed full verification, so a client reusing one access token for an
 * hour costs one signature check, not thousands.
 * - A hit is an exact match of the whole token: the map is keyed by the signature's last 43
 *   characters (cheap to hash, and random for any signed token), and the entry holds the token it
 *   verified, compared in full. Any changed byte (a tampered copy, a payload under a borrowed
 *   signature) misses and gets verified in full; a failure never replaces a good entry.
 * - Why not a SHA-256 of the token as the key: hashing 1 KB costs about as much as the whole
 *   cache budget on a miss (the bench allows 3% of a verification). Keeping the token instead is
 *   what API Gateway's own authorizer cache does (keyed by the Authorization header); the process
 *   holds every token it is sent anyway, and here at most maxEntries of them, each no longer than
 *   its `exp`.
 * - An entry never outlives the token's `exp`: a hit past it is refused as expired.
 * - Only successes are stored, and only after verification: a flood of invalid tokens stores
 *   nothing; a flood of valid ones is bounded by maxEntries (two generations: see the option).
 * - It caches identity only: route checks (groups, scopes) run on every request.
 */
export class VerifiedTokenCache implements AccessTokenVerifier {
  /** Entries stored or used since the last turn, and those from the generation before. */
  private young = new Map<string, Entry>();
  private old = new Map<string, Entry>();
  private readonly generation: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(
    private readonly inner: AccessTokenVerifier,
    options: VerifiedTokenCacheOptions,
  ) {
    this.maxEntries = Math.max(0, Math.floor(options.maxEntries));
    this.generation = Math.max(1, Math.floor(this.maxEntries / 2));
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.young.size + this.old.size;
  }

  // Not async: a miss hands back the inner verifier's own promise chain (one step, not two).
  verify(token: string): Promise<AccessTokenClaims> {
    // Length first: an arbitrarily long string is work an attacker should not buy.
    if (token.length > MAX_TOKEN_LENGTH)
      return Promise.reject(new TokenRejectedError('invalid_token', 'token too long'));
    if (this.maxEntries === 0) return this.inner.verify(token);
    const key = token.slice(-KEY_CHARS);
    let hit = this.young.get(key);
    if (hit === undefined || hit.token !== token) {
      hit = this.old.get(key);
      if (hit !== undefined && hit.token === token) {
        this.old.delete(key);
        this.add(key, hit);
      } else hit = undefined;
    }
    if (hit !== undefined) {
      if (this.now() < hit.expiresAtMs) return Promise.resolve(hit.claims);
      this.young.delete(key);
      return Promise.reject(new TokenRejectedError('invalid_token', 'token expired'));
    }
    return this.inner.verify(token).then((claims) => {
      const expiresAtMs = claims.exp * 1000;
      if (this.now() < expiresAtMs) this.add(key, { token, claims, expiresAtMs });
      return claims;
    });
  }

  private add(key: string, entry: Entry): void {
    if (this.young.size >= this.generation) {
      // Turn: the old generation (entries unused for a whole generation) goes at once. With
      // maxEntries 1 there is no room for two generations: the old one is dropped.
      this.old = this.generation * 2 <= this.maxEntries ? this.young : new Map();
      this.young = new Map();
    }
    this.young.set(key, entry);
  }
}
