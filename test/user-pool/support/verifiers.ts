import { JwtVerifier } from 'aws-jwt-verify';
import type { Fetcher } from 'aws-jwt-verify/https';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';

import type { RunningUserPool } from '../../../tools/user-pool/types';

/** aws-jwt-verify's fetcher is https-only; the local pool is http on loopback. */
class LoopbackFetcher implements Fetcher {
  async fetch(uri: string): Promise<ArrayBuffer> {
    const url = new URL(uri);
    if (url.protocol !== 'http:' || url.hostname !== '127.0.0.1')
      throw new Error(`refusing to fetch ${url.origin}`);
    const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
    if (!res.ok) throw new Error(`JWKS answered ${res.status}`);
    return await res.arrayBuffer();
  }
}

/**
 * The verifiers a resource server (access) and a client (ID) build over the local pool: aws-jwt-verify's
 * generic JwtVerifier with the Cognito field checks that CognitoJwtVerifier would do for an AWS issuer.
 */
export function localVerifiers(pool: RunningUserPool, clientId: string) {
  const jwksCache = new SimpleJwksCache({ fetcher: new LoopbackFetcher() });
  const access = JwtVerifier.create(
    {
      issuer: pool.issuer,
      jwksUri: pool.jwksUri,
      audience: null,
      customJwtCheck: ({ payload }) => {
        if (payload['token_use'] !== 'access') throw new Error('not an access token');
        if (payload['client_id'] !== clientId) throw new Error('client not accepted');
      },
    },
    { jwksCache },
  );
  const id = JwtVerifier.create(
    {
      issuer: pool.issuer,
      jwksUri: pool.jwksUri,
      audience: clientId,
      customJwtCheck: ({ payload }) => {
        if (payload['token_use'] !== 'id') throw new Error('not an ID token');
      },
    },
    { jwksCache },
  );
  return { access, id };
}
