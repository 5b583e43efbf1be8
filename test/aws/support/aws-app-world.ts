/**
 * The app minus Electron (createAppServices, as index.ts composes it) against the local user
 * pool with groups, IAM roles and an identity pool, and the demo API in IAM mode verifying with
 * the pool's own IAM authority; Chromium plays the system browser on the Hosted UI. Everything
 * the app says is recorded for the secret checks: every IPC result and event, every log line.
 * The confirm port is a stand-in that answers from a queue (default no) and records each text.
 */
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { createAppServices, type AppServices } from '../../../src/main/app-services';
import type { ConfirmPort, ConfirmRequest } from '../../../src/main/aws/confirm-port';
import { registerInvokeHandlers } from '../../../src/main/ipc/handle';
import { createInProcessRegistrar } from '../../../src/main/ipc/in-process-registrar';
import { createSenderCheck } from '../../../src/main/ipc/senders';
import { createLogger } from '../../../src/main/log/logger';
import type { InvokeChannel, IpcResult, RequestOf } from '../../../src/shared/ipc-contract';
import { defaultNodeTransport } from '../../../src/main/net/default-transport';
import { headerRecord, type NetTransport } from '../../../src/main/net/transport';
import type { SessionState } from '../../../src/shared/session-state';
import { startDemoApi, type RunningDemoApi } from '../../../tools/demo-api';
import {
  DEMO_ADMIN_CREDENTIALS,
  DEMO_IDENTITY_POOL_ID,
  DEMO_ROLES,
  demoPoolDefinition,
  startUserPool,
  type RunningUserPool,
} from '../../../tools/user-pool';
import type { PoolDefinition } from '../../../tools/user-pool/types';
import { freePort } from '../../../tools/support/ports';
import { launchBrowser, signInInOwnContext } from '../../../tools/support/browser';
import { assertPrivateKeyring } from '../../support/keyring-guard';

export const IDENTITY_POOL_ID = DEMO_IDENTITY_POOL_ID;
export const ROLES = DEMO_ROLES;
/** Static keys for scripts (allowed every action): the test's own requests to the IAM API. */
export const ADMIN_KEYS = DEMO_ADMIN_CREDENTIALS;
export const PASSWORDS = { alice: 'Alice-demo-1!', bob: 'Bob-demo-1!' } as const;
export type WorldUser = keyof typeof PASSWORDS;

/**
 * The demo world as `npm start` runs it (tools/user-pool/demo-pool.ts: alice in admin with the
 * LocalPoolAdmin role, bob in staff with LocalPoolStaff, the demo identity pool), with this
 * world's redirect, 30 more users (ListUsers then needs a second page) and, when asked, shorter
 * credentials.
 */
export function awsDemoDefinition(callback: string, credentialsValiditySeconds?: number): PoolDefinition {
  const client = demoPoolDefinition.clients[0]!;
  return {
    ...demoPoolDefinition,
    clients: [{ ...client, callbackUrls: [callback], logoutUrls: [] }],
    users: [
      ...demoPoolDefinition.users,
      ...Array.from({ length: 30 }, (_, i) => ({
        username: `user${String(i + 1).padStart(2, '0')}`,
        password: `User-demo-${i + 1}!`,
        email: `user${i + 1}@example.com`,
        emailVerified: true,
        groups: [] as string[],
      })),
    ],
    identityPools: (demoPoolDefinition.identityPools ?? []).map((pool) =>
      credentialsValiditySeconds ? { ...pool, credentialsValiditySeconds } : pool,
    ),
  };
}

export class StandInConfirm implements ConfirmPort {
  readonly asked: ConfirmRequest[] = [];
  readonly answers: boolean[] = [];
  async confirm(request: ConfirmRequest): Promise<boolean> {
    this.asked.push(request);
    return this.answers.shift() ?? false;
  }
}

