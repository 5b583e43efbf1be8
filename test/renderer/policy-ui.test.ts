import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enterPrivateKeyring, type EnteredKeyring } from '../../tools/support/keyring';
import { createAppServices, type AppServices } from '../../src/main/app-services';
import type { ProfileChangeRequest } from '../../src/main/config/profile-change-confirmation';
import { DiagnosticsBundleSchema } from '../../src/main/diagnostics/diagnostics-bundle';
import { createLogger } from '../../src/main/log/logger';
import { loadOrganisationPolicy } from '../../src/main/policy/load-policy';
import { APP_ID, POLICY_ORGANISATION } from '../../src/main/policy/policy-sources';
import {
  createUpdateController,
  type UpdateController,
  type UpdaterPort,
} from '../../src/main/updates/update-controller';
import { launchBrowser } from '../../tools/support/browser';
import { installTestTransport, type TestTransport } from '../support/test-transport';
import { builtRendererCopy } from './built-renderer';
import { screenshot, seriousA11yViolationsBothSchemes } from './page-checks';
import { startRendererServer, type RendererServer } from './renderer-server';

/**
 * The organisation policy and "Export diagnostics..." as a user meets them, in Chromium: the
 * built page over the real preload factory and the REAL app services (createAppServices, as
 * index.ts composes them minus Electron), with a real policy file in the Linux form read by
 * loadOrganisationPolicy from a temporary `linuxPolicyFile`. The save dialog is a stand-in
 * save-path chooser. No identity provider is needed: nothing here signs in.
 */
let browser: Browser;
let server: RendererServer;
let build: { dir: string; dispose: () => void } | undefined;
let dir: string;
// The exports' keychain check runs for real, against a private keyring (never the machine's).
let keyring: EnteredKeyring | undefined;

beforeAll(async () => {
  keyring = await enterPrivateKeyring();
  build = builtRendererCopy();
  server = await startRendererServer(build.dir);
  browser = await launchBrowser();
  dir = mkdtempSync(path.join(tmpdir(), 'policy-ui-'));
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  build?.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
  await keyring?.leave();
});

interface Started {
  page: Page;
  services: AppServices;
  transport: TestTransport;
  chooser: { answer: string | undefined; offered: string[] };
  /** What main's confirmation stand-in was asked (it answers yes). */
  confirmations: ProfileChangeRequest[];
  close(): Promise<void>;
}

/** One app start under the policy text `policy` (written to its own linux policy file). */
async function startApp(name: string, policy: string, updates?: UpdateController): Promise<Started> {
  const appDir = path.join(dir, name);
  const policyFile = path.join(appDir, 'policy.json');
  const userData = path.join(appDir, 'user-data');
  if (!existsSync(userData)) mkdirSync(userData, { recursive: true });
  writeFileSync(policyFile, policy);
  const outcome = await loadOrganisationPolicy({
    platform: 'linux',
    appId: APP_ID,
    organisation: POLICY_ORGANISATION,
    productName: 'Cognito Desktop',
    username: 'tester',
    linuxPolicyFile: policyFile,
  });
  const chooser = { answer: undefined as string | undefined, offered: [] as string[] };
  // Main's native confirmation of a profile change, answered yes by a stand-in that keeps what it was asked.
  const confirmations: ProfileChangeRequest[] = [];
  const services = createAppServices({
    confirmProfileChange: async (request) => {
      confirmations.push(request);
      return true;
    },
    policy: outcome,
    ...(updates ? { updates } : {}),
    userDataDir: userData,
    argv: [],
    env: {},
    allowDevOverrides: false,
    openExternal: async () => undefined,
    logger: createLogger({ sink: () => undefined, level: 'error' }),
    chooseDiagnosticsPath: async (suggested) => {
      chooser.offered.push(suggested);
      return chooser.answer;
    },
  });
  const context = await browser.newContext({ viewport: { width: 1100, height: 800 }, locale: 'en-US' });
  const page = await context.newPage();
  const transport = await installTestTransport(page, services.handlers, { appUrl: server.url });
  await page.goto(server.url);
  return {
    page,
    services,
    transport,
    chooser,
    confirmations,
    close: async () => {
      await transport.dispose();
      await context.close();
      await services.dispose();
    },
  };
}

const FIXTURE = path.resolve(import.meta.dirname, '../fixtures/policy/linux-policy.json');

