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
 *   await session.dispose();        // app quit / profile switch: timers off, pending sign-in
 *                                   // cancelled, a refresh already sent may finish persisting
 *                                   // (bounded by timeouts.disposeMs); the keychain is never wiped
 *
 * Decisions:
 *  - Repeat sign-in while one is pending joins it (same promise, no second listener); the UI's
 *    "open the browser again" is reopenBrowser().
 *  - cancelSignIn() (and dispose) during discovery returns at once, without waiting for the
 *    discovery's time bound, and the sign-in ends SIGN_IN_CANCELLED, signed out with no error,
 *    whatever discovery or another step failed with meanwhile.
 *  - Restore at start with the IdP unreachable publishes `signed-in` with connectivity `offline`,
 *    the last known user (kept, token-free, beside the refresh token) and accessTokenExpiresAt 0
 *    (there is no access token yet); getAccessToken() rejects IDP_UNREACHABLE until a retry works.
 *  - Sign-out wipes memory and keychain first, then revokes (bounded), so a hung or failed
 *    revocation can never leave anything behind.
 *  - While offline, getAccessToken() honours the backoff (no request storm): it returns the old
 *    access token while still valid, or rejects IDP_UNREACHABLE; resume()/online() retry at once.
 *  - Dispose is not sign-out: only signOut() and invalid_grant remove a refresh token. After
 *    dispose, getAccessToken()/forceRefresh() reject CANCELLED and request nothing.
 *  - At most one forced refresh per access-token lifetime (see session-refresh.ts).
 *
 * The parts: session-core.ts (shared state, published state, discovery), session-refresh.ts
 * (refresh engine), session-persistence.ts (keychain save/remove), session-sign-out.ts.
 */
import { AppError, isAppError } from '../../shared/errors';
import { SessionStateSchema } from '../../shared/session-state';
import type { SessionState } from '../../shared/session-state';
import type { ResolvedProfile } from '../config/profile';
import { silentLogger } from '../log/logger';
import type { Logger } from '../log/logger';
import { defaultNodeTransport } from '../net/default-transport';
import type { NetTransport } from '../net/transport';
import type { AccessTokenSource } from './access-token-source';
import { DEFAULT_BACKOFF, wakeDelay } from './backoff';
import { systemClock } from './clock';
import type { Clock } from './clock';
import { createCredentialStore, sessionBindingOf } from './credential-store';
import { discardForeignSession } from './foreign-session';
import type { CredentialStore } from './credential-store';
import { clearTimers, computeState, createCore, oidcAccess, publish } from './session-core';
import { isFresh } from './session-core';
import type { SessionController } from './session-controller';
import { removeStoredEntry } from './session-persistence';
import { createRefreshEngine } from './session-refresh';
import { closeSignedOutPage, revokeBounded, signOutSession } from './session-sign-out';
import { authorizeParamsFor, type SignInChoice } from './sign-in-options';
import { startSignInAttempt } from './sign-in-flow';
import type { SignInAttempt } from './sign-in-flow';
import { TokenExpiryEstimator } from './token-expiry-estimator';

