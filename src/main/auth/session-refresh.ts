/**
 * The refresh engine of one session: single-flight refresh with the refresh token, adoption of
 * new tokens, the proactive timer, backoff after transient failures, and the two methods the
 * HTTP client uses (AccessTokenSource).
 *
 * Promises:
 *  - One refresh at a time; every caller shares it.
 *  - A transient failure keeps the refresh token and retries with capped, jittered backoff;
 *    only `invalid_grant` signs out (wipe).
 *  - A refresh that a sign-out overtook is discarded and never persisted. A refresh that dispose
 *    (quit, profile switch) overtook still persists its rotated refresh token; it only stops
 *    publishing and scheduling. dispose() waits for it through settle().
 *  - Forced refreshes (an API answered 401 invalid_token) are capped at one per access-token
 *    lifetime: the first is shared by every request that saw that token rejected; after it, a
 *    rejection of the current token is final (TOKEN_INVALID, status 401) until a refresh that
 *    was not forced (proactive, expiry, restore, sign-in) brings a new token. A persistently
 *    rejecting API so never costs more than one token request per access-token lifetime.
 *  - After dispose, getAccessToken() and forceRefresh() reject (CANCELLED) and request nothing.
 */
import * as client from 'openid-client';
import { AppError, isAppError } from '../../shared/errors';
import { retryDelay } from './backoff';
import { classifyRefreshError } from './refresh-error-classifier';
import { effectiveMargin, isFresh, isUnexpired, publish } from './session-core';
import type { OidcAccess, SessionCore } from './session-core';
import { persistTokens, wipe } from './session-persistence';
import { TokenSet } from './token-set';

export interface RefreshEngine {
  refresh(how?: { forced?: boolean }): Promise<TokenSet>;
  /** Installs new tokens (rotated refresh token saved first) and publishes "signed in". */
  adopt(next: TokenSet, gen: number, previousRefreshToken: string | undefined): Promise<void>;
  scheduleProactive(): void;
  getAccessToken(): Promise<string>;
  forceRefresh(rejectedToken: string): Promise<string>;
  getIdToken(): Promise<string>;
  forceRefreshIdToken(rejectedToken: string): Promise<string>;
  /** Resolves when the refresh in flight (if any) has finished persisting, or after `boundMs`. */
  settle(boundMs: number): Promise<void>;
}

const ended = () =>
  new AppError('CANCELLED', 'This sign-in session has ended (the app is quitting or the profile changed).');