describe('organisation policy in the UI', () => {
  it('a valid machine policy: Settings shows what it locks as "Managed by your organisation", and the user\'s own profiles are not read', async () => {
    const userData = path.join(dir, 'locked', 'user-data');
    mkdirSync(userData, { recursive: true });
    // The user's own file: with allowUserProfiles false it must not appear.
    writeFileSync(
      path.join(userData, 'profiles.json'),
      JSON.stringify({
        profiles: [
          {
            id: 'mine',
            label: 'My own pool',
            region: 'eu-west-1',
            userPoolId: 'eu-west-1_Mine12345',
            clientId: 'mineclient000000000000001',
            domain: 'https://mine.auth.eu-west-1.amazoncognito.com',
            scopes: ['openid'],
            redirect: { loopback: ['http://127.0.0.1:53999/callback'], prefer: 'loopback' },
            apis: [],
          },
        ],
      }),
    );
    const app = await startApp('locked', readFileSync(FIXTURE, 'utf8'));
    try {
      const { page } = app;
      await page.getByText('Example Corp').waitFor();
      await page.getByRole('button', { name: 'Settings', exact: true }).click();
      const list = page.getByTestId('profile-list');
      await list.waitFor();
      expect(await list.textContent()).toContain('Example Corp');
      expect(await list.textContent()).not.toContain('My own pool');
      expect(await list.getByTestId('managed').textContent()).toBe('Managed by your organisation');
      expect(await page.getByTestId('profiles-managed').textContent()).toBe('Managed by your organisation');

      const policy = page.getByTestId('policy');
      expect(await page.getByTestId('policy-proxy').textContent()).toBe(
        'http://proxy.example.com:3128 Managed by your organisation',
      );
      expect(await page.getByTestId('policy-updates').textContent()).toBe(
        'https://updates.example.com/desktop Managed by your organisation',
      );
      expect(await page.getByTestId('policy-logLevel').textContent()).toBe(
        'warn Managed by your organisation',
      );
      expect(await page.getByTestId('policy-memoryOnlySignIn').textContent()).toBe(
        'Not allowed Managed by your organisation',
      );
      expect(await policy.getByTestId('managed').count()).toBe(4);
      // Locked: no way to add or remove an environment of one's own.
      expect(await page.getByText('Add an environment').count()).toBe(0);
      expect(await page.getByRole('button', { name: /^Remove / }).count()).toBe(0);
      expect(await seriousA11yViolationsBothSchemes(page)).toEqual([]);
      await screenshot(page, 'settings-policy');
    } finally {
      await app.close();
    }
  }, 60_000);

  it('a policy that locks only the log level: only that row says "Managed by your organisation"', async () => {
    const app = await startApp('partly', JSON.stringify({ logLevel: 'error' }));
    try {
      await app.page.getByRole('button', { name: 'Settings', exact: true }).click();
      await app.page.getByTestId('policy').waitFor();
      expect(await app.page.getByTestId('policy').getByTestId('managed').count()).toBe(1);
      expect(await app.page.getByTestId('policy-logLevel').textContent()).toBe(
        'error Managed by your organisation',
      );
      expect(await app.page.getByTestId('policy-proxy').textContent()).toBe(
        'Not managed: the app’s defaults apply',
      );
      expect(await app.page.getByTestId('profiles-managed').count()).toBe(0);
    } finally {
      await app.close();
    }
  }, 60_000);

  it('a policy that does not validate: the error screen names the source and key, signs nobody in, and offers "Export diagnostics…"', async () => {
    const app = await startApp('broken', JSON.stringify({ logLevel: 'loud', allowUserProfile: false }));
    try {
      const policyFile = path.join(dir, 'broken', 'policy.json');
      // One error, not three: no "no environment" notice and no repeat from the session.
      await expect.poll(() => app.page.getByRole('alert').count()).toBe(1);
      const alert = app.page.getByRole('alert');
      await alert.getByText('Details').click();
      await expect.poll(() => alert.textContent()).toContain(policyFile);
      const details = (await alert.textContent()) ?? '';
      expect(details).toMatch(/key (logLevel|allowUserProfile)/);
      expect(await app.page.getByRole('button', { name: 'Sign in', exact: true }).isDisabled()).toBe(true);

      const button = alert.getByRole('button', { name: 'Export diagnostics…' });
      expect(await button.isVisible()).toBe(true);
      const file = path.join(dir, 'broken', 'diagnostics.json');
      app.chooser.answer = file;
      await button.click();
      await expect
        .poll(() => alert.getByRole('status').textContent())
        .toContain(`Diagnostics saved to ${file}`);
      // The file names the failing policy the way the screen does.
      const bundle = DiagnosticsBundleSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
      expect(bundle.policy.error).toMatchObject({ source: policyFile });
      expect(bundle.profile).toBeNull();
      expect(await seriousA11yViolationsBothSchemes(app.page)).toEqual([]);
      await screenshot(app.page, 'policy-fail-closed');
    } finally {
      await app.close();
    }
  }, 60_000);

  it('an update that is ready: "Restart to update" appears, and only the click restarts', async () => {
    const calls: string[] = [];
    // A recording stand-in for electron-updater: one newer version on the feed.
    const port: UpdaterPort = {
      setFeedUrl: (url) => void calls.push(`feed ${url}`),
      checkForUpdate: async () => (calls.push('check'), '0.2.0'),
      download: async () => void calls.push('download'),
      quitAndInstall: () => void calls.push('quitAndInstall'),
    };
    const updates = createUpdateController({
      port,
      settings: { enabled: true, feedUrl: 'https://updates.example.com/desktop', reason: 'on' },
      timers: { now: Date.now, setTimeout: () => 0, clearTimeout: () => undefined },
      isSignInActive: () => false,
    });
    const app = await startApp('updates', JSON.stringify({ logLevel: 'info' }), updates);
    try {
      await app.page.getByRole('heading', { name: 'Cognito Desktop' }).waitFor();
      expect(await app.page.getByTestId('update-banner').count()).toBe(0);
      await updates.checkNow();
      const restart = app.page.getByRole('button', { name: 'Restart to update' });
      await restart.waitFor();
      expect(await app.page.getByTestId('update-banner').textContent()).toContain('Version 0.2.0');
      expect(calls).toEqual(['check', 'download']);
      await restart.click();
      await expect.poll(() => calls.at(-1)).toBe('quitAndInstall');
    } finally {
      await app.close();
    }
  }, 60_000);

  it('where policy allows: add an environment of your own in Settings, see it at once, remove it again', async () => {
    const app = await startApp('own', JSON.stringify({ logLevel: 'info' }));
    try {
      const { page } = app;
      await page.getByRole('button', { name: 'Settings', exact: true }).click();
      await page.getByText('Add an environment').click();
      const fill = async (label: string | RegExp, value: string) => page.getByLabel(label).fill(value);
      await fill(/^Id/, 'mine');
      await fill('Name', 'My pool');
      await fill('AWS region', 'eu-west-1');
      await fill('User pool id', 'eu-west-1_Mine12345');
      await fill('App client id', 'mineclient000000000000001');
      await fill(/^Hosted UI domain/, 'http://not-https.example.com');
      await fill(/^Loopback redirect URI/, 'http://127.0.0.1:53996/callback');
      await page.getByRole('button', { name: 'Save environment' }).click();
      // Refused by main's schema, with the field named in the details.
      const refusal = page.getByRole('alert').filter({ hasText: 'The environment was not saved.' });
      await refusal.waitFor();
      expect(await refusal.textContent()).toContain('domain');

      await fill(/^Hosted UI domain/, 'https://mine.auth.eu-west-1.amazoncognito.com');
      await page.getByRole('button', { name: 'Save environment' }).click();
      await page.getByText('Environment My pool saved.').waitFor();
      // Added only after main asked: the environment and the origins it will talk to.
      expect(app.confirmations).toEqual([
        expect.objectContaining({
          kind: 'add',
          id: 'mine',
          origins: expect.arrayContaining(['https://mine.auth.eu-west-1.amazoncognito.com']),
        }),
      ]);
      const list = page.getByTestId('profile-list');
      expect(await list.textContent()).toContain('My pool');
      const file = path.join(dir, 'own', 'user-data', 'profiles.json');
      expect(JSON.parse(readFileSync(file, 'utf8')).profiles[0]).toMatchObject({
        id: 'mine',
        label: 'My pool',
      });
      expect(await seriousA11yViolationsBothSchemes(page)).toEqual([]);

      await page.getByRole('button', { name: 'Remove My pool' }).click();
      await expect.poll(() => list.count()).toBe(0);
      expect(existsSync(file)).toBe(false);
    } finally {
      await app.close();
    }
  }, 60_000);
});
