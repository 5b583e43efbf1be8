import keytar from 'keytar';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { startDemoApi } from '../../tools/demo-api';
import { demoPoolDefinition, startUserPool, type PoolDefinition } from '../../tools/user-pool';
import { launchBrowser } from '../../tools/support/browser';
import { freePort } from '../../tools/support/ports';
import { findElectronBinary } from '../support/electron-binary';
import { assertPrivateKeyring } from '../support/keyring-guard';

/**
 * The real app, unpackaged (out/ from `npm run build`), driven by Playwright's Electron support:
 * sign in through the local user pool's Hosted UI, call the demo API from the UI, restart and
 * find the session restored from the keychain, sign out.
 *
 * The system-browser step: the test replaces `shell.openExternal` in the app's main process
 * (electronApp.evaluate) with a recorder, then hands the recorded authorize URL to a Chromium
 * page that signs in on the Hosted UI and follows the redirect to the app's loopback listener.
 *
 * Needs the Electron binary (absent on the build machine: the test is skipped there, and says
 * why) and, on Linux, a display (run under `xvfb-run` in CI).
 */
const root = path.resolve(import.meta.dirname, '../..');
const SERVICE = 'com.example.cognitodesktop';
const CLIENT_ID = 'localdemo0desktop0client01';
const PROFILE_ID = 'launch-test';

const electron = findElectronBinary();
const missing = 'missing' in electron ? electron.missing : undefined;

/** Bounded polling: returns the first truthy value, or throws after `timeoutMs`. */
async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

async function launchApp(
  profileFile: string,
  configHome: string,
): Promise<{ app: ElectronApplication; window: Page }> {
  if (process.platform === 'linux' && !process.env['DISPLAY'] && !process.env['WAYLAND_DISPLAY']) {
    throw new Error('Electron needs a display on Linux: run this test under xvfb-run');
  }
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
  delete env['ELECTRON_RENDERER_URL']; // load the built renderer, not a dev server
  delete env['ELECTRON_RUN_AS_NODE'];
  env['XDG_CONFIG_HOME'] = configHome; // userData lands here: restarts share it, the user's stays untouched
  const app = await _electron.launch({
    executablePath: 'path' in electron ? electron.path : undefined,
    args: [root, '--profile', profileFile],
    cwd: root,
    env,
    timeout: 30_000,
  });
  // Record instead of opening a browser; the test plays the browser.
  await app.evaluate(({ shell }) => {
    const opened: string[] = [];
    (globalThis as { __openedUrls?: string[] }).__openedUrls = opened;
    Object.defineProperty(shell, 'openExternal', {
      configurable: true,
      writable: true,
      value: async (url: string) => {
        opened.push(url);
      },
    });
  });
  const window = await app.firstWindow();
  await window.waitForLoadState('domcontentloaded');
  return { app, window };
}

const openedUrls = (app: ElectronApplication) =>
  app.evaluate(() => [...((globalThis as { __openedUrls?: string[] }).__openedUrls ?? [])]);