export interface CreateSessionOptions {
  profile: ResolvedProfile;
  openExternal: (url: string) => Promise<void>;
  credentialStore?: CredentialStore;
  /**
   * The app's data folder. With the default credential store, a keychain entry that sign-out
   * could not remove is recorded here (token-free) and removed at the next start.
   */
  dataDir?: string;
  logger?: Logger;
  clock?: Clock;
  random?: () => number;
  /** disposeMs: how long dispose() lets a refresh already sent finish persisting. */
  timeouts?: { requestMs?: number; signInMs?: number; revokeMs?: number; disposeMs?: number };
  refreshMarginMs?: number;
  /**
   * spreadMs: the fleet's spread (organisation policy `fleet`: clients / quota). With it, a
   * background restore or resume waits a random part of it, and retries spread over it
   * (backoff.ts). Absent: one machine, no wait.
   */
  backoff?: { baseMs?: number; capMs?: number; spreadMs?: number };
  /** How discovery, JWKS, token and revoke requests reach the network; default: direct undici. */
  transport?: NetTransport;
  /** The Hosted UI language for the next sign-in (the app's language); omitted: none sent. */
  hostedUiLanguage?: () => string | undefined;
  /**
   * False (organisation policy `allowMemoryOnlySignIn: false`): where no OS keychain can hold the
   * sign-in, signIn() refuses with MEMORY_SIGN_IN_NOT_ALLOWED before any browser opens. Default true.
   */
  allowMemoryOnly?: boolean;
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
  /**
   * Quit or profile switch (not sign-out): timers off, pending sign-in cancelled, a refresh
   * already sent allowed to finish saving its rotated token (bounded). Never clears the keychain.
   */
  dispose(): Promise<void>;
  /** apis[].token "id" (AccessTokenSource's optional pair, always present on a session). */
  getIdToken(): Promise<string>;
  forceRefreshIdToken(rejectedToken: string): Promise<string>;
  /** The pending attempt's authorize URL ("Copy sign-in link"; it holds no secret), or null. */
  signInLink(): Promise<string | null>;
}

const noop = (): void => undefined;

export const DEFAULT_TIMEOUTS = { requestMs: 10_000, signInMs: 5 * 60_000, revokeMs: 5_000 } as const;
export const DEFAULT_REFRESH_MARGIN_MS = 60_000;
/** Allowance on top of the request timeout for the keychain write at dispose. */
const DISPOSE_SAVE_ALLOWANCE_MS = 5_000;

interface PendingSignIn {
  attempt?: SignInAttempt;
  /** Settles once `attempt` exists (its browser opened) or the sign-in ended without one. */
  attemptStarted: Promise<void>;
  cancelled: boolean;
  /** Rejects with SIGN_IN_CANCELLED once cancelled: the steps before the browser race it. */
  whenCancelled: Promise<never>;
  cancel: () => void;
  promise: Promise<SessionState>;
  startedAt: number;
}

const cancelledError = () => new AppError('SIGN_IN_CANCELLED', 'Sign-in was cancelled.');