export interface AwsAppWorld {
  pool: RunningUserPool;
  demoApi: RunningDemoApi;
  services: AppServices;
  confirm: StandInConfirm;
  logLines: string[];
  /** Every state the app published (what session:changed carries over IPC). */
  states: SessionState[];
  dataDir: string;
  definition: PoolDefinition;
  /** The registered loopback redirect (for a second sign-in outside the app). */
  callback: string;
  signIn(user: WorldUser): Promise<SessionState>;
  /** Who the stand-in system browser signs in as next (for sign-ins the page starts). */
  nextUserForBrowser(user: WorldUser): void;
  /**
   * A call as the page makes it: through the real handle() pipeline (sender check, payload
   * guard, schema), recorded with its result in `ipcMessages` like every event.
   */
  ipc<C extends InvokeChannel>(channel: C, payload: RequestOf<C>): Promise<IpcResult<unknown>>;
  /** Everything that crossed IPC: requests, results and events, as JSON text. */
  ipcMessages: string[];
  /** Every token and AWS credential value the app received over its transport. */
  secrets: Set<string>;
  /** Where "Export diagnostics..." saves (the stand-in save dialog's answer). */
  diagnosticsFile: string;
  /** X-Amz-Target of every AWS request the app sent through its transport, in order. */
  awsTargets(): string[];
  /** Resolves with the first published state that `test` accepts (bounded). */
  nextState(test: (state: SessionState) => boolean, ms?: number): Promise<SessionState>;
  close(): Promise<void>;
}

export const ipcContext = {
  sender: { id: 1, mainFrameUrl: 'app://cognito-desktop/index.html', senderFrame: null },
};

