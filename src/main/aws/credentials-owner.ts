import { GetCredentialsForIdentityCommand, GetIdCommand } from '@aws-sdk/client-cognito-identity';
import { decodeJwt } from 'jose';
import { AppError, isAppError } from '../../shared/errors';
import type { AwsIdentityView, SessionState } from '../../shared/session-state';
import { systemClock, type Clock } from '../auth/clock';
import type { ResolvedProfile } from '../config/profile';
import { silentLogger, type Logger } from '../log/logger';
import { loginsKey } from './aws-clients';
import { awsErrorName, toAwsAppError } from './aws-errors';
import { AwsCredentialSet } from './credential-set';
import type { IdentityIdCache } from './identity-id-cache';

/**
 * The one owner of a session's AWS credentials (identity pool, enhanced flow):
 *
 *   const owner = createCredentialsOwner({ profile, session, identity, cache });
 *   session.onChanged((state) => owner.sessionChanged(state));   // the only hook on the session
 *   const creds = await owner.current();        // single-flight; fresh for at least the margin
 *   await owner.forceRefresh(creds);            // an API said "expired": once per lifetime
 *   owner.view();                               // token-free: identity id, role name, expiry
 *   owner.dispose();                            // profile switch / quit: dropped
 *
 * How it hooks on the session, on purpose through its public interface only (the session engine
 * is being rewritten into a state machine): `getIdToken()` for the Logins map, `getState()` and
 * the `onChanged` events. A signed-in state with a new `lastRefreshAt` is a token adoption
 * (sign-in, restore, each refresh): the owner then gets new credentials with the new ID token.
 * Any state that is not signed-in (sign-out, revoked, expired) or another user drops them.
 *
 * Flow: `GetId` (skipped when the identity id is cached for this user, pool and profile), then
 * `GetCredentialsForIdentity` with the same Logins (and `CustomRoleArn` when the profile names
 * one). A cached id the pool no longer knows is forgotten and `GetId` asked once.
 *
 * Timing mirrors the tokens (src/main/auth/session-refresh.ts): credentials are stale a margin
 * before Expiration (`marginMs`, at most a tenth of their lifetime); a proactive refresh runs a
 * jittered lead earlier still. One fetch in flight however many callers wait. After a failure
 * while signed in, retries back off (5 s doubling to 5 min); still-valid credentials keep serving.
 *
 * Forced refresh (an API answered 403 with an expired-credentials signal): renews unless newer
 * credentials exist, sharing any fetch in flight, at most once per credentials lifetime; a set
 * that came from a forced refresh cannot force again, so an API that rejects every set costs one
 * identity-pool round per lifetime, not one per call (AWS_CREDENTIALS_REJECTED, status 403).
 */
export interface IdentityClientPort {
  send(command: GetIdCommand | GetCredentialsForIdentityCommand): Promise<unknown>;
}

export interface CredentialsOwnerOptions {
  profile: ResolvedProfile;
  /** The public interface of the session this owner serves. */
  session: { getIdToken(): Promise<string>; getState(): SessionState };
  /** A CognitoIdentityClient over the app's transport (aws-clients.ts). */
  identity: IdentityClientPort;
  cache: IdentityIdCache;
  clock?: Clock;
  random?: () => number;
  marginMs?: number;
  logger?: Logger;
}

export interface AwsCredentialsOwner {
  current(): Promise<AwsCredentialSet>;
  forceRefresh(rejected: AwsCredentialSet): Promise<AwsCredentialSet>;
  /** What the token-free state shows; undefined before the first fetch and after sign-out. */
  view(): AwsIdentityView | undefined;
  onChanged(listener: () => void): () => void;
  sessionChanged(state: SessionState): void;
  /** How many GetId / GetCredentialsForIdentity calls were made (diagnostics, tests). */
  readonly calls: { getId: number; getCredentials: number };
  dispose(): void;
}

export const DEFAULT_CREDENTIALS_MARGIN_MS = 60_000;
const RETRY_BASE_MS = 5_000;
const RETRY_CAP_MS = 5 * 60_000;

const roleNameOf = (arn: string | undefined) => {
  const match = arn ? /:role\/(?:.*\/)?([^/]+)$/.exec(arn) : null;
  return match?.[1]?.slice(0, 128) ?? null;
};

