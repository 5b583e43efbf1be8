import { CognitoJwtVerifier, JwtVerifier } from 'aws-jwt-verify';
import { SimpleJwksCache, SimplePenaltyBox } from 'aws-jwt-verify/jwk';
import { decomposeUnverifiedJwt } from 'aws-jwt-verify/jwt';
import type { JwtHeader, JwtPayload } from 'aws-jwt-verify/jwt-model';
import {
  CognitoJwtInvalidClientIdError,
  CognitoJwtInvalidTokenUseError,
  JwksNotAvailableInCacheError,
  JwksValidationError,
  JwtExpiredError,
  JwtInvalidIssuerError,
  JwtInvalidSignatureAlgorithmError,
  JwtInvalidSignatureError,
  JwtNotBeforeError,
  JwtParseError,
  JwtWithoutValidKidError,
  KidNotFoundInJwksError,
  WaitPeriodNotYetEndedJwkError,
} from 'aws-jwt-verify/error';
import { AppError } from '../../src/shared/errors';
import { otherIssuerForm } from '../../src/shared/issuer-forms';
import type { AccessTokenClaims } from './types';
import { GuardedJwksFetcher, JwksUnavailableError, assertJwksUriAllowed } from './jwks-fetcher';

/** Longest bearer value accepted; Cognito access tokens are 1-2 KB, more groups make them longer. */
export const MAX_TOKEN_LENGTH = 8192;
/** How far in the future `iat` may lie (clock skew between the pool and this server). */
const IAT_SKEW_SECONDS = 60;

/**
 * Why a token was refused. `invalid_token` is the caller's problem (401); `unavailable` is ours
 * (JWKS unreachable: 503), so a client does not throw away a good token over our outage.
 */
export class TokenRejectedError extends Error {
  constructor(
    readonly kind: 'invalid_token' | 'unavailable',
    readonly description: string,
  ) {
    super(description);
    this.name = 'TokenRejectedError';
  }
}

export interface AccessTokenVerifier {
  verify(token: string): Promise<AccessTokenClaims>;
}

export type VerifierConfig =
  | { kind: 'local'; issuer: string; jwksUri: string; clientId: string }
  | { kind: 'cognito'; userPoolId: string; region?: string; clientId: string };

export interface VerifierInternals {
  fetcher: GuardedJwksFetcher;
}

/** Checks aws-jwt-verify leaves to the caller: RS256 only, `iat` not from the future. */
export function commonChecks(header: JwtHeader, payload: JwtPayload): void {
  if (header.alg !== 'RS256') throw new TokenRejectedError('invalid_token', 'algorithm not accepted');
  if (typeof payload.iat === 'number' && payload.iat > Date.now() / 1000 + IAT_SKEW_SECONDS) {
    throw new TokenRejectedError('invalid_token', 'token issued in the future');
  }
  // aws-jwt-verify checks `exp` only when present; an access token without one never expires.
  if (typeof payload.exp !== 'number') throw new TokenRejectedError('invalid_token', 'token has no expiry');
  if (typeof payload.sub !== 'string' || payload.sub === '') {
    throw new TokenRejectedError('invalid_token', 'token has no subject');
  }
}

function toClaims(payload: JwtPayload): AccessTokenClaims {
  const groups = payload['cognito:groups'];
  const scope = payload['scope'];
  const username = payload['username'];
  return {
    sub: payload.sub as string,
    username: typeof username === 'string' ? username : (payload.sub as string),
    clientId: String(payload['client_id']),
    issuer: String(payload.iss),
    groups: Array.isArray(groups) ? groups.filter((g): g is string => typeof g === 'string') : [],
    scopes: typeof scope === 'string' ? scope.split(' ').filter(Boolean) : [],
    exp: payload.exp as number,
  };
}

/** Maps library errors to a short, fixed description: never the token, never library text. */
export function toTokenRejected(err: unknown): TokenRejectedError {
  if (err instanceof TokenRejectedError) return err;
  if (err instanceof JwksUnavailableError || err instanceof JwksValidationError) {
    return new TokenRejectedError('unavailable', 'signing keys unavailable');
  }
  if (err instanceof JwtExpiredError) return new TokenRejectedError('invalid_token', 'token expired');
  if (err instanceof JwtNotBeforeError) return new TokenRejectedError('invalid_token', 'token not yet valid');
  if (err instanceof JwtInvalidIssuerError)
    return new TokenRejectedError('invalid_token', 'issuer not accepted');
  if (err instanceof CognitoJwtInvalidTokenUseError) {
    return new TokenRejectedError('invalid_token', 'not an access token');
  }
  if (err instanceof CognitoJwtInvalidClientIdError) {
    return new TokenRejectedError('invalid_token', 'client not accepted');
  }
  if (err instanceof JwtInvalidSignatureError)
    return new TokenRejectedError('invalid_token', 'invalid signature');
  if (err instanceof JwtInvalidSignatureAlgorithmError) {
    return new TokenRejectedError('invalid_token', 'algorithm not accepted');
  }
  if (
    err instanceof KidNotFoundInJwksError ||
    err instanceof WaitPeriodNotYetEndedJwkError ||
    err instanceof JwtWithoutValidKidError ||
    err instanceof JwksNotAvailableInCacheError
  ) {
    return new TokenRejectedError('invalid_token', 'unknown signing key');
  }
  if (err instanceof JwtParseError) return new TokenRejectedError('invalid_token', 'malformed token');
  return new TokenRejectedError('invalid_token', 'token rejected');
}

