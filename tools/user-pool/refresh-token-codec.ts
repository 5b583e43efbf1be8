/**
 * Refresh tokens of Cognito's shape and size: JWE compact serialisation (five segments, header
 * `{"cty":"JWT","enc":"A256GCM","alg":"RSA-OAEP"}` as Cognito's), 1,700-1,800 characters. Clients
 * get these; oidc-provider keeps its own short opaque tokens, and this codec maps one to the other
 * (both ways) so nothing inside oidc-provider changes. The JWE is real (RSA-OAEP + A256GCM with a
 * per-process key) and carries the opaque token plus random padding; the pool never decrypts it,
 * it looks tokens up in its map. A string it never issued maps to nothing.
 */
import { randomBytes, randomInt } from 'node:crypto';

import { CompactEncrypt, generateKeyPair, type CryptoKey } from 'jose';

export const REFRESH_TOKEN_LENGTH = { min: 1_700, max: 1_800 } as const;

const HEADER = { cty: 'JWT', enc: 'A256GCM', alg: 'RSA-OAEP' } as const;

let sharedKey: Promise<CryptoKey> | undefined;
function encryptionKey(): Promise<CryptoKey> {
  // Generated once per process: RSA key generation is the slow part, encryption is cheap.
  sharedKey ??= generateKeyPair('RSA-OAEP', { modulusLength: 2048 }).then((pair) => pair.publicKey);
  return sharedKey;
}

async function encrypt(key: CryptoKey, plaintext: string): Promise<string> {
  return new CompactEncrypt(new TextEncoder().encode(plaintext)).setProtectedHeader(HEADER).encrypt(key);
}

export class RefreshTokenCodec {
  readonly #external = new Map<string, string>(); // client-facing JWE -> oidc-provider's token
  readonly #internal = new Map<string, string>(); // and back
  readonly #key: CryptoKey;
  /** Length of a JWE with an empty plaintext: the ciphertext segment grows 4 chars per 3 bytes. */
  readonly #overhead: number;

  private constructor(key: CryptoKey, overhead: number) {
    this.#key = key;
    this.#overhead = overhead;
  }

  static async create(): Promise<RefreshTokenCodec> {
    const key = await encryptionKey();
    return new RefreshTokenCodec(key, (await encrypt(key, '')).length);
  }

  /** The client-facing token for oidc-provider's `internal` one (the same one every time). */
  async wrap(internal: string): Promise<string> {
    const known = this.#internal.get(internal);
    if (known) return known;
    const target = randomInt(REFRESH_TOKEN_LENGTH.min + 4, REFRESH_TOKEN_LENGTH.max - 4);
    const bytes = Math.floor(((target - this.#overhead) * 3) / 4);
    const head = `${internal}.`;
    const padding = randomBytes(bytes)
      .toString('base64url')
      .slice(0, Math.max(0, bytes - head.length));
    const external = await encrypt(this.#key, head + padding);
    this.#external.set(external, internal);
    this.#internal.set(internal, external);
    return external;
  }

  /** oidc-provider's token for a client-facing one, or undefined if this pool never issued it. */
  unwrap(external: string): string | undefined {
    return this.#external.get(external);
  }

  clear(): void {
    this.#external.clear();
    this.#internal.clear();
  }
}