export function createCredentialsOwner(options: CredentialsOwnerOptions): AwsCredentialsOwner {
  const { profile, session, identity, cache } = options;
  const pool = profile.identityPool;
  if (!pool) throw new AppError('CONFIG_INVALID', 'This profile has no identity pool.');
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const marginMs = options.marginMs ?? DEFAULT_CREDENTIALS_MARGIN_MS;
  const log = (options.logger ?? silentLogger).child('aws');
  const listeners = new Set<() => void>();
  const calls = { getId: 0, getCredentials: 0 };

  let creds: AwsCredentialSet | undefined;
  let identityId: string | undefined;
  let sub: string | undefined;
  let lastError: { code: string; message: string } | undefined;
  let inFlight: Promise<AwsCredentialSet> | undefined;
  /** Bumped whenever the credentials are dropped: a fetch of an older generation is discarded. */
  let generation = 0;
  /** The session's lastRefreshAt last seen, and the one the current credentials were made with. */
  let seenRefreshAt: number | undefined;
  let usedRefreshAt: number | undefined;
  let timer: unknown;
  let failures = 0;
  let disposed = false;

  const notify = () => {
    for (const listener of listeners) listener();
  };
  const staleMargin = (c: AwsCredentialSet) => Math.min(marginMs, c.lifetimeMs / 10);
  const isFresh = (c: AwsCredentialSet) => clock.now() < c.expiresAt - staleMargin(c);
  const isValid = (c: AwsCredentialSet) => clock.now() < c.expiresAt;

  const drop = () => {
    generation++;
    creds = undefined;
    identityId = undefined;
    sub = undefined;
    lastError = undefined;
    inFlight = undefined;
    usedRefreshAt = undefined;
    seenRefreshAt = undefined;
    failures = 0;
    clock.clearTimeout(timer);
    timer = undefined;
  };

  const schedule = (at: number) => {
    clock.clearTimeout(timer);
    timer = clock.setTimeout(() => {
      timer = undefined;
      if (session.getState().status === 'signed-in') void fetchShared(false).catch(() => undefined);
    }, at - clock.now());
  };

  const scheduleProactive = (c: AwsCredentialSet) => {
    const lead = Math.min(marginMs, c.lifetimeMs / 20) * (0.5 + 0.5 * Math.min(1, Math.max(0, random())));
    schedule(c.expiresAt - staleMargin(c) - lead);
  };

  const send = async <T>(command: GetIdCommand | GetCredentialsForIdentityCommand): Promise<T> => {
    try {
      return (await identity.send(command)) as T;
    } catch (error) {
      throw Object.assign(toAwsAppError(error, 'The identity pool'), { awsName: awsErrorName(error) });
    }
  };

  const fetchOnce = async (gen: number, forced: boolean): Promise<AwsCredentialSet> => {
    const idToken = await session.getIdToken();
    if (gen !== generation || disposed) throw ended();
    const state = session.getState();
    const tokenEpoch = state.status === 'signed-in' ? state.lastRefreshAt : undefined;
    const claims = decodeJwt(idToken);
    const userSub = typeof claims.sub === 'string' ? claims.sub : '';
    if (sub !== undefined && sub !== userSub) {
      // Another user's tokens (a sign-in over a session): nothing of the first one stays.
      creds = undefined;
      identityId = undefined;
    }
    sub = userSub;
    const key = { profileId: profile.id, identityPoolId: pool.id, sub: userSub };
    const logins = { [loginsKey(profile)]: idToken };
    let id = identityId ?? cache.get(key);
    let fromCache = id !== undefined;
    const sentAt = clock.now();
    for (;;) {
      if (id === undefined) {
        calls.getId++;
        const out = await send<{ IdentityId?: string }>(
          new GetIdCommand({ IdentityPoolId: pool.id, Logins: logins }),
        );
        if (!out.IdentityId)
          throw new AppError('AWS_ERROR', 'The identity pool answered GetId without an identity id.');
        id = out.IdentityId;
        if (gen !== generation) throw ended();
        cache.set(key, id);
      }
      try {
        calls.getCredentials++;
        const out = await send<{
          IdentityId?: string;
          Credentials?: {
            AccessKeyId?: string;
            SecretKey?: string;
            SessionToken?: string;
            Expiration?: Date;
          };
        }>(
          new GetCredentialsForIdentityCommand({
            IdentityId: id,
            Logins: logins,
            ...(pool.customRoleArn ? { CustomRoleArn: pool.customRoleArn } : {}),
          }),
        );
        const c = out.Credentials;
        if (!c?.AccessKeyId || !c.SecretKey || !c.SessionToken || !(c.Expiration instanceof Date)) {
          throw new AppError('AWS_ERROR', 'The identity pool answered without complete credentials.');
        }
        if (gen !== generation || disposed) throw ended();
        const expiresAt = c.Expiration.getTime();
        const role =
          pool.customRoleArn ??
          (typeof claims['cognito:preferred_role'] === 'string'
            ? claims['cognito:preferred_role']
            : undefined);
        const next = new AwsCredentialSet({
          accessKeyId: c.AccessKeyId,
          secretAccessKey: c.SecretKey,
          sessionToken: c.SessionToken,
          expiresAt,
          lifetimeMs: Math.max(0, expiresAt - sentAt),
          identityId: out.IdentityId ?? id,
          roleName: roleNameOf(role),
          forceSpent: forced,
        });
        identityId = next.identityId;
        usedRefreshAt = tokenEpoch;
        return next;
      } catch (error) {
        const name = (error as { awsName?: string }).awsName;
        if (fromCache && (name === 'ResourceNotFoundException' || name === 'NotAuthorizedException')) {
          // The cached identity is not this login's (pool recreated, identity merged): ask again.
          cache.delete(key);
          fromCache = false;
          id = undefined;
          identityId = undefined;
          continue;
        }
        throw error;
      }
    }
  };

  const fetchShared = (forced: boolean): Promise<AwsCredentialSet> => {
    if (disposed) return Promise.reject(ended());
    if (inFlight) return inFlight;
    const gen = generation;
    const hadNone = creds === undefined;
    const promise = fetchOnce(gen, forced).then(
      (next) => {
        if (gen !== generation) throw ended();
        creds = next;
        lastError = undefined;
        failures = 0;
        scheduleProactive(next);
        log.info('AWS credentials obtained', {
          identityId: next.identityId,
          role: next.roleName ?? '(identity pool default)',
          expiresAt: new Date(next.expiresAt).toISOString(),
        });
        notify();
        // A token adoption seen while this fetch used the previous ID token: one more round.
        if (seenRefreshAt !== undefined && seenRefreshAt !== usedRefreshAt) {
          queueMicrotask(() => void fetchShared(false).catch(() => undefined));
        }
        return next;
      },
      (error: unknown) => {
        const appError = isAppError(error) ? error : toAwsAppError(error, 'The identity pool');
        if (gen === generation && !disposed) {
          lastError = { code: appError.code, message: appError.message.slice(0, 1000) };
          log.warn(`AWS credentials not obtained: ${appError.code}: ${appError.message}`);
          if (session.getState().status === 'signed-in' && appError.code !== 'CANCELLED') {
            failures++;
            schedule(clock.now() + Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** (failures - 1)));
          }
          notify();
        }
        throw appError;
      },
    );
    inFlight = promise;
    const clear = () => {
      if (inFlight === promise) inFlight = undefined;
    };
    promise.then(clear, clear);
    if (hadNone) notify(); // "fetching" shows
    return promise;
  };

  return {
    calls,
    async current() {
      if (disposed) throw ended();
      if (creds && isFresh(creds)) return creds;
      return fetchShared(false);
    },
    async forceRefresh(rejected) {
      if (disposed) throw ended();
      if (creds && creds !== rejected && isFresh(creds)) return creds;
      if (inFlight) return inFlight;
      if (rejected.forceSpent) {
        throw new AppError(
          'AWS_CREDENTIALS_REJECTED',
          'The AWS credentials were rejected again after being renewed once; try again later or sign in again.',
          { status: 403 },
        );
      }
      rejected.forceSpent = true;
      return fetchShared(true);
    },
    view() {
      if (creds && isValid(creds)) {
        return {
          status: 'ready',
          identityId: creds.identityId,
          roleName: creds.roleName,
          expiresAt: creds.expiresAt,
        };
      }
      const idPart = identityId === undefined ? {} : { identityId };
      if (inFlight) return { status: 'fetching', ...idPart };
      if (lastError) return { status: 'error', ...idPart, error: lastError };
      return undefined;
    },
    onChanged(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    sessionChanged(state) {
      if (disposed) return;
      if (state.status !== 'signed-in') {
        if (creds || inFlight || lastError || identityId) {
          drop();
          notify();
        }
        return;
      }
      if (sub !== undefined && state.user.sub !== sub) {
        drop();
        notify();
      }
      // Restored while the IdP was unreachable: no ID token yet, wait for the session's retry.
      if (state.accessTokenExpiresAt === 0) return;
      if (state.lastRefreshAt === seenRefreshAt) return;
      seenRefreshAt = state.lastRefreshAt;
      if (state.lastRefreshAt === usedRefreshAt || inFlight) return; // the fetch in flight re-checks
      void fetchShared(false).catch(() => undefined);
    },
    dispose() {
      if (disposed) return;
      drop();
      disposed = true;
      listeners.clear();
    },
  };
}

const ended = () =>
  new AppError('CANCELLED', 'The AWS credentials were dropped (signed out, profile changed or quitting).');