/**
 * The verification AWS documents (structure, RS256 signature with the JWKS key named by `kid`,
 * `exp`, `iss`, `token_use`, `client_id`), done by aws-jwt-verify. A real pool uses its
 * CognitoJwtVerifier as is; a local issuer uses the generic JwtVerifier with the same checks.
 */
export function createAccessTokenVerifier(
  config: VerifierConfig,
  options: { refetchWaitSeconds?: number; failureCooldownMs?: number; ca?: string } = {},
): AccessTokenVerifier & VerifierInternals {
  const fetcher = new GuardedJwksFetcher({
    ...(options.failureCooldownMs === undefined ? {} : { failureCooldownMs: options.failureCooldownMs }),
    ...(options.ca === undefined ? {} : { ca: options.ca }),
  });
  // The penalty box: after a fetch that did not contain the token's kid, further unknown kids
  // are refused without fetching for refetchWaitSeconds, so forged kids cannot cause a fetch storm.
  const jwksCache = new SimpleJwksCache({
    fetcher,
    penaltyBox: new SimplePenaltyBox({ waitSeconds: options.refetchWaitSeconds ?? 10 }),
  });
  let verifyPayload: (token: string) => Promise<JwtPayload>;
  let verifyPayloadSync: (token: string) => JwtPayload;

  if (config.kind === 'local') {
    assertJwksUriAllowed(config.jwksUri);
    const issuerProps = (issuer: string) => ({
      issuer,
      jwksUri: config.jwksUri,
      // Cognito access tokens carry no `aud`: the client is checked through `client_id` below.
      audience: null,
      customJwtCheck: ({ header, payload }: { header: JwtHeader; payload: JwtPayload }) => {
        if (payload['token_use'] !== 'access') {
          throw new TokenRejectedError('invalid_token', 'not an access token');
        }
        if (payload['client_id'] !== config.clientId) {
          throw new TokenRejectedError('invalid_token', 'client not accepted');
        }
        commonChecks(header, payload);
      },
    });
    // Both issuer forms of the same pool (src/shared/issuer-forms.ts), as CognitoJwtVerifier
    // accepts both for an AWS pool: whichever form the pool uses, its tokens verify. The form is
    // picked by the unverified `iss`; the chosen verifier then checks everything, `iss` included.
    const main = JwtVerifier.create(issuerProps(config.issuer), { jwksCache });
    const other = otherIssuerForm(config.issuer);
    const alternate = other ? JwtVerifier.create(issuerProps(other.issuer), { jwksCache }) : undefined;
    const pick = (token: string) => {
      if (!alternate || !other) return main;
      let iss: unknown;
      try {
        iss = decomposeUnverifiedJwt(token).payload.iss;
      } catch {
        return main;
      }
      return iss === other.issuer ? alternate : main;
    };
    const verifier = {
      verify: (token: string) => pick(token).verify(token),
      verifySync: (token: string) => pick(token).verifySync(token),
    };
    verifyPayload = (token) => verifier.verify(token);
    verifyPayloadSync = (token) => verifier.verifySync(token);
  } else {
    const poolRegion = config.userPoolId.split('_')[0];
    if (config.region !== undefined && config.region !== poolRegion) {
      throw new AppError(
        'CONFIG_INVALID',
        `user pool ${config.userPoolId} is not in region ${config.region}`,
      );
    }
    let verifier;
    try {
      verifier = CognitoJwtVerifier.create(
        {
          userPoolId: config.userPoolId,
          tokenUse: 'access',
          clientId: config.clientId,
          customJwtCheck: ({ header, payload }) => commonChecks(header, payload),
        },
        { jwksCache },
      );
    } catch (err) {
      throw new AppError('CONFIG_INVALID', 'invalid user pool id', { cause: err });
    }
    verifyPayload = (token) => verifier.verify(token);
    verifyPayloadSync = (token) => verifier.verifySync(token);
  }

  return {
    fetcher,
    async verify(token: string): Promise<AccessTokenClaims> {
      if (token.length > MAX_TOKEN_LENGTH) throw new TokenRejectedError('invalid_token', 'token too long');
      try {
        // Keys already cached: the synchronous path (same checks, fewer promise hops).
        return toClaims(verifyPayloadSync(token));
      } catch (err) {
        if (!(err instanceof KidNotFoundInJwksError || err instanceof JwksNotAvailableInCacheError)) {
          throw toTokenRejected(err);
        }
      }
      try {
        // First use or an unknown kid: fetch the JWKS (once, rate-limited by the penalty box).
        return toClaims(await verifyPayload(token));
      } catch (err) {
        throw toTokenRejected(err);
      }
    },
  };
}