describe('Electron app launch', () => {
  it.skipIf(missing !== undefined)(
    missing
      ? `signs in, calls the API, restores the session, signs out (skipped: ${missing})`
      : 'signs in, calls the API, restores the session, signs out',
    async () => {
      assertPrivateKeyring();
      const workDir = mkdtempSync(path.join(os.tmpdir(), 'cognito-desktop-launch-'));
      const callbackPort = await freePort();
      const callbackUrl = `http://127.0.0.1:${callbackPort}/callback`;
      const signOutUrl = `http://127.0.0.1:${callbackPort}/signed-out`;
      const definition: PoolDefinition = {
        ...demoPoolDefinition,
        clients: demoPoolDefinition.clients.map((client) => ({
          ...client,
          callbackUrls: [callbackUrl],
          logoutUrls: [signOutUrl],
        })),
      };
      const pool = await startUserPool({ definition, port: 0 });
      const api = await startDemoApi({
        issuer: pool.issuer,
        clientId: CLIENT_ID,
        port: 0,
        dbPath: path.join(workDir, 'demo-api.sqlite'),
      });
      const browser = await launchBrowser();
      let app: ElectronApplication | undefined;
      try {
        const profileFile = path.join(workDir, 'profile.json');
        writeFileSync(
          profileFile,
          JSON.stringify({
            id: PROFILE_ID,
            label: 'Launch test pool',
            region: pool.region,
            userPoolId: pool.userPoolId,
            clientId: CLIENT_ID,
            domain: pool.domain,
            issuer: pool.issuer,
            scopes: ['openid', 'email', 'profile', 'aws.cognito.signin.user.admin'],
            redirect: { loopback: [callbackUrl], prefer: 'loopback' },
            signOutUrl,
            apis: [{ name: 'demo', baseUrl: api.url }],
            demo: true,
          }),
        );
        const configHome = path.join(workDir, 'config');

        // 1. Sign in through the Hosted UI.
        let launched = await launchApp(profileFile, configHome);
        app = launched.app;
        await launched.window.getByRole('button', { name: 'Sign in' }).click();
        const authorizeUrl = await waitFor('the authorize URL', async () =>
          (await openedUrls(launched.app)).find((url) => url.startsWith(`${pool.domain}/oauth2/authorize`)),
        );
        const authorize = new URL(authorizeUrl);
        expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
        expect(authorize.searchParams.get('redirect_uri')).toBe(callbackUrl);
        const page = await browser.newPage();
        await page.goto(authorizeUrl);
        await page.getByLabel('Username').fill('alice');
        await page.getByLabel('Password').fill('Alice-demo-1!');
        await Promise.all([
          page.waitForURL((url) => url.href.startsWith(callbackUrl), { timeout: 15_000 }),
          page.getByRole('button', { name: 'Sign in' }).click(),
        ]);
        await launched.window.getByRole('heading', { name: 'Welcome, alice' }).waitFor({ timeout: 15_000 });
        const account = `${PROFILE_ID}:${CLIENT_ID}`;
        // Read by name: listing (findCredentials) can crash libsecret while other tests delete items.
        expect(await keytar.getPassword(SERVICE, account)).not.toBeNull();

        // 2. Call the demo API from the UI.
        await launched.window.getByRole('button', { name: 'API console' }).click();
        await launched.window.getByRole('button', { name: 'Send' }).click();
        await expect
          .poll(() => launched.window.getByTestId('console-body').textContent(), { timeout: 15_000 })
          .toContain('alice');

        // 3. Restart: the session comes back from the keychain without a new sign-in.
        const authorizeRequests = pool.counters.authorizeRequests;
        await launched.app.close();
        launched = await launchApp(profileFile, configHome);
        app = launched.app;
        await launched.window.getByRole('heading', { name: 'Welcome, alice' }).waitFor({ timeout: 15_000 });
        expect(pool.counters.authorizeRequests).toBe(authorizeRequests);
        expect(await openedUrls(launched.app)).toEqual([]);

        // 4. Sign out: refresh token revoked at the pool, keychain entry gone, sign-in screen back.
        const revokes = pool.counters.revokeRequests;
        await launched.window.getByRole('button', { name: /alice\s+account menu/ }).click();
        await launched.window.getByRole('button', { name: 'Sign out', exact: true }).click();
        await launched.window.getByRole('button', { name: 'Sign in' }).waitFor({ timeout: 15_000 });
        expect(pool.counters.revokeRequests).toBeGreaterThan(revokes);
        expect(await keytar.getPassword(SERVICE, account)).toBeNull();
      } finally {
        await app?.close().catch(() => undefined);
        await browser.close();
        await api.close();
        await pool.close();
        await keytar.deletePassword(SERVICE, `${PROFILE_ID}:${CLIENT_ID}`).catch(() => false);
        rmSync(workDir, { recursive: true, force: true });
      }
    },
    120_000,
  );
});
