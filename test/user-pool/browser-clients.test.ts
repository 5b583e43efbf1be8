/**
 * The most used Cognito browser clients against the local pool over TLS, in Chromium: Amplify JS
 * v6 (userPoolEndpoint = the pool: fetchUserAttributes, updateUserAttributes, a forced refresh,
 * signOut() leaving no working refresh token) and oidc-client-ts (loadUserInfo: true,
 * revokeTokens(['refresh_token'])). The pages are bundled with esbuild and served from another
 * https origin than the pool's, so every call is a cross-origin call with CORS.
 */
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startUserPool, type RunningUserPool } from '../../tools/user-pool';
import { createTestCa, type TestCa } from '../network/support/test-ca';
import { launchBrowser } from '../../tools/support/browser';
import { submitLogin } from './support/pool-fixtures';

const CLIENT_ID = 'browserclients0000000001';
const APP_HOST = 'app.example.test';
const PAGES = path.join(import.meta.dirname, '..', 'fixtures', 'browser-clients');

async function bundle(entry: string): Promise<string> {
  const result = await build({
    entryPoints: [path.join(PAGES, entry)],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    write: false,
    logLevel: 'silent',
    define: { global: 'globalThis', 'process.env.NODE_ENV': '"production"' },
  });
  return result.outputFiles[0]?.text ?? '';
}

