import { createCredentialStore, sessionBindingOf } from '../../src/main/auth/credential-store';
import { createProviderCache } from '../../src/main/auth/provider-cache';
import { createSession, type Session } from '../../src/main/auth/session';
import type { ResolvedProfile } from '../../src/main/config/profile';
import type { SessionUser } from '../../src/shared/session-state';
import { DEFAULT_RETRY_MODE, resolveRetryConfig, retryMiddleware } from '@smithy/core/retry';
import { memoryKeychain } from '../support/scale-rig';

/**
 * The client models of the fleet run, each one simulated desktop app.
 *
 *  - engine / engine-fleet: the app's real session engine (createSession), without and with the
 *    organisation policy's `fleet` spread (clients / quota), with an in-memory keychain stand-in
 *    (named as such: `memoryKeychain` from tools/load/scale-rig.ts), woken by start(), the
 *    restore-and-refresh the app runs when it starts or resumes with a stale token.
 *  - naive: what most apps do: refresh at once on wake, retry a throttled or failed refresh after
 *    a fixed second, no jitter, refresh again a tenth of the lifetime (at most a minute) before
 *    expiry.
 *  - aws-sdk: the same app, but every token request goes through the AWS SDK for JavaScript v3's
 *    own retry path: `resolveRetryConfig` with nothing set (standard mode, 3 attempts) and
 *    `retryMiddleware` from `@smithy/core/retry`, the code an SDK client runs, with the SDK's error
 *    classification (429 is THROTTLING; 500/502/503/504, timeouts and connection errors TRANSIENT).
 *    One strategy per client (each desktop app has its own SDK client, so its own retry quota).
 *    When the SDK gives up (attempts or quota spent) the operation fails; the app asks again a
 *    second later, as the naive model does, so the two differ by the SDK's retry strategy alone.
 *
 * Both report the same thing: whether the client holds an unexpired access token now, and
 * whether it lost its sign-in (a refresh token the IdP refused).
 */
export interface FleetClient {
  wake(): void;
  hasValidToken(now: number): boolean;
  /** When the client last received a new access token (0: never). */
  lastTokenAt(): number;
  signedOut(): boolean;
  dispose(): Promise<void>;
}

export interface FleetClientSeed {
  profile: ResolvedProfile;
  refreshToken: string;
  user: SessionUser;
}

/**
 * The simulated clients share one discovery/JWKS cache, as they did when it was process-wide:
 * the fleet measures token requests, not discovery.
 */
const fleetProviders = createProviderCache();

export async function engineClient(
  index: number,
  seed: FleetClientSeed,
  /** The organisation policy's fleet spread (clients / quota); 0: no fleet policy. */
  spreadMs = 0,
): Promise<FleetClient> {
  const profile = { ...seed.profile, id: `fleet-${index}` };
  const store = createCredentialStore({
    profileId: profile.id,
    clientId: profile.clientId,
    backend: memoryKeychain(),
  });
  await store.init();
  await store.save({ refreshToken: seed.refreshToken, user: seed.user, binding: sessionBindingOf(profile) });
  let expiresAt = 0;
  let tokenAt = 0;
  let lostSignIn = false;
  let session: Session | undefined;
  const seen = (next: number) => {
    if (next > expiresAt) tokenAt = Date.now();
    expiresAt = next;
  };
  return {
    wake() {
      session = createSession({
        profile,
        credentialStore: store,
        providers: fleetProviders,
        ...(spreadMs > 0 ? { backoff: { spreadMs } } : {}),
        openExternal: () => Promise.reject(new Error('the fleet run never opens a browser')),
      });
      session.onChanged((state) => {
        if (state.status === 'signed-in') seen(state.accessTokenExpiresAt);
        else if (state.status === 'signed-out' && state.reason !== 'none') lostSignIn = true;
      });
      void session.start().then((state) => {
        if (state.status === 'signed-in') seen(state.accessTokenExpiresAt);
        else lostSignIn = true;
      });
    },
    hasValidToken: (now) => expiresAt > now,
    lastTokenAt: () => tokenAt,
    signedOut: () => lostSignIn,
    dispose: async () => {
      await session?.dispose();
    },
  };
}

const NAIVE_RETRY_MS = 1_000;
/** Refresh a tenth of the lifetime (at most a minute) before expiry, as most apps do. */
const naiveMargin = (lifetimeMs: number) => Math.min(60_000, lifetimeMs / 10);

