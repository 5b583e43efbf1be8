/**
 * The session engine: sign-in, tokens in memory, refresh token in the keychain, refresh by itself.
 *
 *   const session = createSession({
 *     profile,                      // ResolvedProfile from parseProfile() (src/main/config/profile.ts)
 *     openExternal: (url) => shell.openExternal(url),   // receives only this profile's authorize/logout URLs
 *     credentialStore,              // optional; default: keytar, account `<profileId>:<clientId>`
 *     logger,                       // optional; src/main/log/logger.ts
 *     clock, random,                // optional; for tests
 *     timeouts: { requestMs, signInMs, revokeMs },   // optional; defaults 10 s, 5 min, 5 s
 *     refreshMarginMs,              // optional; default 60 s (scaled down for very short tokens)
 *     backoff: { baseMs, capMs },   // optional; default 2 s .. 5 min, with jitter
 *   });
 *   await session.start();          // restore from the keychain (no browser); never rejects
 *   session.onChanged((state) => ...);   // token-free SessionState
 *   await session.signIn();         // system browser; repeat calls JOIN the pending attempt
 *   await session.getAccessToken(); // AccessTokenSource for the HTTP client
 *   session.resume(); session.online();  // from powerMonitor 'resume' / network back
 *   session.handleRedirectUrl(url); // custom-scheme deep links from the OS
 *   await session.signOut({ endHostedUiSession: true });
 *   await session.dispose();        // app quit: timers off, pending sign-in cancelled, nothing wiped
 *
 * Decisions:
 *  - Repeat sign-in while one is pending joins it (same promise, no second listener); the UI's
 *    "open the browser again" is reopenBrowser().
 *  - Restore at start with the IdP unreachable publishes `signed-in` with connectivity `offline`,
 *    the last known user (kept, token-free, beside the refresh token) and accessTokenExpiresAt 0
 *    (there is no access token yet); getAccessToken() rejects IDP_UNREACHABLE until a retry works.
 *  - Sign-out wipes memory and keychain first, then revokes (bounded), so a hung or failed
 *    revocation can never leave anything behind.
 *  - While offline, getAccessToken() honours the backoff (no request storm): it returns the old
 *    access token while still valid, or rejects IDP_UNREACHABLE; resume()/online() retry at once.
 */
import * as client from 'openid-client';
import { AppError, isAppError } from '../../shared/errors';
import { SessionStateSchema } from '../../shared/session-state';
import type { SessionState, SessionUser, SignedOutReason } from '../../shared/session-state';
import { isLoopbackHttpUrl } from '../config/profile';
import type { ResolvedProfile } from '../config/profile';
import { silentLogger } from '../log/logger';
import type { Logger } from '../log/logger';
import type { AccessTokenSource } from './access-token-source';
import { backoffDelay, DEFAULT_BACKOFF } from './backoff';
import { systemClock } from './clock';
import type { Clock } from './clock';
import { createCredentialStore } from './credential-store';
import type { CredentialStore } from './credential-store';
import { openLoopbackListener } from './loopback-listener';
import { discoverOidcClient } from './oidc-client';
import type { OidcClient } from './oidc-client';
import { classifyRefreshError } from './refresh-error-classifier';
import type { SessionController } from './session-controller';
import { startSignInAttempt } from './sign-in-flow';
import type { SignInAttempt } from './sign-in-flow';
import { TokenExpiryEstimator } from './token-expiry-estimator';
import { TokenSet } from './token-set';
import { createTokenVerifier, remoteKeySet } from './token-verifier';
import type { RemoteKeySet, TokenVerifier } from './token-verifier';

export interface CreateSessionOptions {
  profile: ResolvedProfile;
  openExternal: (url: string) => Promise<void>;
  credentialStore?: CredentialStore;
  logger?: Logger;
  clock?: Clock;
  random?: () => number;
  timeouts?: { requestMs?: number; signInMs?: number; revokeMs?: number };
  refreshMarginMs?: number;
  backoff?: { baseMs?: number; capMs?: number };
}

export interface Session extends SessionController, AccessTokenSource {
  /** Restores the session from the keychain (refresh, no browser). Resolves with the state; never rejects. */
  start(): Promise<SessionState>;
  /** After sleep: re-arm timers, refresh now if the token is stale or we were offline. */
  resume(): void;
  /** Network is back: retry a failed refresh now instead of waiting for the backoff. */
  online(): void;
  /** A URL the OS handed in (custom scheme). True if it completed the pending sign-in. */
  handleRedirectUrl(url: string): boolean;
  dispose(): Promise<void>;
}

