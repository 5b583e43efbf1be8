import { generateKeyPair, randomUUID, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';

/** One RSA signing key, with its JWK forms (private for oidc-provider, public for the JWKS). */
export interface SigningKey {
  kid: string;
  privateJwk: Record<string, unknown>;
  publicJwk: Record<string, unknown>;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** ID tokens are signed with `idToken`; access tokens with one of `accessTokens` (rotation moves along). */
export interface PoolKeys {
  idToken: SigningKey;
  accessTokens: SigningKey[];
}

/** How many access-token keys each pool holds in stock: rotateAccessTokenKey() can be called this many times minus one. */
export const ACCESS_KEY_STOCK = 4;

const generate = promisify(generateKeyPair);

async function generateSigningKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generate('rsa', { modulusLength: 2048 });
  const kid = randomUUID();
  const common = { kid, alg: 'RS256', use: 'sig' };
  return {
    kid,
    privateKey,
    publicKey,
    privateJwk: { ...privateKey.export({ format: 'jwk' }), ...common },
    publicJwk: { ...publicKey.export({ format: 'jwk' }), ...common },
  };
}

// RSA generation costs ~100 ms a key; tests start many pools, so every pool of a process shares one set.
let cached: Promise<PoolKeys> | undefined;

export function getPoolKeys(): Promise<PoolKeys> {
  cached ??= (async () => {
    const keys = await Promise.all(Array.from({ length: ACCESS_KEY_STOCK + 1 }, () => generateSigningKey()));
    const [idToken, ...accessTokens] = keys;
    if (!idToken) throw new Error('key generation produced no key');
    return { idToken, accessTokens };
  })();
  return cached;
}
