/**
 * The demo API's API-Gateway-like mode (`authorizer: 'api-gateway'`, CLI `--authorizer
 * api-gateway`): it behaves like an API Gateway REST API with a Cognito user-pool authorizer and
 * no OAuth scopes on the method, which accepts the ID token:
 *  - the bearer must be an ID token of the pool (RS256 signature by the JWKS key, `iss`, `exp`,
 *    `aud` = the app client id, `token_use` = id), verified with aws-jwt-verify; an access token
 *    is refused;
 *  - any missing, bad or expired token is answered `401 {"message":"Unauthorized"}` with no
 *    `WWW-Authenticate` header, as API Gateway answers (so a client cannot tell invalid_token from
 *    a missing token by the challenge: the app's retry rule treats this 401 like invalid_token).
 * Route checks (groups) still run in the demo API itself, as a backend behind API Gateway would.
 */
import { CognitoJwtVerifier, JwtVerifier } from 'aws-jwt-verify';
import { SimpleJwksCache, SimplePenaltyBox } from 'aws-jwt-verify/jwk';
import type { JwtPayload } from 'aws-jwt-verify/jwt-model';
import { KidNotFoundInJwksError, JwksNotAvailableInCacheError } from 'aws-jwt-verify/error';

import { AppError } from '../../src/shared/errors';
import {
  commonChecks,
  MAX_TOKEN_LENGTH,
  TokenRejectedError,
  toTokenRejected,
  type AccessTokenVerifier,
  type VerifierConfig,
  type VerifierInternals,
} from './access-token-verifier';
import type { AuthFailure } from './bearer-auth';
import type { Reply } from './http-io';
import { GuardedJwksFetcher, assertJwksUriAllowed } from './jwks-fetcher';
import type { AccessTokenClaims } from './types';

export type AuthorizerMode = 'bearer' | 'api-gateway';

/** API Gateway's answer to a missing or rejected token: no challenge, a fixed body. */
export function gatewayReply(failure: AuthFailure): Reply {
  if (failure.status !== 401) return failure;
  return { status: 401, body: { message: 'Unauthorized' } };
}

function idClaims(payload: JwtPayload): AccessTokenClaims {
  const groups = payload['cognito:groups'];
  const username = payload['cognito:username'];
  return {
    sub: payload.sub as string,
    username: typeof username === 'string' ? username : (payload.sub as string),
    clientId: String(Array.isArray(payload.aud) ? payload.aud[0] : payload.aud),
    issuer: String(payload.iss),
    groups: Array.isArray(groups) ? groups.filter((g): g is string => typeof g === 'string') : [],
    scopes: [],
    exp: payload.exp as number,
  };
}

/** Verifies ID tokens as a Cognito user-pool authorizer does; same JWKS guard and penalty box as the access verifier. */
export function createIdTokenVerifier(
  config: VerifierConfig,
  options: { refetchWaitSeconds?: number; failureCooldownMs?: number } = {},
): AccessTokenVerifier & VerifierInternals {
  const fetcher = new GuardedJwksFetcher(
    options.failureCooldownMs === undefined ? {} : { failureCooldownMs: options.failureCooldownMs },
  );
  const jwksCache = new SimpleJwksCache({
    fetcher,
    penaltyBox: new SimplePenaltyBox({ waitSeconds: options.refetchWaitSeconds ?? 10 }),
  });
  let verifier: { verify(token: string): Promise<JwtPayload>; verifySync(token: string): JwtPayload };
  if (config.kind === 'local') {
    assertJwksUriAllowed(config.jwksUri);
    verifier = JwtVerifier.create(
      {
        issuer: config.issuer,
        jwksUri: config.jwksUri,
        audience: config.clientId,
        customJwtCheck: ({ header, payload }) => {
          if (payload['token_use'] !== 'id') throw new TokenRejectedError('invalid_token', 'not an ID token');
          commonChecks(header, payload);
        },
      },
      { jwksCache },
    );
  } else {
    try {
      verifier = CognitoJwtVerifier.create(
        {
          userPoolId: config.userPoolId,
          tokenUse: 'id',
          clientId: config.clientId,
          customJwtCheck: ({ header, payload }) => commonChecks(header, payload),
        },
        { jwksCache },
      );
    } catch (err) {
      throw new AppError('CONFIG_INVALID', 'invalid user pool id', { cause: err });
    }
  }
  return {
    fetcher,
    async verify(token: string): Promise<AccessTokenClaims> {
      if (token.length > MAX_TOKEN_LENGTH) throw new TokenRejectedError('invalid_token', 'token too long');
      try {
        return idClaims(verifier.verifySync(token));
      } catch (err) {
        if (!(err instanceof KidNotFoundInJwksError || err instanceof JwksNotAvailableInCacheError)) {
          throw toTokenRejected(err);
        }
      }
      try {
        return idClaims(await verifier.verify(token));
      } catch (err) {
        throw toTokenRejected(err);
      }
    },
  };
}
