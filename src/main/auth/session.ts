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
 *     providers,                    // optional; the app's ProviderCache (default: this session's own)
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
 *  - At most one forced refresh per access-token lifetime.
 *
 * The parts: session-machine/ (the states and events as data, the pure transition table per
 * concern, the runner that owns the state, and the effects' I/O); provider-cache.ts (discovery
 * and JWKS, injected); sign-out-remote.ts (revocation, Hosted UI logout). docs/session.md has
 * the diagram of the machine, generated from its table.
 */
import { AppError } from '../../shared/errors';
import type { SessionState } from '../../shared/session-state';
import { sessionLifetimeMs, type ResolvedProfile } from '../config/profile';
import { silentLogger } from '../log/logger';
import type { Logger } from '../log/logger';
import { defaultNodeTransport } from '../net/default-transport';
import type { NetTransport } from '../net/transport';
import type { AccessTokenSource } from './access-token-source';
import { DEFAULT_BACKOFF } from './backoff';
import { systemClock } from './clock';
import type { Clock } from './clock';
import { createCredentialStore } from './credential-store';
import type { CredentialStore } from './credential-store';
import { oidcClientFrom } from './oidc-client';
import { createProviderCache, type ProviderCache } from './provider-cache';
import type { SessionController } from './session-controller';
import { isFresh, type MachineConfig } from './session-machine/config';
import { createEffectIo } from './session-machine/io';
import { toAppError, type OidcAccess } from './session-machine/io-deps';
import { MESSAGES } from './session-machine/rules';
import { createRunner } from './session-machine/runner';
import type { Answer, MachineState } from './session-machine/states';
import type { TransitionEntry } from './session-machine/transition-log';
import type { SignInChoice } from './sign-in-options';
import { TokenExpiryEstimator } from './token-expiry-estimator';
import type { TokenSet } from './token-set';
import { createTokenVerifier } from './token-verifier';

export const KEYCHAIN_ENTRY_LEFT = MESSAGES.keychainEntryLeft;

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
  /**
   * Discovery and JWKS, shared by the sessions given the same cache (the composition root makes
   * one per app); default: a cache of this session's own.
   */
  providers?: ProviderCache;
  /** The Hosted UI language for the next sign-in (the app's language); omitted: none sent. */
  hostedUiLanguage?: () => string | undefined;
  /**
   * False (organisation policy `allowMemoryOnlySignIn: false`): where no OS keychain can hold the
   * sign-in, signIn() refuses with MEMORY_SIGN_IN_NOT_ALLOWED before any browser opens. Default true.
   */
  allowMemoryOnly?: boolean;
}

export interface Session extends SessionController, AccessTokenSource {
  signInAgain(choice?: SignInChoice): Promise<SessionState>;
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
  /** The last transitions of the session's state machine (token-free; timeline, diagnostics). */
  transitions(): TransitionEntry[];
}

export const DEFAULT_TIMEOUTS = { requestMs: 10_000, signInMs: 5 * 60_000, revokeMs: 5_000 } as const;
export const DEFAULT_REFRESH_MARGIN_MS = 60_000;
/** Allowance on top of the request timeout for the keychain write at dispose. */
const DISPOSE_SAVE_ALLOWANCE_MS = 5_000;

const noop = (): void => undefined;