export const DEFAULT_TIMEOUTS = { requestMs: 10_000, signInMs: 5 * 60_000, revokeMs: 5_000 } as const;
export const DEFAULT_REFRESH_MARGIN_MS = 60_000;
const SIGNED_OUT_PAGE_MS = 2 * 60_000;

/**
 * The one-shot loopback "signed out" page listener, process-wide: any session's sign-in closes
 * it first, because it may hold a port the sign-in needs (signOutUrl often shares the first
 * redirect port).
 */
let signedOutListener: { close(): Promise<void> } | undefined;
async function closeSignedOutPage(): Promise<void> {
  const current = signedOutListener;
  signedOutListener = undefined;
  await current?.close().catch(() => undefined);
}

interface PendingSignIn {
  attempt?: SignInAttempt;
  /** Settles once `attempt` exists (its browser opened) or the sign-in ended without one. */
  attemptStarted: Promise<void>;
  cancelled: boolean;
  promise: Promise<SessionState>;
  startedAt: number;
}

const OFFLINE_PLACEHOLDER_USER: SessionUser = { sub: 'unknown', username: 'unknown', groups: [] };

/**
 * Discovery documents and key sets, shared by every session of the same profile settings in this
 * process: a profile switch or a new session object does not repeat discovery or the JWKS fetch.
 * Failures are not cached.
 */
const discoveryCache = new Map<string, Promise<{ oidc: OidcClient; keySet: RemoteKeySet }>>();

function discoverShared(profile: ResolvedProfile, requestMs: number) {
  const key = JSON.stringify([
    profile.issuer,
    profile.domain,
    profile.clientId,
    profile.clientSecret ?? '',
    requestMs,
  ]);
  let entry = discoveryCache.get(key);
  if (!entry) {
    entry = discoverOidcClient(profile, { timeoutMs: requestMs }).then((oidc) => {
      const keySet = remoteKeySet(oidc.jwksUri, requestMs);
      // Fetch the JWKS now, while the refresh (or the sign-in) that needed discovery is in
      // flight, instead of after it when the first token is checked: one round trip less on a
      // cold start. A failure here is not an error: the token check fetches again and reports it.
      keySet.reload().catch(() => undefined);
      return { oidc, keySet };
    });
    discoveryCache.set(key, entry);
    entry.catch(() => discoveryCache.delete(key));
  }
  return entry;
}

