/**
 * The shared setup of the load bench, the peer comparison, the faults soak and the fuzzers:
 * a local user pool with short-lived tokens, the demo API verifying against it, one real
 * sign-in through the Hosted UI in Chromium, and sessions restored from the stored refresh
 * token (the app's restore path), so a load run needs the browser once only.
 *
 * Everything binds 127.0.0.1 on free ports; close() stops all of it and removes the keychain
 * entry it wrote. API calls are counted at the demo API from its per-request log line, so the
 * count is what reached the server, not what a client believes it sent.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createCredentialStore, sessionBindingOf } from '../../src/main/auth/credential-store';
import type { CredentialStore, KeytarLike } from '../../src/main/auth/credential-store';
import { createSession } from '../../src/main/auth/session';
import type { CreateSessionOptions, Session } from '../../src/main/auth/session';
import { parseProfile } from '../../src/main/config/profile';
import type { ResolvedProfile } from '../../src/main/config/profile';
import { signInWithBrowser } from './pool-sign-in';
import { freePort } from './ports';
import { startDemoApi } from '../demo-api/index';
import type { RunningDemoApi } from '../demo-api/index';
import { startUserPool } from '../user-pool/index';
import type { PoolDefinition, RunningUserPool } from '../user-pool/types';

export const RIG_CLIENT_ID = 'scaledesktop0client01';
export const RIG_SCOPES = ['openid', 'email', 'profile', 'aws.cognito.signin.user.admin'];
const USER = { username: 'alice', password: 'Alice-demo-1!' } as const;

export interface ApiCallCounts {
  total: number;
  byStatus: Map<number, number>;
}

export interface ScaleRigOptions {
  tokenSeconds: number;
  /** Keychain backend; default keytar (tests: the private keyring). Benches pass an in-memory one. */
  keychain?: KeytarLike;
  /** Start the pool elsewhere (e.g. as a child process); default: in this process. */
  pool?: RunningPoolLike;
}

/** What the rig needs from a pool: the in-process RunningUserPool or a CLI child's ready line. */
export interface RunningPoolLike {
  issuer: string;
  domain: string;
  region: string;
  userPoolId: string;
}

export interface ScaleRig {
  pool: RunningPoolLike;
  /** The in-process pool (fault injection, counters); undefined when the pool runs elsewhere. */
  localPool: RunningUserPool | undefined;
  demoApi: RunningDemoApi;
  profile: ResolvedProfile;
  redirectUri: string;
  apiCalls: ApiCallCounts;
  resetApiCalls(): void;
  /** refresh_token grants the in-process pool has seen. */
  refreshRequests(): number;
  credentialStore(): CredentialStore;
  /** Signs alice in with Chromium once and stores the refresh token in the keychain. */
  signInOnce(): Promise<string>;
  /** A session object over the rig's profile and keychain; call start() to restore. */
  newSession(overrides?: Partial<CreateSessionOptions>): Session;
  close(): Promise<void>;
}

export function rigPoolDefinition(redirectUri: string, tokenSeconds: number): PoolDefinition {
  return {
    region: 'us-east-1',
    userPoolId: 'us-east-1_LocalPool1',
    clients: [
      {
        clientId: RIG_CLIENT_ID,
        callbackUrls: [redirectUri],
        logoutUrls: [],
        allowedScopes: RIG_SCOPES,
        enableTokenRevocation: true,
        accessTokenValiditySeconds: tokenSeconds,
        idTokenValiditySeconds: tokenSeconds,
      },
    ],
    users: [{ ...USER, email: 'alice@example.com', emailVerified: true, groups: ['admin'] }],
  };
}

/** A keychain in a Map: for benches, where the OS keychain is not what is measured. */
export function memoryKeychain(): KeytarLike {
  const entries = new Map<string, string>();
  const key = (service: string, account: string) => `${service}\u0000${account}`;
  return {
    getPassword: async (s, a) => entries.get(key(s, a)) ?? null,
    setPassword: async (s, a, p) => void entries.set(key(s, a), p),
    deletePassword: async (s, a) => entries.delete(key(s, a)),
    findCredentials: async (s) =>
      [...entries]
        .filter(([k]) => k.startsWith(`${s}\u0000`))
        .map(([k, password]) => ({ account: k.slice(s.length + 1), password })),
  };
}