/** This session's discovered client and verifier over the shared provider entry; a failure is retried next time. */
function oidcAccess(
  profile: ResolvedProfile,
  providers: ProviderCache,
  transport: NetTransport,
  requestMs: number,
  clock: Clock,
): OidcAccess {
  let oidcPromise: ReturnType<OidcAccess> | undefined;
  return () => {
    oidcPromise ??= (async () => {
      const { metadata, keySet } = await providers.get(profile, transport, requestMs);
      const oidc = oidcClientFrom(profile, metadata, { timeoutMs: requestMs, transport });
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
    oidcPromise.catch(() => {
      oidcPromise = undefined;
    });
    return oidcPromise;
  };
}

/** The sign-in in the browser: a sign-in's, or a "Sign in again" beside a signed-in session. */
const attemptOf = (s: MachineState) => {
  const p = s.phase;
  if (p.kind === 'signing-in') return p.attempt.id;
  return p.kind === 'signed-in' && p.renewal?.phase === 'attempt' ? p.renewal.id : undefined;
};

export function createSession(options: CreateSessionOptions): Session {
  const { profile } = options;
  const logger = options.logger ?? silentLogger;
  const log = logger.child('session');
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const requestMs = options.timeouts?.requestMs ?? DEFAULT_TIMEOUTS.requestMs;
  const disposeMs = options.timeouts?.disposeMs ?? requestMs + DISPOSE_SAVE_ALLOWANCE_MS;
  const transport = options.transport ?? defaultNodeTransport();
  const store =
    options.credentialStore ??
    createCredentialStore({
      profileId: profile.id,
      clientId: profile.clientId,
      logger,
      ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
    });
  const lifetimeMs = sessionLifetimeMs(profile);
  const config: MachineConfig = {
    marginMs: options.refreshMarginMs ?? DEFAULT_REFRESH_MARGIN_MS,
    backoff: { ...DEFAULT_BACKOFF, ...options.backoff },
    ...(lifetimeMs === undefined ? {} : { sessionLifetimeMs: lifetimeMs }),
  };
  const runner = createRunner({ config, clock, random, storage: () => store.storage });
  const io = createEffectIo(
    {
      profile,
      log,
      clock,
      store,
      transport,
      getOidc: oidcAccess(profile, options.providers ?? createProviderCache(), transport, requestMs, clock),
      openExternal: options.openExternal,
      expiry: new TokenExpiryEstimator(),
      signInMs: options.timeouts?.signInMs ?? DEFAULT_TIMEOUTS.signInMs,
      revokeMs: options.timeouts?.revokeMs ?? DEFAULT_TIMEOUTS.revokeMs,
      ...(options.hostedUiLanguage ? { hostedUiLanguage: options.hostedUiLanguage } : {}),
      ...(options.allowMemoryOnly === undefined ? {} : { allowMemoryOnly: options.allowMemoryOnly }),
    },
    (event) => runner.dispatch(event),
    (ticket, answer) => runner.reply(ticket, answer),
  );
  runner.setPerformer(io.perform);

  const signInPromises = new Map<number, Promise<SessionState>>();
  const stateOf = (answer: Answer): SessionState => {
    if (answer.kind === 'error') throw toAppError(answer.error);
    return runner.published();
  };
  const tokensOf = (answer: Answer): TokenSet => {
    if (answer.kind === 'tokens') return answer.tokens;
    throw toAppError(answer.kind === 'error' ? answer.error : MESSAGES.signInRequired);
  };
  /** A fresh token needs no step of the machine (the same rule its transition applies). */
  const freshTokens = (): TokenSet | undefined => {
    const p = runner.state.phase;
    return p.kind === 'signed-in' && p.tokens && isFresh(config, p.tokens, clock.now())
      ? p.tokens
      : undefined;
  };
  const wanted = async (): Promise<TokenSet> =>
    freshTokens() ?? tokensOf(await runner.ask((ticket) => ({ type: 'token-wanted', ticket })));
  const rejected = async (pick: (t: TokenSet) => string, token: string): Promise<TokenSet> => {
    const p = runner.state.phase;
    const newer = p.kind === 'signed-in' && p.tokens !== undefined && pick(p.tokens) !== token;
    return tokensOf(await runner.ask((ticket) => ({ type: 'token-rejected', ticket, newer })));
  };
  const running = () => {
    const id = attemptOf(runner.state);
    return id === undefined ? undefined : io.signIn.running(id);
  };

  const begin = (type: 'sign-in-requested' | 'sign-in-again-requested', choice: SignInChoice) => {
    const pendingId = attemptOf(runner.state);
    const joined = pendingId === undefined ? undefined : signInPromises.get(pendingId);
    if (joined) return joined; // the same promise: repeat clicks join the attempt in progress
    const answer = runner.ask((ticket) => ({ type, ticket, choice }));
    const promise = answer.then(stateOf);
    const id = attemptOf(runner.state);
    if (id !== undefined && id !== pendingId) {
      signInPromises.set(id, promise);
      const forget = () => signInPromises.delete(id);
      promise.then(forget, forget);
    }
    return promise;
  };
  const signIn = (choice: SignInChoice = {}) => begin('sign-in-requested', choice);

  return {
    async start() {
      await runner.ask((ticket) => ({ type: 'start', ticket }));
      return runner.published();
    },
    signIn,
    signInAgain: (choice: SignInChoice = {}) => begin('sign-in-again-requested', choice),
    async cancelSignIn() {
      const id = attemptOf(runner.state);
      if (id === undefined) return;
      runner.dispatch({ type: 'sign-in-cancel' });
      await runner.waitFor((s) => attemptOf(s) !== id);
      await signInPromises.get(id)?.catch(noop);
    },
    async reopenBrowser() {
      const entry = running();
      if (!entry) return;
      // The first browser launch may still be under way on a slow machine: wait for it rather
      // than drop the user's click.
      await entry.started;
      await entry.handle?.reopenBrowser();
    },
    async signOut(request) {
      return stateOf(
        await runner.ask((ticket) => ({
          type: 'sign-out-requested',
          ticket,
          endHostedUi: request.endHostedUiSession,
        })),
      );
    },
    getState: () => runner.published(),
    onChanged: (listener) => runner.onChanged(listener),
    getAccessToken: async () => (await wanted()).accessToken,
    getIdToken: async () => (await wanted()).idToken,
    forceRefresh: async (token) => (await rejected((t) => t.accessToken, token)).accessToken,
    forceRefreshIdToken: async (token) => (await rejected((t) => t.idToken, token)).idToken,
    async signInLink() {
      const entry = running();
      if (!entry) return null;
      // The waiting screen shows before the attempt has its URL (discovery, listener): wait for
      // it, or for the attempt to end, like reopenBrowser.
      await Promise.race([entry.started, entry.ended]);
      return entry.handle?.authorizeUrl ?? null;
    },
    resume: () => runner.dispatch({ type: 'resume' }),
    online: () => runner.dispatch({ type: 'online' }),
    handleRedirectUrl: (url) => running()?.handle?.handleRedirectUrl(url) ?? false,
    transitions: () => runner.transitions(),
    async dispose() {
      runner.dispatch({ type: 'dispose' });
      runner.clearListeners();
      // Real time, not the injected clock: a quit must end even under a test's frozen clock.
      let timer: ReturnType<typeof setTimeout> | undefined;
      const bound = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, disposeMs);
        timer.unref?.();
      });
      const settled = runner.waitFor(
        (s) => s.phase.kind === 'disposed' && !s.phase.flight && !s.phase.attempt,
      );
      await Promise.race([settled, bound]);
      clearTimeout(timer);
    },
  };
}

export { AppError };
