/**
 * The whole app minus Electron, composed in the test process for renderer end-to-end tests:
 *
 *   app page (Chromium)  --window.desktop (the BUILT preload over a Playwright binding)-->
 *   real handle() pipeline + real handlers --> real session engine + real bearer API client
 *        --> local user pool (real OAuth, 127.0.0.1, free port) and demo API (real JWT checks)
 *   session engine's openExternal --> a SECOND Chromium context playing the system browser,
 *        which signs in on the Hosted UI page like a user would.
 *
 * Refresh tokens go to the private test keyring (assertPrivateKeyring). Everything binds
 * 127.0.0.1 on free ports, and close() stops all of it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createSession, type Session } from '../../src/main/auth/session';
import { parseProfile, type ResolvedProfile } from '../../src/main/config/profile';
import type { ProfilesController } from '../../src/main/config/profiles-controller';
import { createApiClient } from '../../src/main/http/api-client';
import { createHandlers } from '../../src/main/ipc/handlers';
import type { Profiles } from '../../src/shared/ipc-contract';
import { startDemoApi, type RunningDemoApi } from '../../tools/demo-api';
import {
  DEMO_IDP_NAME,
  DEMO_SSO_USER,
  demoPoolDefinition,
  startDemoUpstream,
  startUserPool,
  withUpstreamIssuer,
  type RunningUserPool,
} from '../../tools/user-pool';
import type { PoolClientDefinition, PoolDefinition } from '../../tools/user-pool/types';
import { launchBrowser } from '../../tools/support/browser';
import { freePort } from '../../tools/support/ports';
import { assertPrivateKeyring } from './keyring-guard';
import { installTestTransport, type TransportMessage } from './test-transport';

export const DEMO_USERS = {
  alice: { username: 'alice', password: 'Alice-demo-1!' },
  bob: { username: 'bob', password: 'Bob-demo-1!' },
} as const;
export type DemoUser = keyof typeof DEMO_USERS;

/** What the stand-in system browser does with the next Hosted UI page the app opens. */
export type BrowserBehaviour = { kind: 'sign-in'; user: DemoUser } | { kind: 'leave-open' };

export interface AppHarnessOptions {
  /** Token lifetime at the pool (seconds); 5 for the refresh tests. Default 3600. */
  tokenLifetimeSeconds?: number;
  /** Session engine backoff while offline (ms); small in tests so recovery is quick. */
  backoff?: { baseMs?: number; capMs?: number };
  viewport?: { width: number; height: number };
  colorScheme?: 'light' | 'dark';
  /**
   * Start the demo corporate IdP (Example Corp SSO, user dana) for the pool to federate, and give
   * the profile two sign-in options (SSO first, then email and password).
   */
  federation?: boolean;
  /** More pool definition fields (sessionManagement...), and app client fields (rotation, refresh validity). */
  poolDefinition?: Partial<Omit<PoolDefinition, 'clients' | 'users'>>;
  client?: Partial<PoolClientDefinition>;
  /** More profile fields (sessionLifetime...). */
  profile?: Record<string, unknown>;
}

export interface AppHarness {
  /** The app window. */
  page: Page;
  pool: RunningUserPool;
  demoApi: () => RunningDemoApi;
  session: Session;
  profile: ResolvedProfile;
  /** Everything that crossed the IPC transport (invokes, results, events), for secret checks. */
  transportMessages: readonly TransportMessage[];
  /** Every URL the app asked the OS to open, in order. */
  openedUrls: string[];
  /** Pages of the stand-in system browser (for screenshots of the Hosted UI). */
  browserPages: Page[];
  browserBehaviour: BrowserBehaviour;
  /** Resolves when the stand-in browser has finished with every page the app opened so far. */
  browserIdle(): Promise<void>;
  /** The user clears their browser's cookies: the Hosted UI forgets who signed in last. */
  forgetBrowserSession(): Promise<void>;
  /** Stop the demo API (connection refused) and start it again on the same port and database. */
  stopDemoApi(): Promise<void>;
  startDemoApi(): Promise<void>;
  close(): Promise<void>;
}