const html = (script: string, config: unknown) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>app</title></head><body><p id="status">loading</p><script type="application/json" id="config">${JSON.stringify(config)}</script><script src="/${script}"></script></body></html>`;

describe('Amplify JS v6 and oidc-client-ts in Chromium against the pool over TLS', () => {
  let ca: TestCa;
  let pool: RunningUserPool;
  let pages: Server;
  let origin: string;
  let browser: Browser;
  const scripts = new Map<string, string>();

  beforeAll(async () => {
    ca = createTestCa();
    // The app's origin is a name of its own (Chromium maps it to 127.0.0.1): oidc-provider, like
    // RFC 8252, refuses https callbacks on localhost for native clients.
    const cert = ca.issue({ dns: ['localhost', APP_HOST], ip: ['127.0.0.1'] });
    const [amplifyJs, oidcJs] = await Promise.all([bundle('amplify-page.js'), bundle('oidc-page.js')]);
    scripts.set('/amplify.js', amplifyJs);
    scripts.set('/oidc.js', oidcJs);
    let config: { amplify: unknown; oidc: unknown } = { amplify: {}, oidc: {} };
    pages = createServer({ key: cert.key, cert: cert.cert }, (req, res) => {
      const url = new URL(req.url ?? '/', 'https://localhost');
      const script = scripts.get(url.pathname);
      if (script !== undefined) {
        res.writeHead(200, { 'content-type': 'text/javascript' });
        res.end(script);
        return;
      }
      const page = ['/amplify.html', '/callback', '/signed-out'].includes(url.pathname)
        ? html('amplify.js', config.amplify)
        : ['/oidc.html', '/oidc-callback'].includes(url.pathname)
          ? html('oidc.js', config.oidc)
          : undefined;
      res.writeHead(page ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
      res.end(page ?? 'not found');
    });
    await new Promise<void>((resolve) => pages.listen(0, '127.0.0.1', resolve));
    origin = `https://${APP_HOST}:${(pages.address() as AddressInfo).port}`;
    pool = await startUserPool({
      port: 0,
      tls: { key: cert.key, cert: cert.cert },
      definition: {
        region: 'eu-central-1',
        userPoolId: 'eu-central-1_Browser01',
        clients: [
          {
            clientId: CLIENT_ID,
            callbackUrls: [`${origin}/callback`, `${origin}/oidc-callback`],
            logoutUrls: [`${origin}/signed-out`],
            allowedScopes: ['openid', 'email', 'profile', 'aws.cognito.signin.user.admin'],
          },
        ],
        users: [
          {
            username: 'alice',
            password: 'Alice-web-1!',
            email: 'alice@example.com',
            emailVerified: true,
            attributes: { name: 'Alice A' },
          },
        ],
      },
    });
    const domain = new URL(pool.domain).host;
    config = {
      amplify: {
        userPoolId: pool.userPoolId,
        clientId: CLIENT_ID,
        userPoolEndpoint: pool.idpApiEndpoint,
        domain,
        redirectSignIn: `${origin}/callback`,
        redirectSignOut: `${origin}/signed-out`,
      },
      oidc: { issuer: pool.issuer, clientId: CLIENT_ID, redirectUri: `${origin}/oidc-callback` },
    };
    browser = await launchBrowser({
      args: [
        `--ignore-certificate-errors-spki-list=${cert.spki}`,
        `--host-resolver-rules=MAP ${APP_HOST} 127.0.0.1`,
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await pool?.close();
    await new Promise<void>((resolve) => (pages ? pages.close(() => resolve()) : resolve()));
    ca?.close();
  });

  /** Calls `globalThis[ns][method](...args)` in the page (the bundles' window.app / window.oidc). */
  async function call<T = unknown>(
    page: Page,
    ns: 'app' | 'oidc',
    method: string,
    ...args: unknown[]
  ): Promise<T> {
    return (await page.evaluate(
      ([n, m, a]) => {
        const target = (
          globalThis as unknown as Record<string, Record<string, (...x: unknown[]) => unknown>>
        )[n];
        return target?.[m]?.(...a);
      },
      [ns, method, args] as const,
    )) as T;
  }

  async function signInThroughHostedUi(page: Page, start: () => Promise<void>, back: string): Promise<void> {
    await start();
    await page.waitForURL((url) => url.origin === pool.domain && url.pathname === '/login');
    await submitLogin(page, 'alice', 'Alice-web-1!');
    await page.waitForURL((url) => url.href.startsWith(`${origin}${back}`));
    await page.locator('#status', { hasText: 'loaded' }).waitFor();
  }

  it('Amplify: sign-in, fetchUserAttributes, updateUserAttributes, forced refresh, signOut revokes the refresh token', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await page.goto(`${origin}/amplify.html`);
      await page.locator('#status', { hasText: 'loaded' }).waitFor();
      await signInThroughHostedUi(page, () => call(page, 'app', 'signIn'), '/callback');
      const app = <T>(method: string, ...args: unknown[]) => call<T>(page, 'app', method, ...args);

      expect(await app('whenSignedIn')).toBe('ok');
      expect(await app('attributes')).toMatchObject({
        email: 'alice@example.com',
        name: 'Alice A',
        sub: expect.any(String),
      });
      expect(await app('update', { name: 'Alice Web' })).toMatchObject({
        name: { isUpdated: true },
      });
      expect(await app('attributes')).toMatchObject({ name: 'Alice Web' });

      const before = await app<{ access?: string }>('session', false);
      const refreshes = pool.counters.tokenRequests['refresh_token'] ?? 0;
      const after = await app<{ access?: string; error?: string }>('session', true);
      expect(after.error).toBeUndefined();
      expect(after.access).toBeTruthy();
      expect(after.access).not.toBe(before.access);
      // Amplify refreshed through the API's GetTokensFromRefreshToken, which the pool runs as a refresh grant.
      expect(pool.counters.tokenRequests['refresh_token']).toBe(refreshes + 1);

      const refreshToken = await app<string | null>('refreshToken');
      expect(refreshToken?.split('.')).toHaveLength(5);
      expect(await pool.isRefreshTokenActive(refreshToken ?? '')).toBe(true);
      await app('signOut');
      await page.waitForURL((url) => url.href.startsWith(`${origin}/signed-out`));
      expect(await pool.isRefreshTokenActive(refreshToken ?? '')).toBe(false);
      expect(pool.counters.revokeRequests).toBeGreaterThanOrEqual(1);
    } finally {
      await context.close();
    }
  });

  it('oidc-client-ts: loadUserInfo reads userInfo cross-origin; revokeTokens(["refresh_token"]) succeeds', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await page.goto(`${origin}/oidc.html`);
      await page.locator('#status', { hasText: 'loaded' }).waitFor();
      await signInThroughHostedUi(page, () => call(page, 'oidc', 'signIn'), '/oidc-callback');
      const userInfoBefore = pool.counters.userInfoRequests;
      const result = await call<{ profile?: Record<string, unknown>; refreshToken?: string; error?: string }>(
        page,
        'oidc',
        'callback',
      );
      expect(result.error).toBeUndefined();
      // `username` is a userInfo field (the ID token has cognito:username): userInfo was merged in.
      expect(result.profile).toMatchObject({ username: 'alice', email: 'alice@example.com' });
      expect(pool.counters.userInfoRequests).toBe(userInfoBefore + 1);
      expect(await pool.isRefreshTokenActive(result.refreshToken ?? '')).toBe(true);
      expect(await call(page, 'oidc', 'revoke')).toBe('revoked');
      expect(await pool.isRefreshTokenActive(result.refreshToken ?? '')).toBe(false);
    } finally {
      await context.close();
    }
  });
});