export function createSession(options: CreateSessionOptions): Session {
  const { profile } = options;
  const log = (options.logger ?? silentLogger).child('session');
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const requestMs = options.timeouts?.requestMs ?? DEFAULT_TIMEOUTS.requestMs;
  const signInMs = options.timeouts?.signInMs ?? DEFAULT_TIMEOUTS.signInMs;
  const revokeMs = options.timeouts?.revokeMs ?? DEFAULT_TIMEOUTS.revokeMs;
  const marginMs = options.refreshMarginMs ?? DEFAULT_REFRESH_MARGIN_MS;
  const expiry = new TokenExpiryEstimator();
  const backoff = { ...DEFAULT_BACKOFF, ...options.backoff, random };
  const store =
    options.credentialStore ??
    createCredentialStore({
      profileId: profile.id,
      clientId: profile.clientId,
      logger: options.logger ?? silentLogger,
    });

  // ---- mutable session state (closure variables: nothing here is enumerable or printable) ----
  let status: 'signed-out' | 'signing-in' | 'signed-in' = 'signed-out';
  let signedOutReason: SignedOutReason = 'none';
  let lastError: { code: string; message: string } | undefined;
  let tokens: TokenSet | undefined;
  let refreshToken: string | undefined;
  let user: SessionUser | undefined;
  let lastRefreshAt = 0;
  let connectivity: 'online' | 'refreshing' | 'offline' = 'online';
  let nextRetryAt: number | undefined;
  let attempt = 0;
  /** Bumped by sign-out/dispose: any in-flight work from an older generation is discarded. */
  let generation = 0;
  let refreshInFlight: Promise<TokenSet> | undefined;
  let proactiveTimer: unknown;
  let retryTimer: unknown;
  let pending: PendingSignIn | undefined;
  let oidcPromise: Promise<{ oidc: OidcClient; verifier: TokenVerifier }> | undefined;
  const listeners = new Set<(state: SessionState) => void>();
  let published: SessionState | undefined;
  let publishedJson = '';

  const computeState = (): SessionState => {
    const storage = store.storage;
    if (status === 'signing-in') {
      return { status: 'signing-in', startedAt: pending?.startedAt ?? clock.now(), storage };
    }
    if (status === 'signed-in') {
      return {
        status: 'signed-in',
        user: tokens?.user ?? user ?? OFFLINE_PLACEHOLDER_USER,
        accessTokenExpiresAt: tokens?.accessTokenExpiresAt ?? 0,
        lastRefreshAt,
        connectivity,
        ...(connectivity === 'offline' && nextRetryAt !== undefined ? { nextRetryAt } : {}),
        storage,
      };
    }
    return {
      status: 'signed-out',
      reason: signedOutReason,
      ...(lastError ? { error: lastError } : {}),
      storage,
    };
  };

  const publish = () => {
    // Parsing with the strict schema guarantees only the documented, token-free fields go out.
    const state = SessionStateSchema.parse(computeState());
    const json = JSON.stringify(state);
    if (json === publishedJson) return;
    published = state;
    publishedJson = json;
    for (const listener of [...listeners]) {
      try {
        listener(state);
      } catch {
        // A faulty listener must not break the engine or the other listeners.
      }
    }
  };

  const getOidc = () => {
    oidcPromise ??= (async () => {
      const { oidc, keySet } = await discoverShared(profile, requestMs);
      const verifier = createTokenVerifier({
        issuer: profile.issuer,
        clientId: profile.clientId,
        jwksUri: oidc.jwksUri,
        now: () => clock.now(),
        timeoutMs: requestMs,
        keySet,
      });
      return { oidc, verifier };
    })();
    // A failed discovery is retried next time rather than cached.
    oidcPromise.catch(() => {
      oidcPromise = undefined;
    });
    return oidcPromise;
  };

  // The expiry estimate already allows for whole-second `exp`, so the margin only has to cover a
  // request's time in flight and the API's clock: a tenth of the lifetime for short tokens.
  const effectiveMargin = (t: TokenSet) => Math.min(marginMs, t.lifetimeMs / 10);
  const isFresh = (t: TokenSet) => clock.now() < t.accessTokenExpiresAt - effectiveMargin(t);
  const isUnexpired = (t: TokenSet) => clock.now() < t.accessTokenExpiresAt;

  const clearTimers = () => {
    clock.clearTimeout(proactiveTimer);
    clock.clearTimeout(retryTimer);
    proactiveTimer = undefined;
    retryTimer = undefined;
  };

  const scheduleProactive = () => {
    clock.clearTimeout(proactiveTimer);
    if (!tokens) return;
    const t = tokens;
    // Shortly ahead of the staleness point, so callers of getAccessToken() rarely wait for a
    // refresh, yet each token serves nearly its whole lifetime (one token request per lifetime).
    // The lead is jittered: clients signed in at the same moment do not refresh in lockstep, and
    // refreshes land at varied sub-second phases, which is what sharpens the expiry estimate.
    const lead = Math.min(marginMs, t.lifetimeMs / 20) * (0.5 + 0.5 * Math.min(1, Math.max(0, random())));
    const at = t.accessTokenExpiresAt - effectiveMargin(t) - lead;
    proactiveTimer = clock.setTimeout(() => {
      void refresh().catch(() => undefined);
    }, at - clock.now());
  };

  const wipe = async (reason: SignedOutReason, error?: { code: string; message: string }) => {
    generation++;
    clearTimers();
    tokens = undefined;
    refreshToken = undefined;
    user = undefined;
    refreshInFlight = undefined;
    nextRetryAt = undefined;
    attempt = 0;
    connectivity = 'online';
    status = 'signed-out';
    signedOutReason = reason;
    lastError = error;
    try {
      await store.clear();
    } catch {
      log.warn('could not remove the keychain entry');
    }
    // Published only now: whoever sees "signed out" may rely on the keychain entry being gone
    // (and storage may have changed to memory-only while clearing).
    publish();
  };

  const adopt = async (next: TokenSet, gen: number, previousRefreshToken: string | undefined) => {
    // Rotation: persist the new refresh token before dropping the old one from memory.
    if (next.refreshToken !== previousRefreshToken || !previousRefreshToken) {
      await store.save({ refreshToken: next.refreshToken, user: next.user });
      if (gen !== generation) {
        // Signed out while we were saving: undo, the sign-out wins.
        await store.clear().catch(() => undefined);
        throw new AppError('SIGN_IN_REQUIRED', 'Signed out.');
      }
    }
    tokens = next;
    refreshToken = next.refreshToken;
    user = next.user;
    lastRefreshAt = clock.now();
    status = 'signed-in';
    connectivity = 'online';
    nextRetryAt = undefined;
    attempt = 0;
    lastError = undefined;
    clock.clearTimeout(retryTimer);
    scheduleProactive();
    publish();
  };

  const refresh = (): Promise<TokenSet> => {
    if (refreshInFlight) return refreshInFlight;
    const rt = refreshToken;
    if (!rt || status !== 'signed-in') {
      return Promise.reject(new AppError('SIGN_IN_REQUIRED', 'Sign in to continue.'));
    }
    const gen = generation;
    const discarded = () => new AppError('SIGN_IN_REQUIRED', 'Signed out while refreshing the session.');
    const run = async (): Promise<TokenSet> => {
      clock.clearTimeout(retryTimer);
      connectivity = 'refreshing';
      publish();
      try {
        const { oidc, verifier } = await getOidc();
        const sentAt = clock.now();
        const response = await client.refreshTokenGrant(oidc.config, rt);
        const receivedAt = clock.now();
        if (gen !== generation) throw discarded();
        if (!response.id_token || typeof response.expires_in !== 'number') {
          throw new AppError('TOKEN_INVALID', 'The sign-in service did not return the expected tokens.');
        }
        // Independent checks: run them together (WebCrypto verifies off the main thread).
        const [nextUser, accessClaims] = await Promise.all([
          verifier.verifyIdToken(response.id_token),
          verifier.verifyAccessToken(response.access_token),
        ]);
        // OIDC Core 12.2: a refreshed ID token must be about the same user.
        const knownSub = (tokens?.user ?? user)?.sub;
        if (knownSub !== undefined && nextUser.sub !== knownSub) {
          throw new AppError('TOKEN_INVALID', 'The refreshed session belongs to another user.');
        }
        if (gen !== generation) throw discarded();
        const next = new TokenSet({
          accessToken: response.access_token,
          idToken: response.id_token,
          // Cognito's default omits refresh_token on refresh: keep the old one.
          refreshToken: response.refresh_token ?? rt,
          receivedAt: sentAt,
          expiresInSeconds: response.expires_in,
          estimatedExpiresAt: expiry.estimate({
            sentAt,
            receivedAt,
            expiresInSeconds: response.expires_in,
            iat: accessClaims.iat,
            exp: accessClaims.exp,
          }),
          user: nextUser,
        });
        await adopt(next, gen, rt);
        const rotated = next.refreshToken !== rt;
        log.info('session refreshed', { expiresIn: response.expires_in, rotated });
        return next;
      } catch (err) {
        if (gen !== generation) throw discarded();
        const failure = classifyRefreshError(err);
        if (failure.kind === 'invalid_grant') {
          log.warn('refresh token rejected (invalid_grant): signed out', { reason: failure.reason });
          const message =
            failure.reason === 'revoked'
              ? 'Your session was revoked. Sign in again.'
              : 'Your session has expired. Sign in again.';
          await wipe(failure.reason, { code: 'SESSION_EXPIRED', message });
          throw new AppError('SESSION_EXPIRED', message);
        }
        const delay = backoffDelay(attempt, backoff);
        attempt++;
        nextRetryAt = clock.now() + delay;
        connectivity = 'offline';
        clock.clearTimeout(retryTimer);
        retryTimer = clock.setTimeout(() => {
          void refresh().catch(() => undefined);
        }, delay);
        log.warn('refresh failed, will retry', {
          code: failure.error.code,
          message: failure.error.message,
          retryInMs: delay,
        });
        publish();
        throw failure.error;
      }
    };
    const p = run();
    refreshInFlight = p;
    const clear = () => {
      if (refreshInFlight === p) refreshInFlight = undefined;
    };
    p.then(clear, clear);
    return p;
  };

  const isSignedIn = () => status === 'signed-in';

  const requireSignedIn = () => {
    if (status !== 'signed-in' || !refreshToken)
      throw new AppError('SIGN_IN_REQUIRED', 'Sign in to continue.');
  };

  const getAccessToken = async (): Promise<string> => {
    requireSignedIn();
    const t = tokens;
    if (t && isFresh(t)) return t.accessToken;
    if (
      connectivity === 'offline' &&
      !refreshInFlight &&
      nextRetryAt !== undefined &&
      clock.now() < nextRetryAt
    ) {
      if (t && isUnexpired(t)) return t.accessToken;
      throw new AppError('IDP_UNREACHABLE', 'The sign-in service cannot be reached; retrying shortly.');
    }
    try {
      return (await refresh()).accessToken;
    } catch (err) {
      // Transient failure: keep using the old access token while it is still valid.
      const final = isAppError(err) && (err.code === 'SESSION_EXPIRED' || err.code === 'SIGN_IN_REQUIRED');
      if (!final && t && t === tokens && isUnexpired(t)) {
        return t.accessToken;
      }
      throw err;
    }
  };

  const forceRefresh = async (rejectedToken: string): Promise<string> => {
    requireSignedIn();
    const t = tokens;
    if (refreshInFlight) return (await refreshInFlight).accessToken;
    if (t && t.accessToken !== rejectedToken && isFresh(t)) return t.accessToken;
    return (await refresh()).accessToken;
  };

  const signIn = (): Promise<SessionState> => {
    if (pending) return pending.promise; // join the attempt in progress
    if (status === 'signed-in') return Promise.resolve(computeState());
    const gen = generation;
    let markStarted!: () => void;
    const entry: PendingSignIn = {
      attemptStarted: new Promise<void>((resolve) => (markStarted = resolve)),
      cancelled: false,
      startedAt: clock.now(),
      promise: Promise.resolve(undefined as unknown as SessionState),
    };
    pending = entry;
    status = 'signing-in';
    lastError = undefined;
    publish();
    entry.promise = (async () => {
      try {
        await store.init();
        // The sign-out page may hold a port the sign-in wants: a new sign-in makes it moot.
        await closeSignedOutPage();
        const { oidc, verifier } = await getOidc();
        if (entry.cancelled) throw new AppError('SIGN_IN_CANCELLED', 'Sign-in was cancelled.');
        const attemptHandle = await startSignInAttempt({
          profile,
          oidc,
          verifier,
          openExternal: options.openExternal,
          clock,
          expiry,
          timeoutMs: signInMs,
          logger: log,
        });
        entry.attempt = attemptHandle;
        markStarted();
        if (entry.cancelled) attemptHandle.cancel();
        const next = await attemptHandle.result;
        await attemptHandle.closed;
        if (gen !== generation || entry.cancelled)
          throw new AppError('SIGN_IN_CANCELLED', 'Sign-in was cancelled.');
        await adopt(next, gen, undefined);
        log.info('signed in', { storage: store.storage.kind });
        return computeState();
      } catch (err) {
        const error = isAppError(err) ? err : new AppError('INTERNAL', 'Sign-in failed.');
        await entry.attempt?.closed;
        if (gen === generation && !isSignedIn()) {
          status = 'signed-out';
          signedOutReason = error.code === 'SIGN_IN_CANCELLED' ? 'none' : 'error';
          lastError =
            error.code === 'SIGN_IN_CANCELLED' ? undefined : { code: error.code, message: error.message };
          publish();
        }
        log.warn('sign-in ended without a session', { code: error.code, message: error.message });
        throw error;
      } finally {
        markStarted();
        if (pending === entry) pending = undefined;
      }
    })();
    return entry.promise;
  };

  const cancelPendingSignIn = () => {
    if (!pending) return;
    pending.cancelled = true;
    pending.attempt?.cancel();
  };

  const revokeBounded = async (rt: string) => {
    let timer: unknown;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = clock.setTimeout(() => resolve('timeout'), revokeMs);
    });
    const revoke = (async () => {
      const { oidc } = await getOidc();
      await client.tokenRevocation(oidc.config, rt, { token_type_hint: 'refresh_token' });
      return 'revoked' as const;
    })().catch(() => 'failed' as const);
    const outcome = await Promise.race([revoke, timeout]);
    clock.clearTimeout(timer);
    return outcome;
  };

  const logoutUrl = (): string | undefined => {
    if (!profile.signOutUrl) return undefined;
    const url = new URL('/logout', `${profile.domain}/`);
    url.searchParams.set('client_id', profile.clientId);
    url.searchParams.set('logout_uri', profile.signOutUrl);
    return url.href;
  };

  /**
   * The Hosted UI logout ends by redirecting the browser to signOutUrl. When that is a loopback
   * URL, answer it once with a fixed "signed out" page instead of a connection error; the
   * listener closes after one request or SIGNED_OUT_PAGE_MS. A busy port just skips the page.
   */
  const serveSignedOutPage = async () => {
    const target = profile.signOutUrl ? new URL(profile.signOutUrl) : undefined;
    if (!target || !isLoopbackHttpUrl(target) || !target.port) return;
    await closeSignedOutPage();
    try {
      const listener = await openLoopbackListener({
        redirectUris: [target.href],
        onCallback: (callbackUrl) =>
          callbackUrl.search === ''
            ? {
                kind: 'accept',
                completion: Promise.resolve({
                  ok: true,
                  title: 'Signed out',
                  message: 'You are signed out.',
                }),
              }
            : { kind: 'reject', message: 'This is not a sign-out page.' },
        logger: log,
      });
      const timer = clock.setTimeout(() => void listener.close(), SIGNED_OUT_PAGE_MS);
      signedOutListener = { close: () => (clock.clearTimeout(timer), listener.close()) };
    } catch {
      log.info('sign-out page port busy; the browser will show its own page');
    }
  };

  const signOut = async (signOutOptions: { endHostedUiSession: boolean }): Promise<SessionState> => {
    cancelPendingSignIn();
    const rt = refreshToken;
    await wipe('user');
    if (rt) {
      const outcome = await revokeBounded(rt);
      log.info('signed out', { revocation: outcome });
    }
    if (signOutOptions.endHostedUiSession) {
      const url = logoutUrl();
      if (url) {
        await serveSignedOutPage();
        await options.openExternal(url).catch(() => log.warn('could not open the Hosted UI sign-out page'));
      }
    }
    return computeState();
  };

  const start = async (): Promise<SessionState> => {
    await store.init();
    const loaded = await store.load();
    if (loaded.kind !== 'found') {
      status = 'signed-out';
      signedOutReason = loaded.kind === 'corrupt' ? 'error' : 'none';
      lastError =
        loaded.kind === 'corrupt'
          ? {
              code: 'SIGN_IN_REQUIRED',
              message: 'The saved session could not be read and was removed. Sign in again.',
            }
          : undefined;
      publish();
      return computeState();
    }
    refreshToken = loaded.credential.refreshToken;
    user = loaded.credential.user;
    status = 'signed-in';
    connectivity = 'refreshing';
    publish();
    await refresh().catch(() => undefined);
    return computeState();
  };

  return {
    start,
    signIn,
    async cancelSignIn() {
      cancelPendingSignIn();
      await pending?.promise.catch(() => undefined);
    },
    async reopenBrowser() {
      const entry = pending;
      if (!entry) return;
      // The first browser launch may still be under way on a slow machine: wait for it rather
      // than drop the user's click.
      await entry.attemptStarted;
      await entry.attempt?.reopenBrowser();
    },
    signOut,
    getState: () => published ?? SessionStateSchema.parse(computeState()),
    onChanged(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    getAccessToken,
    forceRefresh,
    resume() {
      if (status !== 'signed-in') return;
      if (!tokens || !isFresh(tokens) || connectivity === 'offline') {
        attempt = 0;
        void refresh().catch(() => undefined);
      } else {
        scheduleProactive();
      }
    },
    online() {
      if (status !== 'signed-in') return;
      if (connectivity === 'offline' || !tokens || !isFresh(tokens)) {
        attempt = 0;
        void refresh().catch(() => undefined);
      }
    },
    handleRedirectUrl(url: string) {
      return pending?.attempt?.handleRedirectUrl(url) ?? false;
    },
    async dispose() {
      generation++;
      clearTimers();
      await closeSignedOutPage();
      cancelPendingSignIn();
      listeners.clear();
      await pending?.promise.catch(() => undefined);
    },
  };
}