export function createRefreshEngine(core: SessionCore, getOidc: OidcAccess): RefreshEngine {
  const { clock, log } = core;

  const scheduleProactive = () => {
    clock.clearTimeout(core.proactiveTimer);
    if (!core.tokens || core.disposed) return;
    const t = core.tokens;
    // Shortly ahead of the staleness point, so callers of getAccessToken() rarely wait for a
    // refresh, yet each token serves nearly its whole lifetime (one token request per lifetime).
    // The lead is jittered: clients signed in at the same moment do not refresh in lockstep, and
    // refreshes land at varied sub-second phases, which is what sharpens the expiry estimate.
    const lead =
      Math.min(core.marginMs, t.lifetimeMs / 20) * (0.5 + 0.5 * Math.min(1, Math.max(0, core.random())));
    const at = t.accessTokenExpiresAt - effectiveMargin(core, t) - lead;
    core.nextRefreshAt = Math.round(at);
    core.proactiveTimer = clock.setTimeout(() => {
      void refresh().catch(() => undefined);
    }, at - clock.now());
  };

  const adopt = async (next: TokenSet, gen: number, previousRefreshToken: string | undefined) => {
    // Rotation: persist the new refresh token before dropping the old one from memory.
    await persistTokens(core, next, gen, previousRefreshToken);
    core.tokens = next;
    core.refreshToken.set(next.refreshToken);
    core.user = next.user;
    core.lastRefreshAt = clock.now();
    core.status = 'signed-in';
    core.connectivity = 'online';
    core.nextRetryAt = undefined;
    core.attempt = 0;
    core.throttledStreak = 0;
    core.lastError = undefined;
    core.warning = undefined;
    core.forcedThisLifetime = false; // a new lifetime; refresh() marks it forced when it was
    if (core.disposed) return; // persisted for the next start; nothing more to do here
    clock.clearTimeout(core.retryTimer);
    scheduleProactive();
    publish(core);
  };

  const refresh = (how: { forced?: boolean } = {}): Promise<TokenSet> => {
    if (core.refreshInFlight) return core.refreshInFlight;
    const rt = core.refreshToken.value;
    if (core.disposed) return Promise.reject(ended());
    if (!rt || core.status !== 'signed-in') {
      return Promise.reject(new AppError('SIGN_IN_REQUIRED', 'Sign in to continue.'));
    }
    const gen = core.generation;
    const discarded = () => new AppError('SIGN_IN_REQUIRED', 'Signed out while refreshing the session.');
    const run = async (): Promise<TokenSet> => {
      clock.clearTimeout(core.retryTimer);
      core.connectivity = 'refreshing';
      publish(core);
      try {
        const { oidc, verifier } = await getOidc();
        if (core.disposed) throw ended(); // not sent yet: nothing to finish
        const sentAt = clock.now();
        const response = await client.refreshTokenGrant(oidc.config, rt);
        const receivedAt = clock.now();
        if (gen !== core.generation) throw discarded();
        if (!response.id_token || typeof response.expires_in !== 'number') {
          throw new AppError('TOKEN_INVALID', 'The sign-in service did not return the expected tokens.');
        }
        // Independent checks: run them together (WebCrypto verifies off the main thread).
        const [nextUser, accessClaims] = await Promise.all([
          verifier.verifyIdToken(response.id_token),
          verifier.verifyAccessToken(response.access_token),
        ]);
        // OIDC Core 12.2: a refreshed ID token must be about the same user.
        const knownSub = (core.tokens?.user ?? core.user)?.sub;
        if (knownSub !== undefined && nextUser.sub !== knownSub) {
          throw new AppError('TOKEN_INVALID', 'The refreshed session belongs to another user.');
        }
        if (gen !== core.generation) throw discarded();
        const next = new TokenSet({
          accessToken: response.access_token,
          idToken: response.id_token,
          // Cognito's default omits refresh_token on refresh: keep the old one.
          refreshToken: response.refresh_token ?? rt,
          receivedAt: sentAt,
          expiresInSeconds: response.expires_in,
          estimatedExpiresAt: core.expiry.estimate({
            sentAt,
            receivedAt,
            expiresInSeconds: response.expires_in,
            iat: accessClaims.iat,
            exp: accessClaims.exp,
          }),
          user: nextUser,
        });
        await adopt(next, gen, rt);
        core.forcedThisLifetime = how.forced === true;
        const rotated = next.refreshToken !== rt;
        log.info('session refreshed', {
          expiresIn: response.expires_in,
          rotated,
          forced: how.forced === true,
        });
        return next;
      } catch (err) {
        if (gen !== core.generation) throw discarded();
        const failure = classifyRefreshError(err);
        if (failure.kind === 'invalid_grant') {
          log.warn('refresh token rejected (invalid_grant): signed out', { reason: failure.reason });
          const message =
            failure.reason === 'revoked'
              ? 'Your session was revoked. Sign in again.'
              : 'Your session has expired. Sign in again.';
          await wipe(core, failure.reason, { code: 'SESSION_EXPIRED', message });
          throw new AppError('SESSION_EXPIRED', message);
        }
        if (core.disposed) throw isAppError(err) && err.code === 'CANCELLED' ? err : failure.error;
        if (core.backoff.spreadMs) core.fleetPhase ??= core.backoff.random();
        const delay = retryDelay(core.attempt, {
          ...core.backoff,
          throttled: failure.throttled,
          throttledStreak: core.throttledStreak,
          now: clock.now(),
          ...(core.fleetPhase === undefined ? {} : { phase: core.fleetPhase }),
        });
        core.attempt++;
        core.throttledStreak = failure.throttled ? core.throttledStreak + 1 : 0;
        core.nextRetryAt = clock.now() + delay;
        core.connectivity = 'offline';
        clock.clearTimeout(core.retryTimer);
        core.retryTimer = clock.setTimeout(() => {
          void refresh().catch(() => undefined);
        }, delay);
        log.warn('refresh failed, will retry', {
          code: failure.error.code,
          message: failure.error.message,
          retryInMs: delay,
        });
        publish(core);
        throw failure.error;
      }
    };
    const p = run();
    core.refreshInFlight = p;
    const clear = () => {
      if (core.refreshInFlight === p) core.refreshInFlight = undefined;
    };
    p.then(clear, clear);
    return p;
  };

  const requireSignedIn = () => {
    if (core.disposed) throw ended();
    if (core.status !== 'signed-in' || !core.refreshToken.value)
      throw new AppError('SIGN_IN_REQUIRED', 'Sign in to continue.');
  };

  const getAccessToken = async (): Promise<string> => {
    requireSignedIn();
    const t = core.tokens;
    if (t && isFresh(core, t)) return t.accessToken;
    if (
      core.connectivity === 'offline' &&
      !core.refreshInFlight &&
      core.nextRetryAt !== undefined &&
      clock.now() < core.nextRetryAt
    ) {
      if (t && isUnexpired(core, t)) return t.accessToken;
      throw new AppError('IDP_UNREACHABLE', 'The sign-in service cannot be reached; retrying shortly.');
    }
    try {
      return (await refresh()).accessToken;
    } catch (err) {
      // Transient failure: keep using the old access token while it is still valid.
      const final =
        isAppError(err) &&
        (err.code === 'SESSION_EXPIRED' || err.code === 'SIGN_IN_REQUIRED' || err.code === 'CANCELLED');
      if (!final && t && t === core.tokens && isUnexpired(core, t)) {
        return t.accessToken;
      }
      throw err;
    }
  };

  /**
   * After an API rejected `rejectedToken` (the access token, or the ID token for apis[].token
   * "id"): one forced refresh per access-token lifetime, shared by every caller.
   */
  const forced = async (rejectedToken: string, pick: (t: TokenSet) => string): Promise<string> => {
    requireSignedIn();
    if (core.refreshInFlight) return pick(await core.refreshInFlight);
    const t = core.tokens;
    // A newer token than the rejected one: use it, no request.
    if (t && pick(t) !== rejectedToken && isFresh(core, t)) return pick(t);
    if (core.forcedThisLifetime) {
      // This lifetime's one forced refresh is spent: the API's rejection is the answer.
      throw new AppError(
        'TOKEN_INVALID',
        'The API rejected the token again after the session was refreshed for it; not refreshing again.',
        { status: 401 },
      );
    }
    core.forcedThisLifetime = true;
    return pick(await refresh({ forced: true }));
  };
  const forceRefresh = (rejectedToken: string) => forced(rejectedToken, (t) => t.accessToken);
  const forceRefreshIdToken = (rejectedToken: string) => forced(rejectedToken, (t) => t.idToken);

  // apis[].token "id": the ID token comes with the access token from the same grant, so the
  // access token's freshness rule keeps both fresh; an ID token that expires first is caught by
  // the API's 401 and the one forced refresh.
  const getIdToken = async (): Promise<string> => {
    const access = await getAccessToken();
    const t = core.tokens;
    if (!t || t.accessToken !== access) throw new AppError('SIGN_IN_REQUIRED', 'Sign in to continue.');
    return t.idToken;
  };

  const settle = async (boundMs: number) => {
    const inFlight = core.refreshInFlight;
    if (!inFlight) return;
    // Real time, not the injected clock: a quit must end even under a test's frozen clock.
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      inFlight.then(
        () => undefined,
        () => undefined,
      ),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, boundMs);
        timer.unref?.();
      }),
    ]);
    clearTimeout(timer);
  };

  return {
    refresh,
    adopt,
    scheduleProactive,
    getAccessToken,
    forceRefresh,
    forceRefreshIdToken,
    getIdToken,
    settle,
  };
}
