/**
 * The state one session object shares between its parts (refresh engine, persistence, sign-in,
 * sign-out), and the few rules every part applies to it: how the token-free SessionState is
 * computed and published, when a token counts as fresh, and the discovery the parts share.
 *
 * Promises:
 *  - Secrets never sit in a printable place: access and ID tokens live in TokenSet's private
 *    fields, the refresh token in a SecretBox; the core object itself prints as `[SessionCore]`.
 *  - publish() parses with the strict SessionStateSchema, so only the documented token-free
 *    fields ever reach a listener, and emits only on change.
 *  - Two counters separate two kinds of ending: `generation` is bumped by sign-out (and
 *    invalid_grant) only: work of an older generation is discarded and never persisted.
 *    `disposed` (quit, profile switch) is NOT a sign-out: a refresh already sent may still
 *    persist its rotated refresh token, it just no longer publishes or schedules anything.
 */
import { inspect } from 'node:util';
import { SessionStateSchema } from '../../shared/session-state';
import type { SessionState, SessionUser, SignedOutReason } from '../../shared/session-state';
import type { ResolvedProfile } from '../config/profile';
import type { Logger } from '../log/logger';
import type { NetTransport } from '../net/transport';
import type { Clock } from './clock';
import type { CredentialStore } from './credential-store';
import { discoverOidcClient } from './oidc-client';
import type { OidcClient } from './oidc-client';
import type { TokenExpiryEstimator } from './token-expiry-estimator';
import type { TokenSet } from './token-set';
import { createTokenVerifier, remoteKeySet } from './token-verifier';
import type { RemoteKeySet, TokenVerifier } from './token-verifier';

/** A secret string that JSON.stringify, util.inspect and spreading cannot print. */
export class SecretBox {
  #value: string | undefined;
  get value(): string | undefined {
    return this.#value;
  }
  set(value: string | undefined): void {
    this.#value = value;
  }
  toJSON(): string {
    return '[hidden]';
  }
  [inspect.custom](): string {
    return 'SecretBox [hidden]';
  }
}

export interface SessionSettings {
  profile: ResolvedProfile;
  log: Logger;
  clock: Clock;
  random: () => number;
  requestMs: number;
  signInMs: number;
  revokeMs: number;
  marginMs: number;
  backoff: { baseMs: number; capMs: number; random: () => number; spreadMs?: number };
  expiry: TokenExpiryEstimator;
  store: CredentialStore;
  openExternal: (url: string) => Promise<void>;
  /** How discovery, JWKS, token and revoke requests reach the network (src/main/net). */
  transport: NetTransport;
}

export interface SessionCore extends SessionSettings {
  status: 'signed-out' | 'signing-in' | 'signed-in';
  signedOutReason: SignedOutReason;
  lastError: { code: string; message: string } | undefined;
  /** Shown beside "signed out" (e.g. the keychain entry could not be removed). */
  warning: { code: string; message: string } | undefined;
  tokens: TokenSet | undefined;
  readonly refreshToken: SecretBox;
  user: SessionUser | undefined;
  lastRefreshAt: number;
  connectivity: 'online' | 'refreshing' | 'offline';
  nextRetryAt: number | undefined;
  attempt: number;
  /** Throttled answers in a row (the fleet schedule backs off from throttling on its own). */
  throttledStreak: number;
  /** This client's retry slot in the fleet's spread (backoff.ts), drawn at the first need. */
  fleetPhase: number | undefined;
  /** Bumped by sign-out / invalid_grant only: older work is discarded, never persisted. */
  generation: number;
  /** Set by dispose (quit, profile switch): not a sign-out, nothing is wiped. */
  disposed: boolean;
  refreshInFlight: Promise<TokenSet> | undefined;
  /**
   * True once a forced refresh (an API rejected the access token) ran in the current access
   * token's lifetime; a refresh that is not forced (proactive, expiry, restore, sign-in) clears it.
   */
  forcedThisLifetime: boolean;
  proactiveTimer: unknown;
  /** When the proactive timer fires (published for the UI's session timeline; a time, not a token). */
  nextRefreshAt: number | undefined;
  retryTimer: unknown;
  signingInSince: number | undefined;
  readonly listeners: Set<(state: SessionState) => void>;
  published: SessionState | undefined;
  publishedJson: string;
}

const OFFLINE_PLACEHOLDER_USER: SessionUser = { sub: 'unknown', username: 'unknown', groups: [] };

