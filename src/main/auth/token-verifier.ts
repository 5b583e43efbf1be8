import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import type { JWTPayload } from 'jose';
import { AppError } from '../../shared/errors';
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

/** The pool's JWKS, fetched on demand and cached (jose re-fetches on an unknown `kid`). */
export function remoteKeySet(jwksUri: URL, timeoutMs: number): RemoteKeySet {
  return createRemoteJWKSet(jwksUri, { timeoutDuration: timeoutMs });
}

/** "about 12 minutes" / "about 3 hours": how far off the computer's clock is. */
function roughly(seconds: number): string {
  const minutes = Math.max(1, Math.round(seconds / 60));
  if (minutes < 120) return `about ${minutes} minute${minutes === 1 ? '' : 's'}`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `about ${hours} hours`;
  return `about ${Math.round(hours / 24)} days`;
}

/**
 * A freshly issued token whose `iat` (or `exp`) check failed by more than the tolerance: the
 * token is fine, this computer's clock is not. Says which way and by about how much.
 */
function clockSkewError(token: string, nowMs: number, tolerance: number): AppError | undefined {
  let iat: unknown;
  try {
    iat = decodeJwt(token).iat;
  } catch {
    return undefined;
  }
  if (typeof iat !== 'number') return undefined;
  const skew = iat - nowMs / 1000;
  if (Math.abs(skew) <= tolerance) return undefined;
  const direction = skew > 0 ? 'behind' : 'ahead of';
  return new AppError(
    'TOKEN_INVALID',
    `This computer's clock is ${roughly(Math.abs(skew))} ${direction} the sign-in service's time. Set the date and time automatically, then sign in again.`,
  );
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
      const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
      if (code === 'ERR_JWKS_TIMEOUT' || (err instanceof Error && /fetch failed/.test(err.message))) {
        throw new AppError('IDP_UNREACHABLE', 'The sign-in service keys could not be fetched.');
      }
      const claim = typeof err === 'object' && err !== null ? (err as { claim?: unknown }).claim : undefined;
      if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' || code === 'ERR_JWT_EXPIRED') {
        if (claim === 'iat' || claim === 'exp') {
          const skew = clockSkewError(token, options.now(), tolerance);
          if (skew) throw skew;
        }
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