export function createSession(options: CreateSessionOptions): Session {
  const { profile } = options;
  const logger = options.logger ?? silentLogger;
  const random = options.random ?? Math.random;
  const requestMs = options.timeouts?.requestMs ?? DEFAULT_TIMEOUTS.requestMs;
  const disposeMs = options.timeouts?.disposeMs ?? requestMs + DISPOSE_SAVE_ALLOWANCE_MS;
  const core = createCore({
    profile,
    log: logger.child('session'),
    clock: options.clock ?? systemClock,
    random,
    requestMs,
    signInMs: options.timeouts?.signInMs ?? DEFAULT_TIMEOUTS.signInMs,
    revokeMs: options.timeouts?.revokeMs ?? DEFAULT_TIMEOUTS.revokeMs,
    marginMs: options.refreshMarginMs ?? DEFAULT_REFRESH_MARGIN_MS,
    backoff: { ...DEFAULT_BACKOFF, ...options.backoff, random },
    expiry: new TokenExpiryEstimator(),
    store:
      options.credentialStore ??
      createCredentialStore({
        profileId: profile.id,
        clientId: profile.clientId,
        logger,
        ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
      }),
    openExternal: options.openExternal,
    transport: options.transport ?? defaultNodeTransport(),
  });
  const { clock, log, store } = core;
  const getOidc = oidcAccess(core);
  const engine = createRefreshEngine(core, getOidc);
  let pending: PendingSignIn | undefined;

  const signIn = (choice: SignInChoice = {}): Promise<SessionState> => {
    if (pending) return pending.promise; // join the attempt in progress
    if (core.status === 'signed-in') return Promise.resolve(computeState(core));
    if (core.disposed) return Promise.reject(cancelledError());
    const gen = core.generation;
    let markStarted!: () => void;
    let rejectCancelled!: (err: AppError) => void;
    const whenCancelled = new Promise<never>((_, reject) => (rejectCancelled = reject));
    whenCancelled.catch(() => undefined); // read only by races; never unhandled
    const entry: PendingSignIn = {
      attemptStarted: new Promise<void>((resolve) => (markStarted = resolve)),
      cancelled: false,
      whenCancelled,
      cancel: () => {
        entry.cancelled = true;
        rejectCancelled(cancelledError());
      },
      startedAt: clock.now(),
      promise: Promise.resolve(undefined as unknown as SessionState),
    };
    pending = entry;
    core.status = 'signing-in';
    core.signingInSince = entry.startedAt;
    core.lastError = undefined;
    core.warning = undefined;
    publish(core);
    entry.promise = (async () => {
      try {
        await store.init();
        if (options.allowMemoryOnly === false && store.storage.kind === 'memory') {
          throw new AppError(
            'MEMORY_SIGN_IN_NOT_ALLOWED',
            'Your organisation does not allow signing in without the system keychain, and no keychain is available.',
          );
        }
        // The sign-out page may hold a port the sign-in wants: a new sign-in makes it moot.
        await closeSignedOutPage();
        // A cancel does not wait for a hung discovery (shared, it goes on to its own time bound).
        const { oidc, verifier } = await Promise.race([getOidc(), entry.whenCancelled]);
        if (entry.cancelled) throw cancelledError();
        const attemptHandle = await startSignInAttempt({
          profile,
          authorizeParams: authorizeParamsFor(profile, choice, core.user?.username),
          oidc,
          verifier,
          openExternal: options.openExternal,
          clock,
          expiry: core.expiry,
          timeoutMs: core.signInMs,
          logger: log,
          uiLanguage: options.hostedUiLanguage?.(),
        });
        entry.attempt = attemptHandle;
        markStarted();
        if (entry.cancelled) attemptHandle.cancel();
        const next = await attemptHandle.result;
        await attemptHandle.closed;
        if (gen !== core.generation || entry.cancelled) throw cancelledError();
        await engine.adopt(next, gen, undefined);
        log.info('signed in', { storage: store.storage.kind });
        return computeState(core);
      } catch (err) {
        // A cancel (cancelSignIn, dispose) is the outcome, whatever a step failed with meanwhile;
        // a sign-out bumps the generation and its own outcome stands (SIGN_IN_REQUIRED).
        const error =
          entry.cancelled && gen === core.generation
            ? cancelledError()
            : isAppError(err)
              ? err
              : new AppError('INTERNAL', 'Sign-in failed.');
        await entry.attempt?.closed;
        if (gen === core.generation && core.status !== 'signed-in') {
          core.status = 'signed-out';
          core.signedOutReason = error.code === 'SIGN_IN_CANCELLED' ? 'none' : 'error';
          core.lastError =
            error.code === 'SIGN_IN_CANCELLED' ? undefined : { code: error.code, message: error.message };
          publish(core);
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
    pending.cancel();
    pending.attempt?.cancel();
  };

  const signOut = async (signOutOptions: { endHostedUiSession: boolean }): Promise<SessionState> => {
    cancelPendingSignIn();
    return signOutSession(core, getOidc, signOutOptions);
  };

  const start = async (): Promise<SessionState> => {
    await store.init();
    const loaded = await store.load(sessionBindingOf(profile));
    if (loaded.kind === 'mismatch') {
      // Issued for another issuer, token origin or client: never sent to this profile's
      // endpoints; revoked where it came from (bounded), removed, and this profile signed out.
      const { transport, revokeMs: timeoutMs } = core;
      await discardForeignSession({ loaded, store, transport, timeoutMs, clock, log });
      core.status = 'signed-out';
      core.signedOutReason = 'none';
      publish(core);
      return computeState(core);
    }
    if (loaded.kind === 'removal-pending') {
      // An earlier run's sign-out could not remove this entry: finish that sign-out now
      // (revoke, remove) instead of restoring it.
      const outcome = await revokeBounded(core, getOidc, loaded.credential.refreshToken);
      const removed = await removeStoredEntry(core);
      log.info('removed a keychain entry left by an earlier sign-out', { revocation: outcome, removed });
      core.status = 'signed-out';
      core.signedOutReason = 'none';
      core.lastError = undefined;
      publish(core);
      return computeState(core);
    }
    if (loaded.kind !== 'found') {
      core.status = 'signed-out';
      core.signedOutReason = loaded.kind === 'corrupt' ? 'error' : 'none';
      core.lastError =
        loaded.kind === 'corrupt'
          ? {
              code: 'SIGN_IN_REQUIRED',
              message: 'The saved session could not be read and was removed. Sign in again.',
            }
          : undefined;
      publish(core);
      return computeState(core);
    }
    core.refreshToken.set(loaded.credential.refreshToken);
    core.user = loaded.credential.user;
    core.status = 'signed-in';
    core.connectivity = 'refreshing';
    publish(core);
    // In a fleet (policy `fleet`), a restore nobody is waiting for yet waits its turn; the first
    // API call or resume() refreshes at once instead.
    if (refreshInBackground()) return computeState(core);
    await engine.refresh().catch(() => undefined);
    return computeState(core);
  };

  /**
   * Schedules the refresh after the fleet's wake delay (backoff.ts, wakeDelay) and says true, or
   * says false when there is none (one machine: refresh now). The timer skips the refresh if a
   * foreground caller already got a fresh token meanwhile.
   */
  const refreshInBackground = (): boolean => {
    const delay = wakeDelay(core.backoff);
    if (delay <= 0) return false;
    clock.clearTimeout(core.retryTimer);
    core.retryTimer = clock.setTimeout(() => {
      if (core.disposed || core.status !== 'signed-in') return;
      if (core.tokens && isFresh(core, core.tokens)) return;
      void engine.refresh().catch(() => undefined);
    }, delay);
    return true;
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
    getState: () => core.published ?? SessionStateSchema.parse(computeState(core)),
    onChanged(listener) {
      core.listeners.add(listener);
      return () => {
        core.listeners.delete(listener);
      };
    },
    getAccessToken: engine.getAccessToken,
    forceRefresh: engine.forceRefresh,
    getIdToken: engine.getIdToken,
    forceRefreshIdToken: engine.forceRefreshIdToken,
    async signInLink() {
      const entry = pending;
      if (!entry) return null;
      // The waiting screen shows before the attempt has its URL (discovery, listener): wait for
      // it, or for the attempt to end, like reopenBrowser.
      await Promise.race([entry.attemptStarted, entry.promise.then(noop, noop)]);
      return entry.attempt?.authorizeUrl ?? null;
    },
    resume() {
      if (core.status !== 'signed-in' || core.disposed) return;
      if (!core.tokens || !isFresh(core, core.tokens) || core.connectivity === 'offline') {
        core.attempt = 0;
        if (!refreshInBackground()) void engine.refresh().catch(() => undefined);
      } else {
        engine.scheduleProactive();
        // The new plan (nextRefreshAt) is part of the published state.
        publish(core);
      }
    },
    online() {
      if (core.status !== 'signed-in' || core.disposed) return;
      if (core.connectivity === 'offline' || !core.tokens || !isFresh(core, core.tokens)) {
        core.attempt = 0;
        void engine.refresh().catch(() => undefined);
      }
    },
    handleRedirectUrl(url: string) {
      return pending?.attempt?.handleRedirectUrl(url) ?? false;
    },
    async dispose() {
      // Not a sign-out: the generation stays, so a refresh already sent still persists.
      core.disposed = true;
      clearTimers(core);
      await closeSignedOutPage();
      cancelPendingSignIn();
      core.listeners.clear();
      await Promise.all([engine.settle(disposeMs), pending?.promise.catch(() => undefined)]);
    },
  };
}