/** The plain refresh_token grant both peer models send (a 10 s bound, as the engine's default). */
function refreshTokenRequest(seed: FleetClientSeed, tokenEndpoint: string): Promise<Response> {
  return fetch(tokenEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: seed.profile.clientId,
      refresh_token: seed.refreshToken,
    }),
    signal: AbortSignal.timeout(10_000),
  });
}

/** What a peer model's refresh step tells the client it runs in. */
interface PeerOutcome {
  /** A token came, valid for `expiresInS`: the next refresh goes a margin before it expires. */
  got(expiresInS: number): void;
  /** The refresh token was refused (invalid_grant): the user must sign in again. */
  lost(): void;
  /** Anything else: try again after NAIVE_RETRY_MS. */
  retryLater(): void;
}

/**
 * The state both peer models keep (token expiry, when it came, a lost sign-in, one timer) and the
 * FleetClient face they show; each model brings only its refresh step.
 */
function peerClient(step: (outcome: PeerOutcome) => Promise<void>): FleetClient {
  let expiresAt = 0;
  let tokenAt = 0;
  let lostSignIn = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const run = () => void step(outcome);
  const later = (ms: number) => {
    if (!stopped) timer = setTimeout(run, ms);
  };
  const outcome: PeerOutcome = {
    got(expiresInS) {
      const lifetimeMs = expiresInS * 1000;
      expiresAt = Date.now() + lifetimeMs;
      tokenAt = Date.now();
      later(Math.max(NAIVE_RETRY_MS, lifetimeMs - naiveMargin(lifetimeMs)));
    },
    lost() {
      lostSignIn = true;
    },
    retryLater: () => later(NAIVE_RETRY_MS),
  };
  return {
    wake: run,
    hasValidToken: (now) => expiresAt > now,
    lastTokenAt: () => tokenAt,
    signedOut: () => lostSignIn,
    dispose: async () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

export function naiveClient(seed: FleetClientSeed, tokenEndpoint: string): FleetClient {
  return peerClient(async (outcome) => {
    let response: Response;
    try {
      response = await refreshTokenRequest(seed, tokenEndpoint);
    } catch {
      return outcome.retryLater();
    }
    const body = (await response.json().catch(() => ({}))) as { expires_in?: number; error?: string };
    if (response.ok && typeof body.expires_in === 'number') outcome.got(body.expires_in);
    else if (body.error === 'invalid_grant') outcome.lost();
    else outcome.retryLater();
  });
}

/** An error in the shape the SDK's classifiers read (`$metadata.httpStatusCode`, `name`). */
function sdkError(status: number, code: string | undefined): Error {
  return Object.assign(new Error(`token endpoint answered ${status}`), {
    name: code ?? `Http${status}`,
    $metadata: { httpStatusCode: status },
  });
}

export function awsSdkClient(seed: FleetClientSeed, tokenEndpoint: string): FleetClient {
  // What an SDK client's config resolves to with nothing set: retry mode 'standard' (the
  // default of AWS_RETRY_MODE / retry_mode), max attempts DEFAULT_MAX_ATTEMPTS.
  const config = resolveRetryConfig({ retryMode: async () => DEFAULT_RETRY_MODE });
  // One token request: resolves with the grant, throws what the SDK's classifiers read.
  const attempt = async (): Promise<{
    response: unknown;
    output: { $metadata: object; expiresIn: number };
  }> => {
    const response = await refreshTokenRequest(seed, tokenEndpoint);
    const body = (await response.json().catch(() => ({}))) as { expires_in?: number; error?: string };
    if (!response.ok || typeof body.expires_in !== 'number') throw sdkError(response.status, body.error);
    return { response, output: { $metadata: {}, expiresIn: body.expires_in } };
  };
  const send = retryMiddleware(config)(attempt as never, {}) as unknown as (args: {
    input: object;
  }) => Promise<{ output: { expiresIn: number } }>;
  return peerClient(async (outcome) => {
    try {
      const { output } = await send({ input: {} });
      outcome.got(output.expiresIn);
    } catch (error) {
      if ((error as { name?: string }).name === 'invalid_grant') outcome.lost();
      else outcome.retryLater();
    }
  });
}
