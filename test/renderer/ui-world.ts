/**
 * The desktop-UI world for renderer tests (ui-native.test.ts, admin-page.test.ts): the built page
 * with the real preload factory over the test transport, the REAL handlers, handle() pipeline and
 * UI services (settings store on a real file in a temporary app data folder, OS languages as main
 * would pass them), with scripted session, API and profile stand-ins behind them (like
 * screens-scripted.test.ts). Also the pseudo-locale's untranslated-text check.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { SessionController } from '../../src/main/auth/session-controller';
import type { ProfilesController } from '../../src/main/config/profiles-controller';
import type { ApiClient } from '../../src/main/http/api-client';
import { createHandlers } from '../../src/main/ipc/handlers';
import { createUiServices, type UiServices } from '../../src/main/settings/ui-services';
import type { ApiResponse, Profiles } from '../../src/shared/ipc-contract';
import type { SessionState } from '../../src/shared/session-state';
import { launchBrowser } from '../../tools/support/browser';
import { installTestTransport, type TestTransport } from '../support/test-transport';
import { builtRendererCopy } from './built-renderer';
import { startRendererServer, type RendererServer } from './renderer-server';

/** Page functions run in Chromium; the test tsconfig has no DOM lib, so the document is loose. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Doc = any;

export const NOW = Date.now();
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
export const USERS = [
  {
    sub: 'sub-carol',
    username: 'carol',
    groups: ['admin'],
    firstSeen: iso(-40 * DAY),
    lastSeen: iso(-2 * 60_000),
  },
  {
    sub: 'sub-dave',
    username: 'dave',
    groups: ['ops', 'dev'],
    firstSeen: iso(-3 * DAY),
    lastSeen: iso(-5 * HOUR),
  },
  { sub: 'sub-erin', username: 'erin', groups: [], firstSeen: iso(-10 * DAY), lastSeen: iso(-9 * DAY) },
  {
    sub: 'sub-bob',
    username: 'bob',
    groups: ['ops'],
    firstSeen: iso(-1 * HOUR),
    lastSeen: iso(-30 * 60_000),
  },
];
export function iso(offset: number) {
  return new Date(NOW + offset).toISOString();
}
const PROFILES: Profiles = {
  activeProfileId: 'local-demo',
  profiles: [
    {
      id: 'local-demo',
      label: 'Local demo',
      demo: true,
      apis: [{ name: 'demo', baseUrl: 'http://127.0.0.1:1' }],
    },
    { id: 'corp', label: 'Corp production', demo: false, apis: [], managed: true },
  ],
};
/** Text that is data, not UI text: it may stay plain ASCII in the pseudo-locale. */
export const DATA = [
  'Cognito Desktop',
  'Local demo',
  'Corp production',
  'carol@example.com',
  ...USERS.flatMap((u) => [u.username, u.sub, ...u.groups]),
  'Groceries',
  'milk',
  'demo',
  'MIT',
];

function signedIn(): SessionState {
  const now = Date.now();
  return {
    status: 'signed-in',
    user: { sub: 'sub-carol', username: 'carol', email: 'carol@example.com', groups: ['admin'] },
    accessTokenExpiresAt: now + 50 * 60_000,
    lastRefreshAt: now - 10 * 60_000,
    connectivity: 'online',
    nextRefreshAt: now + 45 * 60_000,
    storage: { kind: 'keychain' },
  };
}

export function json(value: unknown, status = 200): ApiResponse {
  return {
    status,
    statusText: status === 200 ? 'OK' : 'Error',
    headers: {},
    body: { kind: 'json', value },
    durationMs: 3,
  };
}

let browser: Browser;
let server: RendererServer;
let build: { dir: string; dispose: () => void } | undefined;
/** A temporary app data folder for this test file; settings files go under it. */
export let dataDir: string;

/** Call from beforeAll / afterAll. */
export async function startUiWorld(): Promise<void> {
  build = builtRendererCopy();
  server = await startRendererServer(build.dir);
  browser = await launchBrowser();
  dataDir = mkdtempSync(path.join(tmpdir(), 'ui-world-'));
}

export async function stopUiWorld(): Promise<void> {
  await browser?.close();
  await server?.close();
  build?.dispose();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}

