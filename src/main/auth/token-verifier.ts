import { createRemoteJWKSet, customFetch, jwtVerify } from 'jose';
import type { JWTPayload } from 'jose';
import { AppError } from '../../shared/errors';
import { asFetch } from '../net/fetch-adapters';
import { findNetworkError } from '../net/network-errors';
import type { NetTransport } from '../net/transport';
import type { SessionUser } from '../../shared/session-state';

/**
 * Client-side checks of the tokens Cognito returns, with jose against the pool's JWKS (keys only
 * from the discovered jwks_uri, RS256 only):
 *  - ID token: signature, exact `iss`, `aud` = client id, `exp`, `iat` (bounded), `token_use` = id,
 *    and `nonce` when the sign-in sent one.
 *  - Access token: signature, exact `iss`, `exp`, `token_use` = access, `client_id` = ours.
 * openid-client already checks the ID token's claims on the token response; this adds the
 * signature and the Cognito-specific claims.
 */
export interface TokenVerifier {
  verifyIdToken(idToken: string, options?: { expectedNonce?: string }): Promise<SessionUser>;
  verifyAccessToken(accessToken: string): Promise<JWTPayload>;
}

export interface TokenVerifierOptions {
  issuer: string;
  clientId: string;
  jwksUri: URL;
  now: () => number;
  timeoutMs: number;
  /** Allowed difference between our clock and the IdP's, seconds. */
  clockToleranceSeconds?: number;
  /** A shared remote key set (see remoteKeySet); by default one is created for this verifier. */
  keySet?: RemoteKeySet;
}

export type RemoteKeySet = ReturnType<typeof createRemoteJWKSet>;

/**
 * The pool's JWKS, fetched on demand and cached (jose re-fetches on an unknown `kid`), through
 * the main process's NetTransport when one is given (the app always gives one).
 */
export function remoteKeySet(jwksUri: URL, timeoutMs: number, transport?: NetTransport): RemoteKeySet {
  return createRemoteJWKSet(jwksUri, {
    timeoutDuration: timeoutMs,
    ...(transport ? { [customFetch]: asFetch(transport) as never } : {}),
  });
}

function invalid(what: string): AppError {
  return new AppError('TOKEN_INVALID', `The ${what} from the sign-in service failed validation.`);
}

export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const jwks = options.keySet ?? remoteKeySet(options.jwksUri, options.timeoutMs);
  const tolerance = options.clockToleranceSeconds ?? 300;

  const verify = async (token: string, what: string, audience?: string): Promise<JWTPayload> => {
    try {
      const { payload } = await jwtVerify(token, jwks, {
        issuer: options.issuer,
        algorithms: ['RS256'],
        currentDate: new Date(options.now()),
        clockTolerance: tolerance,
        requiredClaims: ['exp', 'iat', 'sub'],
        // Bounds `iat` (not in the future beyond the tolerance, not older than this) against replay.
        maxTokenAge: '1 day',
        ...(audience === undefined ? {} : { audience }),
      });
      return payload;
    } catch (err) {
      const network = findNetworkError(err);
      if (network) throw network;
      const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
      if (code === 'ERR_JWKS_TIMEOUT' || (err instanceof Error && /fetch failed/.test(err.message))) {
        throw new AppError('IDP_UNREACHABLE', 'The sign-in service keys could not be fetched.');
      }
      throw invalid(what);
    }
  };

  return {
    async verifyIdToken(idToken, verifyOptions) {
      const p = await verify(idToken, 'ID token', options.clientId);
      if (p['token_use'] !== 'id') throw invalid('ID token');
      if (verifyOptions?.expectedNonce !== undefined && p['nonce'] !== verifyOptions.expectedNonce) {
        throw invalid('ID token');
      }
      const username = p['cognito:username'] ?? p['username'] ?? p.sub;
      const groups = p['cognito:groups'];
      const email = p['email'];
      return {
        sub: String(p.sub),
        username: typeof username === 'string' ? username.slice(0, 256) : String(p.sub),
        groups: Array.isArray(groups)
          ? groups.filter((g): g is string => typeof g === 'string').slice(0, 500)
          : [],
        ...(typeof email === 'string' ? { email: email.slice(0, 320) } : {}),
      };
    },
    async verifyAccessToken(accessToken) {
      const p = await verify(accessToken, 'access token');
      if (p['token_use'] !== 'access' || p['client_id'] !== options.clientId) throw invalid('access token');
      return p;
    },
  };
}
