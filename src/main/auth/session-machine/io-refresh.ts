/** The refresh request: the refresh_token grant, the token checks, and the failure's class. */
import * as client from 'openid-client';
import { AppError } from '../../../shared/errors';
import { classifyRefreshError } from '../refresh-error-classifier';
import { TokenSet } from '../token-set';
import { toInfo, type IoDeps } from './io-deps';
import type { EventBody, RefreshFailure } from './states';

export async function sendRefresh(
  deps: IoDeps,
  how: { flightId: number; refreshToken: string; expectSub?: string },
): Promise<EventBody> {
  const rt = how.refreshToken;
  try {
    const { oidc, verifier } = await deps.getOidc();
    const sentAt = deps.clock.now();
    const response = await client.refreshTokenGrant(oidc.config, rt);
    const receivedAt = deps.clock.now();
    if (!response.id_token || typeof response.expires_in !== 'number') {
      throw new AppError('TOKEN_INVALID', 'The sign-in service did not return the expected tokens.');
    }
    // Independent checks: run them together (WebCrypto verifies off the main thread).
    const [user, accessClaims] = await Promise.all([
      verifier.verifyIdToken(response.id_token),
      verifier.verifyAccessToken(response.access_token),
    ]);
    // OIDC Core 12.2: a refreshed ID token must be about the same user.
    if (how.expectSub !== undefined && user.sub !== how.expectSub) {
      throw new AppError('TOKEN_INVALID', 'The refreshed session belongs to another user.');
    }
    const tokens = new TokenSet({
      accessToken: response.access_token,
      idToken: response.id_token,
      // Cognito's default omits refresh_token on refresh: keep the old one.
      refreshToken: response.refresh_token ?? rt,
      receivedAt: sentAt,
      expiresInSeconds: response.expires_in,
      estimatedExpiresAt: deps.expiry.estimate({
        sentAt,
        receivedAt,
        expiresInSeconds: response.expires_in,
        iat: accessClaims.iat,
        exp: accessClaims.exp,
      }),
      user,
    });
    return { type: 'refresh-succeeded', flightId: how.flightId, tokens };
  } catch (err) {
    return { type: 'refresh-failed', flightId: how.flightId, failure: refreshFailure(err) };
  }
}

export function refreshFailure(err: unknown): RefreshFailure {
  const failure = classifyRefreshError(err);
  if (failure.kind === 'invalid_grant') return failure;
  return { kind: 'transient', error: toInfo(failure.error), throttled: failure.throttled };
}
