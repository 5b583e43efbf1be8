/**
 * Every screen holds at every window size: the built page (built preload over the test transport,
 * the REAL handlers, handle() pipeline and UI services with a settings file) with scripted
 * session, API and profiles, in Chromium at the minimum window size (800x600), 1280x800 and
 * 1920x1080, light and dark, in English, German and the pseudo-locale (longer words, every letter
 * accented). Each screen and state is checked for the faults in layout-checks.ts: the page wider
 * than the window, clipped text, overlapping controls, labels away from their controls.
 *
 * One browser and one page per language; a screen is reached the way the app reaches it
 * (session:changed events from main, the navigation buttons), the size by resizing the viewport.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionController } from '../../src/main/auth/session-controller';
import type { ProfilesController } from '../../src/main/config/profiles-controller';
import type { ApiClient } from '../../src/main/http/api-client';
import { createHandlers } from '../../src/main/ipc/handlers';
import { resolvePolicy } from '../../src/main/policy/effective-policy';
import { createUiServices } from '../../src/main/settings/ui-services';
import { MIN_WINDOW_SIZE } from '../../src/main/window-state';
import type { ApiResponse, Profiles } from '../../src/shared/ipc-contract';
import type { SessionState } from '../../src/shared/session-state';
import { launchBrowser } from '../../tools/support/browser';
import { installTestTransport, type TestTransport } from '../support/test-transport';
import { builtRendererCopy } from './built-renderer';
import { layoutFaults } from './layout-checks';
import { screenshot } from './page-checks';
import { startRendererServer, type RendererServer } from './renderer-server';

const SIZES = [MIN_WINDOW_SIZE, { width: 1280, height: 800 }, { width: 1920, height: 1080 }];
const SCHEMES = ['light', 'dark'] as const;
const LANGUAGES = ['en', 'de', 'en-XA'] as const;
const KEYCHAIN = { kind: 'keychain' } as const;
const MINUTE = 60_000;

const PROFILES: Profiles = {
  activeProfileId: 'local-demo',
  profiles: [
    {
      id: 'local-demo',
      label: 'Local demo (test)',
      demo: true,
      apis: [{ name: 'demo', baseUrl: 'http://127.0.0.1:1' }],
    },
    { id: 'corp', label: 'Corp production (eu-west-1)', demo: false, apis: [], managed: true },
    { id: 'staging', label: 'Staging', demo: false, apis: [] },
  ],
};
const BROKEN_PROFILES: Profiles = {
  ...PROFILES,
  configError: {
    file: '/home/someone-with-a-long-name/.config/Cognito Desktop/profiles.json',
    message:
      'profiles[0].redirect.loopback[1]: must be an http://127.0.0.1 or http://[::1] URL with a port and a path',
  },
};
const USERS = Array.from({ length: 6 }, (_, i) => ({
  sub: `7c1e8d4a-4e3b-9f60-1c2d-3e4f5a6b00${i}`,
  username: i === 0 ? 'ExampleCorpSSO_5b2f7c1e-8d4a-4e3b-9f60-1c2d3e4f5a6b' : `user${i}`,
  groups: i % 2 ? ['admin', 'us-east-1_LocalPool1_ExampleCorpSSO'] : [],
  firstSeen: new Date(Date.now() - (i + 1) * 86_400_000).toISOString(),
  lastSeen: new Date(Date.now() - i * 3_600_000).toISOString(),
}));

function json(value: unknown, status = 200): ApiResponse {
  return {
    status,
    statusText: 'OK',
    headers: { 'content-type': 'application/json' },
    body: { kind: 'json', value },
    durationMs: 4,
  };
}

function signedIn(overrides: Partial<Extract<SessionState, { status: 'signed-in' }>> = {}): SessionState {
  const now = Date.now();
  return {
    status: 'signed-in',
    user: {
      sub: 'sub-dana',
      username: 'ExampleCorpSSO_5b2f7c1e-8d4a-4e3b-9f60-1c2d3e4f5a6b',
      email: 'dana.with-a-long-address@corp.example',
      groups: ['admin', 'us-east-1_LocalPool1_ExampleCorpSSO', 'ops'],
      identityProvider: 'ExampleCorpSSO',
    },
    accessTokenExpiresAt: now + 50 * MINUTE,
    lastRefreshAt: now - 10 * MINUTE,
    connectivity: 'online',
    nextRefreshAt: now + 45 * MINUTE,
    storage: KEYCHAIN,
    ...overrides,
  };
}

/** The screens and states; each is reached from the one before by events and clicks only. */
interface Screen {
  name: string;
  state?: () => SessionState;
  profiles?: Profiles;
  /** Index of the navigation button to press (home, notes, admin, console, settings). */
  nav?: number;
  ready: string;
}
const SCREENS: Screen[] = [
  {
    name: 'sign-in',
    state: () => ({ status: 'signed-out', reason: 'none', storage: KEYCHAIN }),
    ready: '#sign-in-heading',
  },
  {
    name: 'sign-in error',
    state: () => ({
      status: 'signed-out',
      reason: 'error',
      error: { code: 'REDIRECT_PORTS_BUSY', message: 'ports 53682, 53683 are in use by another program' },
      storage: { kind: 'memory', reason: 'No Secret Service is running on D-Bus' },
    }),
    ready: '#sign-in-heading',
  },
  {
    name: 'session expired',
    state: () => ({ status: 'signed-out', reason: 'expired', storage: KEYCHAIN }),
    ready: '[data-testid="session-ended"]',
  },
  {
    name: 'policy / profile file refused',
    profiles: BROKEN_PROFILES,
    state: () => ({
      status: 'signed-out',
      reason: 'error',
      error: { code: 'CONFIG_INVALID', message: BROKEN_PROFILES.configError!.message },
      storage: KEYCHAIN,
    }),
    ready: '[role="alert"]',
  },
  {
    name: 'waiting',
    state: () => ({ status: 'signing-in', startedAt: Date.now() - 75_000, storage: KEYCHAIN }),
    ready: '#waiting-heading',
  },
  { name: 'home', state: () => signedIn(), nav: 0, ready: '[data-testid="timeline"]' },
  {
    name: 'home offline, memory only',
    state: () =>
      signedIn({
        connectivity: 'offline',
        nextRetryAt: Date.now() + 95_000,
        storage: { kind: 'memory', reason: 'No Secret Service is running on D-Bus' },
        nextRefreshAt: undefined,
      }),
    nav: 0,
    ready: '[data-testid="offline-banner"]',
  },
  { name: 'notes', state: () => signedIn(), nav: 1, ready: '.note-list li' },
  { name: 'admin', nav: 2, ready: 'table tbody tr' },
  { name: 'API console', nav: 3, ready: '#console-heading' },
  { name: 'settings (policy)', nav: 4, ready: '[data-testid="policy"]' },
];

