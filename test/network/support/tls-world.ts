import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { createApiClient, type ApiClient } from '../../../src/main/http/api-client';
import { createCredentialStore } from '../../../src/main/auth/credential-store';
import { createSession, type Session } from '../../../src/main/auth/session';
import { parseProfile, type ResolvedProfile } from '../../../src/main/config/profile';
import type { NetTransport } from '../../../src/main/net/transport';
import { startDemoApi, type RunningDemoApi } from '../../../tools/demo-api/demo-api';
import { startUserPool } from '../../../tools/user-pool/index';
import type { RunningUserPool } from '../../../tools/user-pool/types';
import { freePort } from '../../../tools/support/ports';
import { launchBrowser } from '../../../tools/support/browser';
import { assertPrivateKeyring } from '../../support/keyring-guard';
import { createTestCa, type ServerCert, type TestCa } from './test-ca';

export const CLIENT_ID = 'nettestdesktop0client1';
/** Names the proxies of these tests map to 127.0.0.1 (the client never resolves them itself). */
export const POOL_HOST = 'pool.test';
export const API_HOST = 'api.test';

/**
 * The whole sign-in world on TLS: a private test CA, the local user pool and the demo API on https
 * with a certificate it signed (SANs 127.0.0.1, localhost, pool.test, api.test), and Chromium as
 * the user's browser.
 *
 * How Chromium trusts the test CA: `--ignore-certificate-errors-spki-list=<SPKI hash of the
 * server certificate>`. It accepts exactly that key and no other (unlike a blanket
 * --ignore-certificate-errors), needs no NSS database or certutil (libnss3-tools is not in the
 * Debian set), and Playwright always passes the --user-data-dir it requires. The browser is not
 * what these tests examine: the app's requests are, and those go through the transport with the
 * CA given explicitly.
 *
 * `host`: '127.0.0.1' (direct tests) or POOL_HOST (proxy tests: only the proxy resolves it, via
 * its hosts file or addon; Chromium maps it with --host-resolver-rules).
 */
export interface TlsWorld {
  ca: TestCa;
  cert: ServerCert;
  pool: RunningUserPool;
  api: RunningDemoApi;
  profile: ResolvedProfile;
  browser: Browser;
  /** Every URL the engine asked the "system browser" to open. */
  opened: string[];
  /** The "system browser": opens the URL in Chromium and signs in as alice. */
  openExternal(url: string): Promise<void>;
  browserDone(): Promise<void>;
  newSession(transport: NetTransport, overrides?: { requestMs?: number }): Session;
  newApiClient(transport: NetTransport, session: Session): ApiClient;
  close(): Promise<void>;
}

let counter = 0;

export async function startTlsWorld(options: { host: '127.0.0.1' | typeof POOL_HOST }): Promise<TlsWorld> {
  assertPrivateKeyring();
  const ca = createTestCa();
  const cert = ca.issue({ dns: ['localhost', POOL_HOST, API_HOST], ip: ['127.0.0.1'] });
  const port = await freePort();
  const redirectUri = `http://127.0.0.1:${port}/callback`;
  const signOutUrl = `http://127.0.0.1:${port}/signed-out`;
  const pool = await startUserPool({
    tls: { key: cert.key, cert: cert.cert, host: options.host },
    definition: {
      region: 'us-east-1',
      userPoolId: 'us-east-1_NetTest01',
      clients: [
        {
          clientId: CLIENT_ID,
          callbackUrls: [redirectUri],
          logoutUrls: [signOutUrl],
          allowedScopes: ['openid', 'email', 'profile'],
          enableTokenRevocation: true,
          refreshTokenRotation: true,
        },
      ],
      users: [
        { username: 'alice', password: 'Alice-demo-1!', email: 'alice@example.com', emailVerified: true },
      ],
    },
  });
  const dbDir = mkdtempSync(path.join(os.tmpdir(), 'net-demo-api-'));
  const api = await startDemoApi({
    issuer: pool.issuer,
    clientId: CLIENT_ID,
    // The API fetches keys itself, directly (server side, not the app's traffic).
    jwksUri: `https://127.0.0.1:${pool.port}/us-east-1_NetTest01/.well-known/jwks.json`,
    dbPath: path.join(dbDir, 'notes.sqlite'),
    tls: { key: cert.key, cert: cert.cert, ca: ca.caPem },
  });
  const apiHost = options.host === '127.0.0.1' ? '127.0.0.1' : API_HOST;
  const profileId = `net${process.pid}x${Date.now()}x${counter++}`;
  const { profile } = parseProfile({
    id: profileId,
    label: 'network test',
    region: 'us-east-1',
    userPoolId: 'us-east-1_NetTest01',
    clientId: CLIENT_ID,
    domain: pool.domain,
    issuer: pool.issuer,
    scopes: ['openid', 'email', 'profile'],
    redirect: { loopback: [redirectUri], prefer: 'loopback' },
    signOutUrl,
    apis: [{ name: 'demo', baseUrl: `https://${apiHost}:${api.port}` }],
  });
  const browser = await launchBrowser({
    args: [
      `--ignore-certificate-errors-spki-list=${cert.spki}`,
      `--host-resolver-rules=MAP ${POOL_HOST} 127.0.0.1, MAP ${API_HOST} 127.0.0.1`,
    ],
  });
  const tasks: Promise<unknown>[] = [];
  const opened: string[] = [];
  const openExternal = async (url: string) => {
    opened.push(url);
    const task = (async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      if (new URL(url).pathname === '/logout') {
        await page.goto(url).catch(() => undefined);
        return;
      }
      await page.goto(url);
      await page.getByLabel('Username').fill('alice');
      await page.getByLabel('Password').fill('Alice-demo-1!');
      await page.getByRole('button', { name: 'Sign in' }).click();
    })();
    tasks.push(task.catch(() => undefined));
  };

  const sessions: Session[] = [];
  return {
    ca,
    cert,
    pool,
    api,
    profile,
    browser,
    opened,
    openExternal,
    browserDone: async () => {
      await Promise.all(tasks);
    },
    newSession(transport, overrides = {}) {
      const session = createSession({
        profile,
        openExternal,
        transport,
        timeouts: { requestMs: overrides.requestMs ?? 5_000, revokeMs: 5_000, signInMs: 30_000 },
        backoff: { baseMs: 60_000, capMs: 120_000 },
      });
      sessions.push(session);
      return session;
    },
    newApiClient(transport, session) {
      return createApiClient({ apis: () => profile.apis, tokens: session, transport });
    },
    async close() {
      await Promise.all(tasks);
      for (const s of sessions) await s.dispose().catch(() => undefined);
      await browser.close();
      await api.close();
      await pool.close();
      await createCredentialStore({ profileId, clientId: CLIENT_ID }).clear();
      rmSync(dbDir, { recursive: true, force: true });
      ca.close();
    },
  };
}
