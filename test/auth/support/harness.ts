import keytar from 'keytar';
import type { Browser, Page } from 'playwright-core';
import {
  createCredentialStore,
  keychainAccount,
  KEYCHAIN_SERVICE,
} from '../../../src/main/auth/credential-store';
import type { CredentialStore } from '../../../src/main/auth/credential-store';
import { createProviderCache, type ProviderCache } from '../../../src/main/auth/provider-cache';
import { createSession } from '../../../src/main/auth/session';
import type { CreateSessionOptions, Session } from '../../../src/main/auth/session';
import { parseProfile } from '../../../src/main/config/profile';
import type { ResolvedProfile } from '../../../src/main/config/profile';
import { createLogger } from '../../../src/main/log/logger';
import type { SessionState } from '../../../src/shared/session-state';
import {
  DEMO_IDP_CLIENT,
  DEMO_IDP_NAME,
  DEMO_SSO_POOL_USERNAME,
  startDemoUpstream,
  startUserPool,
} from '../../../tools/user-pool/index';
import type { RunningUpstreamIdp } from '../../../tools/user-pool/upstream-idp';
import type {
  PoolClientDefinition,
  PoolDefinition,
  PoolUserDefinition,
  RunningUserPool,
} from '../../../tools/user-pool/types';
import { launchBrowser } from '../../../tools/support/browser';
import { assertPrivateKeyring } from '../../support/keyring-guard';
import { freePort } from '../../../tools/support/ports';

export const CLIENT_ID = 'testdesktop0client01';
export const CUSTOM_SCHEME = 'com.example.cognitodesktop:/callback';

/**
 * What the Chromium "system browser" does with a URL the app opens:
 *  - login: go to it, fill Username/Password, click Sign in (the Hosted UI flow)
 *  - deny: the user declines at the federated IdP: on the Hosted UI page press the provider's
 *    button, then "Cancel" on the upstream's page; the pool itself relays error=access_denied to
 *    the app's redirect URI (as Cognito does). Needs startHarness({ federation: true }).
 *  - ignore: record it only (the user never finishes)
 */
export type BrowserMode = 'login' | 'deny' | 'ignore';

/** One navigation that reached the app's redirect URI, with the redirect hops that led there (oldest first). */
export interface CallbackNavigation {
  url: string;
  redirectedFrom: string[];
}

export interface Harness {
  pool: RunningUserPool;
  /** The federated upstream (the demo "Example Corp SSO"), when started with `federation: true`. */
  upstream: RunningUpstreamIdp | undefined;
  /** The pool's own log lines (redacted by the pool). */
  poolLog: string[];
  /** Every browser navigation to the app's loopback redirect URI, and how the browser got there. */
  callbackNavigations: CallbackNavigation[];
  profile: ResolvedProfile;
  /** Discovery and JWKS shared by this harness's sessions (as the app shares one); pass your own for a fresh one. */
  providers: ProviderCache;
  profileWarnings: string[];
  browser: Browser;
  /** Every URL the app asked the system browser to open. */
  opened: string[];
  mode: BrowserMode;
  /** Custom-scheme redirects the "OS" received (Location headers to our scheme). */
  schemeRedirects: string[];
  /** Everything the engine emitted: log lines, published states, error messages. */
  emitted: string[];
  /** Every token value the test saw (to prove none of them was ever emitted). */
  secrets: Set<string>;
  lastPage: Page | undefined;
  openExternal: (url: string) => Promise<void>;
  browserDone: () => Promise<void>;
  newSession(overrides?: Partial<CreateSessionOptions>): Session;
  /** Records the engine's states and rejections into `emitted`. */
  track(session: Session): SessionState[];
  recordError(err: unknown): unknown;
  storedRefreshToken(): Promise<string | undefined>;
  keychainEntries(): Promise<number>;
  tokenRequests(grant: 'refresh_token' | 'authorization_code'): number;
  close(): Promise<void>;
}