export function createCore(settings: SessionSettings): SessionCore {
  const core: SessionCore = {
    ...settings,
    status: 'signed-out',
    signedOutReason: 'none',
    lastError: undefined,
    warning: undefined,
    tokens: undefined,
    refreshToken: new SecretBox(),
    user: undefined,
    lastRefreshAt: 0,
    connectivity: 'online',
    nextRetryAt: undefined,
    attempt: 0,
    throttledStreak: 0,
    fleetPhase: undefined,
    generation: 0,
    disposed: false,
    refreshInFlight: undefined,
    forcedThisLifetime: false,
    proactiveTimer: undefined,
    nextRefreshAt: undefined,
    retryTimer: undefined,
    signingInSince: undefined,
    listeners: new Set(),
    published: undefined,
    publishedJson: '',
  };
  Object.defineProperty(core, inspect.custom, { value: () => '[SessionCore]', enumerable: false });
  Object.defineProperty(core, 'toJSON', { value: () => '[SessionCore]', enumerable: false });
  return core;
}

export function computeState(core: SessionCore): SessionState {
  const storage = core.store.storage;
  if (core.status === 'signing-in') {
    return { status: 'signing-in', startedAt: core.signingInSince ?? core.clock.now(), storage };
  }
  if (core.status === 'signed-in') {
    return {
      status: 'signed-in',
      user: core.tokens?.user ?? core.user ?? OFFLINE_PLACEHOLDER_USER,
      accessTokenExpiresAt: core.tokens?.accessTokenExpiresAt ?? 0,
      lastRefreshAt: core.lastRefreshAt,
      connectivity: core.connectivity,
      ...(core.connectivity === 'online' &&
      core.proactiveTimer !== undefined &&
      core.nextRefreshAt !== undefined
        ? { nextRefreshAt: core.nextRefreshAt }
        : {}),
      ...(core.connectivity === 'offline' && core.nextRetryAt !== undefined
        ? { nextRetryAt: core.nextRetryAt }
        : {}),
      storage,
    };
  }
  return {
    status: 'signed-out',
    reason: core.signedOutReason,
    ...(core.lastError ? { error: core.lastError } : {}),
    ...(core.warning ? { warning: core.warning } : {}),
    storage,
  };
}

export function publish(core: SessionCore): void {
  // Parsing with the strict schema guarantees only the documented, token-free fields go out.
  const state = SessionStateSchema.parse(computeState(core));
  const json = JSON.stringify(state);
  if (json === core.publishedJson) return;
  core.published = state;
  core.publishedJson = json;
  for (const listener of [...core.listeners]) {
    try {
      listener(state);
    } catch {
      // A faulty listener must not break the engine or the other listeners.
    }
  }
}

export function clearTimers(core: SessionCore): void {
  core.clock.clearTimeout(core.proactiveTimer);
  core.clock.clearTimeout(core.retryTimer);
  core.proactiveTimer = undefined;
  core.retryTimer = undefined;
}

// The expiry estimate already allows for whole-second `exp`, so the margin only has to cover a
// request's time in flight and the API's clock: a tenth of the lifetime for short tokens.
export const effectiveMargin = (core: SessionCore, t: TokenSet): number =>
  Math.min(core.marginMs, t.lifetimeMs / 10);
export const isFresh = (core: SessionCore, t: TokenSet): boolean =>
  core.clock.now() < t.accessTokenExpiresAt - effectiveMargin(core, t);
export const isUnexpired = (core: SessionCore, t: TokenSet): boolean =>
  core.clock.now() < t.accessTokenExpiresAt;

/**
 * Discovery documents and key sets, shared by every session of the same profile settings in this
 * process: a profile switch or a new session object does not repeat discovery or the JWKS fetch.
 * Failures are not cached.
 */
/** Per transport: a session on another transport (another proxy or trust) must not reuse it. */
const discoveryCaches = new WeakMap<
  NetTransport,
  Map<string, Promise<{ oidc: OidcClient; keySet: RemoteKeySet }>>
>();

function discoverShared(profile: ResolvedProfile, requestMs: number, transport: NetTransport) {
  let cache = discoveryCaches.get(transport);
  if (!cache) {
    cache = new Map();
    discoveryCaches.set(transport, cache);
  }
  const discoveryCache = cache;
  const key = JSON.stringify([
    profile.issuer,
    profile.domain,
    profile.clientId,
    profile.clientSecret ?? '',
    requestMs,
  ]);
  let entry = discoveryCache.get(key);
  if (!entry) {
    entry = discoverOidcClient(profile, { timeoutMs: requestMs, transport }).then((oidc) => {
      const keySet = remoteKeySet(oidc.jwksUri, requestMs, transport);
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

export type OidcAccess = () => Promise<{ oidc: OidcClient; verifier: TokenVerifier }>;

/** This session's discovered client and verifier, created once; a failure is retried next time. */
export function oidcAccess(core: SessionCore): OidcAccess {
  let oidcPromise: Promise<{ oidc: OidcClient; verifier: TokenVerifier }> | undefined;
  return () => {
    oidcPromise ??= (async () => {
      const { oidc, keySet } = await discoverShared(core.profile, core.requestMs, core.transport);
      const verifier = createTokenVerifier({
        issuer: core.profile.issuer,
        clientId: core.profile.clientId,
        jwksUri: oidc.jwksUri,
        now: () => core.clock.now(),
        timeoutMs: core.requestMs,
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