export async function startAppHarness(
  rendererUrl: string,
  options: AppHarnessOptions = {},
): Promise<AppHarness> {
  assertPrivateKeyring();
  const cleanups: Array<() => Promise<unknown>> = [];
  const closeAll = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  };
  try {
    const lifetime = options.tokenLifetimeSeconds ?? 3600;
    const redirectPort = await freePort();
    const redirectUri = `http://127.0.0.1:${redirectPort}/callback`;
    const signOutUrl = `http://127.0.0.1:${redirectPort}/signed-out`;
    const template = demoPoolDefinition.clients[0]!;
    const upstream = options.federation ? await startDemoUpstream() : undefined;
    if (upstream) cleanups.push(() => upstream.close());
    const poolDefinition = upstream
      ? withUpstreamIssuer(demoPoolDefinition, DEMO_IDP_NAME, upstream.issuer)
      : demoPoolDefinition;
    const pool = await startUserPool({
      port: 0,
      definition: {
        ...poolDefinition,
        ...options.poolDefinition,
        clients: [
          {
            ...template,
            callbackUrls: [redirectUri],
            logoutUrls: [signOutUrl],
            accessTokenValiditySeconds: lifetime,
            idTokenValiditySeconds: lifetime,
            ...options.client,
          },
        ],
      },
    });
    cleanups.push(() => pool.close());

    const dataDir = mkdtempSync(path.join(tmpdir(), 'renderer-e2e-'));
    cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    const dbPath = path.join(dataDir, 'notes.sqlite');
    let demoApi = await startDemoApi({ issuer: pool.issuer, clientId: template.clientId, port: 0, dbPath });
    let demoApiRunning = true;
    const demoPort = demoApi.port;
    cleanups.push(async () => {
      if (demoApiRunning) await demoApi.close();
    });

    // A fresh profile id per harness: its keychain entry cannot collide with another test's.
    const { profile } = parseProfile({
      id: `ui-e2e-${process.pid}-${redirectPort}`,
      label: 'Local demo (test)',
      region: pool.region,
      userPoolId: pool.userPoolId,
      clientId: template.clientId,
      domain: pool.domain,
      issuer: pool.issuer,
      scopes: template.allowedScopes,
      redirect: { loopback: [redirectUri], prefer: 'loopback' },
      signOutUrl,
      apis: [{ name: 'demo', baseUrl: demoApi.url }],
      demo: true,
      ...options.profile,
      ...(options.federation
        ? {
            signInOptions: [
              { label: 'Sign in with Example Corp SSO', identityProvider: DEMO_IDP_NAME },
              { label: 'Sign in with email and password', identityProvider: 'COGNITO' },
            ],
          }
        : {}),
    });

    const browser: Browser = await launchBrowser();
    cleanups.push(() => browser.close());
    // The "system browser": its own context, so its cookies (the Hosted UI session) are not the app's.
    const systemBrowser: BrowserContext = await browser.newContext();
    const openedUrls: string[] = [];
    const browserPages: Page[] = [];
    const browserTasks: Array<Promise<void>> = [];

    const harness = {} as AppHarness;
    harness.browserBehaviour = { kind: 'sign-in', user: 'alice' };

    const openExternal = async (url: string): Promise<void> => {
      openedUrls.push(url);
      const behaviour = harness.browserBehaviour;
      const tab = await systemBrowser.newPage();
      browserPages.push(tab);
      // Like shell.openExternal: hand the URL over and return; the user acts in their own time.
      const task = (async () => {
        await tab.goto(url);
        if (!url.includes('/oauth2/authorize') || behaviour.kind !== 'sign-in') return;
        if (upstream && tab.url().startsWith(upstream.issuer)) {
          // Sent straight to the corporate IdP (identity_provider=): sign in there as dana.
          await tab.getByLabel('Username').fill(DEMO_SSO_USER.username);
          await tab.getByLabel('Password').fill(DEMO_SSO_USER.password);
          await tab.getByRole('button', { name: 'Sign in' }).click();
          return;
        }
        const username = tab.getByLabel('Username');
        // Within the Hosted UI session the pool answers at once, without a login form.
        if (!(await username.isVisible().catch(() => false))) return;
        const user = DEMO_USERS[behaviour.user];
        await username.fill(user.username);
        await tab.getByLabel('Password').fill(user.password);
        await tab.getByRole('button', { name: 'Sign in' }).click();
      })().catch(() => undefined);
      browserTasks.push(task);
    };

    const session = createSession({
      profile,
      openExternal,
      ...(options.backoff ? { backoff: options.backoff } : {}),
      timeouts: { requestMs: 3000, signInMs: 60_000, revokeMs: 2000 },
    });
    cleanups.push(async () => {
      // Leave nothing in the test keyring, then stop timers.
      await session.signOut({ endHostedUiSession: false }).catch(() => undefined);
      await session.dispose();
    });
    await session.start();

    const profiles: ProfilesController = {
      list: (): Profiles => ({
        activeProfileId: profile.id,
        profiles: [
          {
            id: profile.id,
            label: profile.label,
            demo: profile.demo ?? false,
            apis: profile.apis,
            ...(profile.signInOptions
              ? { signInOptions: profile.signInOptions.map((o) => ({ label: o.label })) }
              : {}),
          },
        ],
      }),
      switchTo: async (id) => {
        if (id !== profile.id) throw new Error('unknown profile');
        return profiles.list();
      },
    };
    const api = createApiClient({ apis: () => profile.apis, tokens: session, defaultTimeoutMs: 5000 });
    const handlers = createHandlers({ session, api, profiles });

    const appContext = await browser.newContext({
      viewport: options.viewport ?? { width: 1100, height: 760 },
      colorScheme: options.colorScheme ?? 'light',
    });
    const page = await appContext.newPage();
    // The built preload in the page (over a stand-in for require('electron')), real handle() pipeline here.
    const transport = await installTestTransport(page, handlers, { appUrl: rendererUrl });
    cleanups.push(() => transport.dispose());
    await page.goto(rendererUrl);

    Object.assign(harness, {
      page,
      pool,
      demoApi: () => demoApi,
      session,
      profile,
      openedUrls,
      browserPages,
      transportMessages: transport.messages,
      forgetBrowserSession: () => systemBrowser.clearCookies(),
      browserIdle: async () => {
        await Promise.all(browserTasks);
      },
      async stopDemoApi() {
        if (!demoApiRunning) return;
        demoApiRunning = false;
        await demoApi.close();
      },
      async startDemoApi() {
        if (demoApiRunning) return;
        demoApi = await startDemoApi({
          issuer: pool.issuer,
          clientId: template.clientId,
          port: demoPort,
          dbPath,
        });
        demoApiRunning = true;
      },
      close: closeAll,
    } satisfies Omit<AppHarness, 'browserBehaviour'>);
    return harness;
  } catch (error) {
    await closeAll();
    throw error;
  }
}