export async function startAwsAppWorld(
  options: {
    credentialsValiditySeconds?: number;
    marginMs?: number;
    sessionTracking?: boolean;
    /** Access and ID token lifetime at the pool (seconds); default the demo client's hour. */
    tokenLifetimeSeconds?: number;
  } = {},
): Promise<AwsAppWorld> {
  assertPrivateKeyring();
  const cleanups: Array<() => Promise<unknown>> = [];
  const close = async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  };
  try {
    const port = await freePort();
    const callback = `http://127.0.0.1:${port}/callback`;
    const poolBase = awsDemoDefinition(callback, options.credentialsValiditySeconds);
    const lifetime = options.tokenLifetimeSeconds;
    const definition = lifetime
      ? {
          ...poolBase,
          clients: poolBase.clients.map((c) => ({
            ...c,
            accessTokenValiditySeconds: lifetime,
            idTokenValiditySeconds: lifetime,
          })),
        }
      : poolBase;
    const pool = await startUserPool({ port: 0, definition });
    cleanups.push(() => pool.close());
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'aws-world-'));
    cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    const demoApi = await startDemoApi({
      authorizer: 'iam',
      iam: definition,
      clientId: definition.clients[0]!.clientId,
      port: 0,
      dbPath: path.join(dataDir, 'notes.sqlite'),
    });
    cleanups.push(() => demoApi.close());
    const profileId = `aws${process.pid}x${port}`;
    writeFileSync(
      path.join(dataDir, 'profiles.json'),
      JSON.stringify({
        profiles: [
          {
            id: profileId,
            label: 'AWS world',
            region: definition.region,
            userPoolId: definition.userPoolId,
            clientId: definition.clients[0]!.clientId,
            domain: pool.domain,
            issuer: pool.issuer,
            scopes: ['openid', 'email', 'profile', 'aws.cognito.signin.user.admin'],
            redirect: { loopback: [callback], prefer: 'loopback' },
            apis: [{ name: 'iam', baseUrl: demoApi.url, auth: { type: 'sigv4' } }],
            identityPool: { id: IDENTITY_POOL_ID, endpoint: pool.identityApiEndpoint },
            userPoolEndpoint: pool.idpApiEndpoint,
            ...(options.sessionTracking ? { sessionTracking: true } : {}),
          },
        ],
      }),
    );
    const browser: Browser = await launchBrowser();
    cleanups.push(() => browser.close());
    let nextUser: WorldUser = 'alice';
    const openExternal = async (url: string) => {
      const user = nextUser;
      signInInOwnContext(
        browser,
        url,
        { username: user, password: PASSWORDS[user] },
        { settled: (page) => page.waitForURL((u) => u.href.startsWith(callback)) },
      );
    };
    const logLines: string[] = [];
    const logFile = path.join(dataDir, 'main.log');
    const diagnosticsFile = path.join(dataDir, 'diagnostics.json');
    const confirm = new StandInConfirm();
    // The app's one transport, recording which AWS operation each request was (X-Amz-Target).
    const base = defaultNodeTransport();
    const targets: string[] = [];
    const secrets = new Set<string>();
    const transport: NetTransport = {
      ...base,
      kind: base.kind,
      fetch: async (url, init) => {
        const headers = headerRecord(init?.headers) ?? {};
        const target = Object.entries(headers).find(([k]) => k.toLowerCase() === 'x-amz-target')?.[1];
        if (target) targets.push(target);
        const response = await base.fetch(url, init);
        // Every secret the app is handed (tokens, AWS credentials), for the secret checks.
        if (target?.endsWith('.GetCredentialsForIdentity') || String(url).includes('/oauth2/token')) {
          void response
            .clone()
            .text()
            .then((text) => {
              for (const m of text.matchAll(
                /"(AccessKeyId|SecretKey|SessionToken|access_token|id_token|refresh_token)"\s*:\s*"([^"]+)"/g,
              )) {
                secrets.add(m[2]!);
              }
            })
            .catch(() => undefined);
        }
        return response;
      },
      setProxy: (s) => base.setProxy(s),
      describe: (u) => base.describe(u),
      close: async () => undefined,
    };
    if (base.request) transport.request = (url, init) => base.request!(url, init);
    const services = createAppServices({
      userDataDir: dataDir,
      argv: [],
      env: {},
      allowDevOverrides: false,
      openExternal,
      transport,
      confirm,
      chooseDiagnosticsPath: async () => diagnosticsFile,
      logFile,
      logger: createLogger({
        sink: (line) => {
          logLines.push(line);
          appendFileSync(logFile, `${line}\n`);
        },
        level: 'debug',
      }),
      sessionOptions: { timeouts: { requestMs: 5_000, revokeMs: 2_000, signInMs: 30_000 } },
      ...(options.marginMs === undefined ? {} : { aws: { marginMs: options.marginMs } }),
    });
    cleanups.push(async () => {
      await services.session.signOut({ endHostedUiSession: false }).catch(() => undefined);
      await services.dispose();
    });
    const states: SessionState[] = [];
    const waiters = new Set<{ test: (s: SessionState) => boolean; resolve: (s: SessionState) => void }>();
    services.session.onChanged((state) => {
      states.push(state);
      for (const w of [...waiters]) {
        if (w.test(state)) {
          waiters.delete(w);
          w.resolve(state);
        }
      }
    });
    // The real IPC pipeline, recording everything that would cross it.
    const APP_URL = 'app://cognito-desktop/index.html';
    const registrar = createInProcessRegistrar();
    registerInvokeHandlers(
      {
        registrar,
        senderCheck: createSenderCheck({ appUrls: [APP_URL], isAppWebContents: (id) => id === 7 }),
      },
      services.handlers.invoke,
    );
    const ipcMessages: string[] = [];
    const offEvents = services.handlers.subscribeEvents((channel, payload) =>
      ipcMessages.push(JSON.stringify({ event: channel, payload })),
    );
    cleanups.push(async () => offEvents());
    const sender = { id: 7, mainFrameUrl: APP_URL, senderFrame: { url: APP_URL, isMainFrame: true } };
    const ipc = async <C extends InvokeChannel>(channel: C, payload: RequestOf<C>) => {
      ipcMessages.push(JSON.stringify({ invoke: channel, payload }));
      const result = await registrar.invoke(channel, sender, payload);
      ipcMessages.push(JSON.stringify({ result: channel, value: result }));
      return result;
    };
    await services.start();
    const nextState = (test: (s: SessionState) => boolean, ms = 20_000) => {
      const now = services.session.getState();
      if (test(now)) return Promise.resolve(now);
      return new Promise<SessionState>((resolve, reject) => {
        const waiter = { test, resolve };
        waiters.add(waiter);
        setTimeout(() => {
          if (waiters.delete(waiter)) reject(new Error('the expected state was not published in time'));
        }, ms).unref();
      });
    };
    return {
      pool,
      demoApi,
      services,
      confirm,
      logLines,
      states,
      dataDir,
      definition,
      callback,
      nextState,
      awsTargets: () => [...targets],
      ipc,
      ipcMessages,
      secrets,
      diagnosticsFile,
      nextUserForBrowser(user) {
        nextUser = user;
      },
      async signIn(user) {
        nextUser = user;
        const result = await ipc('auth:sign-in', {});
        if (!result.ok) throw new Error(`sign-in failed: ${result.error.code}`);
        return result.value as SessionState;
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