export interface HarnessOptions {
  client?: Partial<PoolClientDefinition>;
  prefer?: 'loopback' | 'custom-scheme';
  /** A confidential client: the pool requires it, the profile carries it. */
  clientSecret?: string;
  username?: string;
  password?: string;
  /** More pool users beside alice (e.g. a second user whose tokens must never be adopted). */
  extraUsers?: PoolUserDefinition[];
  /**
   * Federate the demo upstream IdP (demo-upstream.ts: provider ExampleCorpSSO, user dana) on a
   * port of its own; the client supports COGNITO and it, so the Hosted UI page shows its button.
   */
  federation?: boolean;
  /** More pool definition fields (issuerType, sessionManagement, waf, managedLoginVersion...). */
  poolDefinition?: Partial<Omit<PoolDefinition, 'region' | 'userPoolId' | 'clients' | 'users'>>;
  /** Profile fields over the defaults; `issuer` may be a function of the started pool. */
  profile?: Record<string, unknown> | ((pool: RunningUserPool) => Record<string, unknown>);
}

let counter = 0;

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  assertPrivateKeyring();
  const port = await freePort();
  const redirectUri = `http://127.0.0.1:${port}/callback`;
  const signOutUrl = `http://127.0.0.1:${port}/signed-out`;
  const poolLog: string[] = [];
  const upstream = options.federation ? await startDemoUpstream({ port: 0 }) : undefined;
  const pool = await startUserPool({
    port: 0,
    log: (line) => poolLog.push(line),
    definition: {
      region: 'us-east-1',
      userPoolId: 'us-east-1_LocalPool1',
      clients: [
        {
          clientId: CLIENT_ID,
          callbackUrls: [redirectUri, CUSTOM_SCHEME],
          logoutUrls: [signOutUrl],
          allowedScopes: ['openid', 'email', 'profile', 'aws.cognito.signin.user.admin'],
          enableTokenRevocation: true,
          ...(options.clientSecret ? { clientSecret: options.clientSecret } : {}),
          ...(upstream ? { supportedIdentityProviders: ['COGNITO', DEMO_IDP_NAME] } : {}),
          ...options.client,
        },
      ],
      users: [
        {
          username: 'alice',
          password: 'Alice-demo-1!',
          email: 'alice@example.com',
          emailVerified: true,
          groups: ['admin'],
        },
        ...(options.extraUsers ?? []),
      ],
      ...(upstream
        ? {
            identityProviders: [
              {
                providerName: DEMO_IDP_NAME,
                providerType: 'OIDC' as const,
                providerDetails: {
                  client_id: DEMO_IDP_CLIENT.clientId,
                  client_secret: DEMO_IDP_CLIENT.clientSecret,
                  oidc_issuer: upstream.issuer,
                  authorize_scopes: 'openid email profile',
                },
                attributeMapping: { email: 'email', email_verified: 'email_verified', name: 'name' },
              },
            ],
            federatedUsers: [{ username: DEMO_SSO_POOL_USERNAME, groups: ['admin'] }],
          }
        : {}),
      ...options.poolDefinition,
    },
  });
  const profileOverrides = typeof options.profile === 'function' ? options.profile(pool) : options.profile;
  const profileId = `t${process.pid}x${Date.now()}x${counter++}`;
  const { profile, warnings } = parseProfile({
    id: profileId,
    label: 'test',
    region: 'us-east-1',
    userPoolId: 'us-east-1_LocalPool1',
    clientId: CLIENT_ID,
    domain: pool.domain,
    issuer: pool.issuer,
    scopes: ['openid', 'email', 'profile', 'aws.cognito.signin.user.admin'],
    redirect: { loopback: [redirectUri], customScheme: CUSTOM_SCHEME, prefer: options.prefer ?? 'loopback' },
    signOutUrl,
    apis: [],
    ...(options.clientSecret ? { clientSecret: options.clientSecret } : {}),
    ...profileOverrides,
  });
  const browser = await launchBrowser();
  const browserTasks: Promise<unknown>[] = [];
  const emitted: string[] = [];
  const logger = createLogger({ sink: (line) => emitted.push(line), level: 'debug' });

  const h: Harness = {
    pool,
    upstream,
    poolLog,
    callbackNavigations: [],
    profile,
    providers: createProviderCache(),
    profileWarnings: warnings,
    browser,
    opened: [],
    mode: 'login',
    schemeRedirects: [],
    emitted,
    secrets: new Set(),
    lastPage: undefined,
    openExternal: async (url: string) => {
      h.opened.push(url);
      const u = new URL(url);
      if (h.mode === 'ignore') return;
      if (h.mode === 'deny' && !upstream) {
        throw new Error("harness: mode 'deny' needs startHarness({ federation: true })");
      }
      const mode = h.mode;
      const task = (async () => {
        const context = await browser.newContext();
        const page = await context.newPage();
        h.lastPage = page;
        page.on('response', (res) => {
          const location = res.headers()['location'];
          if (location?.startsWith('com.example.cognitodesktop:')) h.schemeRedirects.push(location);
        });
        page.on('request', (req) => {
          if (!req.url().startsWith(redirectUri)) return;
          const hops: string[] = [];
          for (let r = req.redirectedFrom(); r; r = r.redirectedFrom()) hops.unshift(r.url());
          h.callbackNavigations.push({ url: req.url(), redirectedFrom: hops });
        });
        if (u.pathname === '/logout') {
          // logout_uri has no listener after sign-out: the navigation error is expected.
          await page.goto(url).catch(() => undefined);
          return;
        }
        await page.goto(url);
        if (mode === 'deny') {
          // The Hosted UI page's provider button, then "Cancel" on the upstream's own page: the
          // upstream answers the pool access_denied and the pool relays it to the redirect URI.
          await page.getByRole('button', { name: DEMO_IDP_NAME, exact: true }).click();
          await page.waitForURL((at) => at.origin === upstream!.issuer);
          await page
            .getByRole('button', { name: 'Cancel', exact: true })
            .click()
            .catch(() => undefined);
          await page.waitForURL((at) => at.href.startsWith(redirectUri)).catch(() => undefined);
          return;
        }
        await page.getByLabel('Username').fill(options.username ?? 'alice');
        await page.getByLabel('Password').fill(options.password ?? 'Alice-demo-1!');
        await page
          .getByRole('button', { name: 'Sign in', exact: true })
          .click()
          .catch(() => undefined);
      })();
      browserTasks.push(task.catch(() => undefined));
    },
    browserDone: async () => {
      await Promise.all(browserTasks);
    },
    newSession(overrides = {}) {
      return createSession({
        profile,
        openExternal: (url) => h.openExternal(url),
        logger,
        timeouts: { requestMs: 2_000, revokeMs: 2_000 },
        backoff: { baseMs: 60_000, capMs: 120_000 },
        providers: h.providers,
        ...overrides,
      });
    },
    track(session) {
      const states: SessionState[] = [];
      session.onChanged((s) => {
        states.push(s);
        emitted.push(JSON.stringify(s));
      });
      return states;
    },
    recordError(err) {
      emitted.push(err instanceof Error ? `${err.name}: ${err.message}` : String(err));
      return err;
    },
    async storedRefreshToken() {
      const store: CredentialStore = createCredentialStore({ profileId, clientId: CLIENT_ID });
      const loaded = await store.load();
      if (loaded.kind !== 'found') return undefined;
      h.secrets.add(loaded.credential.refreshToken);
      return loaded.credential.refreshToken;
    },
    async keychainEntries() {
      // Reads by name only: listing (findCredentials) can crash libsecret while another test
      // process deletes items. Part entries are named <account>#a0.., <account>#b0.. .
      const account = keychainAccount(profileId, CLIENT_ID);
      let count = (await keytar.getPassword(KEYCHAIN_SERVICE, account)) === null ? 0 : 1;
      for (const slot of ['a', 'b']) {
        for (let i = 0; i < 64; i++) {
          if ((await keytar.getPassword(KEYCHAIN_SERVICE, `${account}#${slot}${i}`)) === null) break;
          count++;
        }
      }
      return count;
    },
    tokenRequests(grant) {
      return pool.counters.tokenRequests[grant] ?? 0;
    },
    async close() {
      pool.clearFaults();
      await h.browserDone();
      await browser.close();
      await pool.close();
      await upstream?.close();
      await createCredentialStore({ profileId, clientId: CLIENT_ID }).clear();
    },
  };
  return h;
}

/** Asserts that none of the tokens the test saw, and nothing JWT-shaped, was ever emitted. */
export function leakedSecrets(h: Harness): string[] {
  const text = h.emitted.join('\n');
  const leaks = [...h.secrets]
    .filter((s) => s.length >= 8 && text.includes(s))
    .map((s) => `${s.slice(0, 6)}…`);
  if (text.includes('eyJ')) leaks.push('eyJ…');
  return leaks;
}