let rigCounter = 0;

export async function startScaleRig(options: ScaleRigOptions & { redirectUri?: string }): Promise<ScaleRig> {
  const cleanups: Array<() => Promise<unknown>> = [];
  const closeAll = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    cleanups.length = 0;
  };
  try {
    const redirectUri = options.redirectUri ?? `http://127.0.0.1:${await freePort()}/callback`;
    let localPool: RunningUserPool | undefined;
    let pool: RunningPoolLike;
    if (options.pool) {
      pool = options.pool;
    } else {
      const started = await startUserPool({
        port: 0,
        definition: rigPoolDefinition(redirectUri, options.tokenSeconds),
      });
      cleanups.push(() => started.close());
      localPool = started;
      pool = started;
    }

    const apiCalls: ApiCallCounts = { total: 0, byStatus: new Map() };
    const dataDir = mkdtempSync(path.join(tmpdir(), 'scale-rig-'));
    cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    const demoApi = await startDemoApi({
      issuer: pool.issuer,
      clientId: RIG_CLIENT_ID,
      port: 0,
      dbPath: path.join(dataDir, 'notes.sqlite'),
      log: (line) => {
        if (!line.includes('"event":"request"')) return;
        const status = (JSON.parse(line) as { status?: number }).status ?? 0;
        apiCalls.total++;
        apiCalls.byStatus.set(status, (apiCalls.byStatus.get(status) ?? 0) + 1);
      },
    });
    cleanups.push(() => demoApi.close());

    const { profile } = parseProfile({
      id: `scale-${process.pid}-${Date.now()}-${rigCounter++}`,
      label: 'Scale rig',
      region: pool.region,
      userPoolId: pool.userPoolId,
      clientId: RIG_CLIENT_ID,
      domain: pool.domain,
      issuer: pool.issuer,
      scopes: RIG_SCOPES,
      redirect: { loopback: [redirectUri], prefer: 'loopback' },
      apis: [{ name: 'demo', baseUrl: demoApi.url }],
    });
    const credentialStore = () =>
      createCredentialStore({
        profileId: profile.id,
        clientId: RIG_CLIENT_ID,
        ...(options.keychain ? { backend: options.keychain } : {}),
      });
    cleanups.push(() => credentialStore().clear());

    const rig: ScaleRig = {
      pool,
      localPool,
      demoApi,
      profile,
      redirectUri,
      apiCalls,
      resetApiCalls() {
        apiCalls.total = 0;
        apiCalls.byStatus.clear();
      },
      refreshRequests: () => localPool?.counters.tokenRequests['refresh_token'] ?? 0,
      credentialStore,
      async signInOnce() {
        // signInWithBrowser reads only the issuer, which a CLI child's ready line has too.
        const tokens = await signInWithBrowser(pool as RunningUserPool, {
          clientId: RIG_CLIENT_ID,
          username: USER.username,
          password: USER.password,
          redirectUri,
          scopes: RIG_SCOPES,
        });
        if (!tokens.refresh_token) throw new Error('scale rig: the pool issued no refresh token');
        await credentialStore().save({
          refreshToken: tokens.refresh_token,
          binding: sessionBindingOf(profile),
        });
        return tokens.refresh_token;
      },
      newSession(overrides = {}) {
        return createSession({
          profile,
          // A restored session never needs the browser; a call here is a bug in the run.
          openExternal: async () => {
            throw new Error('scale rig: unexpected browser sign-in');
          },
          credentialStore: credentialStore(),
          ...overrides,
        });
      },
      close: closeAll,
    };
    return rig;
  } catch (err) {
    await closeAll();
    throw err;
  }
}