export interface Opened {
  page: Page;
  ui: UiServices;
  transport: TestTransport;
  close(): Promise<void>;
}

/** One app start: fresh UI services over `settingsFile` (what main reads at start), one page. */
export async function openApp(options: {
  settingsFile: string;
  osLanguages?: string[];
  state?: SessionState;
  /** The admin API's answer; a promise holds it (the page shows its loading state meanwhile). */
  adminUsers?: () => ApiResponse | Promise<ApiResponse>;
}): Promise<Opened> {
  let state = options.state ?? signedIn();
  const listeners = new Set<(s: SessionState) => void>();
  const session: SessionController = {
    signIn: async () => state,
    cancelSignIn: async () => undefined,
    reopenBrowser: async () => undefined,
    signOut: async () => {
      state = { status: 'signed-out', reason: 'user', storage: { kind: 'keychain' } };
      for (const l of listeners) l(state);
      return state;
    },
    getState: () => state,
    onChanged: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
  const api: ApiClient = {
    request: async (request) => {
      if (request.path === '/admin/users') return (options.adminUsers ?? (() => json({ users: USERS })))();
      if (request.path === '/notes' && request.method === 'GET') {
        return json({ notes: [{ id: 'n1', title: 'Groceries', body: 'milk', updatedAt: iso(-HOUR) }] });
      }
      return json({ error: 'not_found' }, 404);
    },
    cancel: () => false,
  };
  const profiles: ProfilesController = { list: () => PROFILES, switchTo: async () => PROFILES };
  const ui = createUiServices({
    settingsFile: options.settingsFile,
    preferredSystemLanguages: () => options.osLanguages ?? ['en-US'],
    about: { name: 'Cognito Desktop', version: '0.1.0', licence: 'MIT', isDevelopment: true },
  });
  const context = await browser.newContext({ viewport: { width: 1100, height: 800 }, locale: 'en-US' });
  const page = await context.newPage();
  const transport = await installTestTransport(page, createHandlers({ session, api, profiles, ui }), {
    appUrl: server.url,
  });
  await page.goto(server.url);
  return {
    page,
    ui,
    transport,
    close: async () => {
      await transport.dispose();
      await context.close();
    },
  };
}

export const nav = (page: Page, name: string) =>
  page.getByRole('navigation').getByRole('button', { name, exact: true });

/**
 * Every piece of text a user can see or hear that is not catalogue text in the pseudo-locale:
 * text nodes and accessible attributes with a plain ASCII letter left once known data values are
 * removed. Skipped: technical detail (data-i18n="raw") and Intl output (data-i18n="intl", <time>).
 */
export async function untranslatedText(page: Page, data: string[]): Promise<string[]> {
  return await page.evaluate((dataValues) => {
    const doc = (globalThis as unknown as { document: Doc }).document;
    const found: string[] = [];
    const skip = (el: Doc) =>
      Boolean(el?.closest('[data-i18n="raw"], [data-i18n="intl"], time, script, style'));
    const check = (text: string, where: string) => {
      let rest = text;
      for (const value of [...dataValues].sort((a, b) => b.length - a.length))
        rest = rest.split(value).join('');
      if (/[A-Za-z]/.test(rest)) found.push(`${where}: ${text.trim().slice(0, 120)}`);
    };
    const walker = doc.createTreeWalker(doc.body, 4 /* NodeFilter.SHOW_TEXT */);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!skip(node.parentElement) && node.textContent?.trim())
        check(node.textContent, node.parentElement?.tagName ?? '?');
    }
    for (const el of Array.from(doc.body.querySelectorAll('*')) as Doc[]) {
      if (skip(el)) continue;
      for (const attr of ['aria-label', 'title', 'placeholder', 'alt']) {
        const value = el.getAttribute(attr);
        if (value) check(value, `${el.tagName}[${attr}]`);
      }
    }
    check(doc.title, 'title');
    return found;
  }, data);
}

export async function themeOf(page: Page) {
  return await page.evaluate(
    () => (globalThis as unknown as { document: Doc }).document.documentElement.dataset['theme'] ?? 'system',
  );
}