let browser: Browser;
let server: RendererServer;
let build: { dir: string; dispose: () => void } | undefined;
let dataDir: string;

beforeAll(async () => {
  build = builtRendererCopy();
  server = await startRendererServer(build.dir);
  browser = await launchBrowser();
  dataDir = mkdtempSync(path.join(tmpdir(), 'layout-'));
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  build?.dispose();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function openWorld(language: (typeof LANGUAGES)[number]) {
  let state: SessionState = { status: 'signed-out', reason: 'none', storage: KEYCHAIN };
  let profiles = PROFILES;
  const listeners = new Set<(s: SessionState) => void>();
  const session: SessionController = {
    signIn: async () => state,
    cancelSignIn: async () => undefined,
    reopenBrowser: async () => undefined,
    signOut: async () => state,
    getState: () => state,
    onChanged: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    retryNow: () => undefined,
  };
  const api: ApiClient = {
    request: async (request) => {
      if (request.path === '/admin/users') return json({ users: USERS });
      if (request.path === '/notes') {
        return json({
          notes: [
            {
              id: 'n1',
              title: 'Quarterly access review for the eu-west-1 pools',
              body: 'Check '.repeat(60),
              updatedAt: new Date().toISOString(),
            },
            {
              id: 'n2',
              title: 'https://very-long-host-name.internal.example.com/path/that/does/not/wrap',
              body: 'x'.repeat(300),
              updatedAt: new Date().toISOString(),
            },
          ],
        });
      }
      return json({ error: 'not_found' }, 404);
    },
    cancel: () => false,
  };
  const profilesController: ProfilesController = { list: () => profiles, switchTo: async () => profiles };
  const ui = createUiServices({
    settingsFile: path.join(dataDir, `settings-${language}.json`),
    preferredSystemLanguages: () => ['en-US'],
    about: { name: 'Cognito Desktop', version: '0.1.0', licence: 'MIT', isDevelopment: true },
  });
  await ui.settings.update({ language });
  const policy = {
    policy: resolvePolicy([
      {
        scope: 'machine',
        source: '/etc/cognito-desktop/policy.json',
        document: {
          network: {
            proxy: { url: 'http://proxy.corp.example:3128', bypass: ['*.internal.corp.example', '<local>'] },
          },
          updates: { enabled: true, feedUrl: 'https://updates.corp.example/desktop/stable/linux-x64' },
          logLevel: 'warn',
          allowMemoryOnlySignIn: false,
        },
      },
    ]),
  };
  const context = await browser.newContext({ viewport: SIZES[0], locale: 'en-US' });
  const page = await context.newPage();
  const transport: TestTransport = await installTestTransport(
    page,
    createHandlers({ session, api, profiles: profilesController, ui, policy }),
    { appUrl: server.url },
  );
  await page.goto(server.url);
  return {
    page,
    async show(screen: Screen) {
      if (screen.profiles !== undefined || profiles !== PROFILES) {
        // The profile list is read at start: a changed one needs a new start of the page.
        profiles = screen.profiles ?? PROFILES;
        if (screen.state) state = screen.state();
        await page.reload();
      } else if (screen.state) {
        state = screen.state();
        transport.emit('session:changed', state);
      }
      if (screen.nav !== undefined)
        await page.getByRole('navigation').getByRole('button').nth(screen.nav).click();
      await page.locator(screen.ready).first().waitFor();
    },
    async close() {
      await transport.dispose();
      await context.close();
    },
  };
}

/** docs/screenshots at the minimum window size: language -> screen -> file name. */
const SMALL_SCREENSHOTS: Record<string, Record<string, string>> = {
  en: { home: 'small-home', 'settings (policy)': 'small-settings' },
  de: { 'home offline, memory only': 'small-home-offline-de' },
  'en-XA': { 'API console': 'small-console-pseudo' },
};

/** Every screen at every size and in both schemes: the faults, one line each. */
async function faultsIn(
  world: Awaited<ReturnType<typeof openWorld>>,
  page: Page,
  language: string,
): Promise<string[]> {
  const found: string[] = [];
  for (const screen of SCREENS) {
    await world.show(screen);
    for (const size of SIZES) {
      await page.setViewportSize(size);
      for (const scheme of SCHEMES) {
        await page.emulateMedia({ colorScheme: scheme });
        // Layout settles in the next frame after a resize or a scheme change.
        await page.evaluate(
          () =>
            new Promise((resolve) =>
              (
                globalThis as unknown as { requestAnimationFrame: (f: () => void) => void }
              ).requestAnimationFrame(() => resolve(null)),
            ),
        );
        for (const fault of await layoutFaults(page))
          found.push(`${screen.name} @${size.width}x${size.height} ${scheme}: ${fault}`);
      }
    }
    await page.setViewportSize(SIZES[0]!);
    const file = SMALL_SCREENSHOTS[language]?.[screen.name];
    if (file) await screenshot(page, file, { dark: true });
  }
  return found;
}

describe('layout of every screen at 800x600, 1280x800 and 1920x1080, light and dark', () => {
  for (const language of LANGUAGES) {
    it(
      `in ${language}: no page overflow, no clipped text, no overlapping controls, labels by their controls`,
      { timeout: 120_000 },
      async () => {
        const world = await openWorld(language);
        try {
          expect(await faultsIn(world, world.page, language)).toEqual([]);
        } finally {
          await world.close();
        }
      },
    );
  }
});
