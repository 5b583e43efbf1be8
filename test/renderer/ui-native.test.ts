/**
 * The desktop-UI work in Chromium: the built page with the real preload factory over the test
 * transport, the REAL handlers, handle() pipeline and UI services (settings store on a real file
 * in a temporary app data folder, OS languages as main would pass them), with scripted session,
 * API and profile stand-ins behind them (like screens-scripted.test.ts).
 *
 * - language: follows the OS languages, switches in Settings (English, German, the pseudo-locale),
 *   and in the pseudo-locale no text on any screen bypasses the catalogue;
 * - settings changes are persisted by main and come back on the next start; a bad settings file is
 *   reported and kept;
 * - the menu's commands (Settings…, About) reach the page;
 * - the admin page: human column names, sort by each column, filter, detail view, keyboard;
 * - axe on every screen in both languages and both themes; German screenshots.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionController } from '../../src/main/auth/session-controller';
import type { ProfilesController } from '../../src/main/config/profiles-controller';
import type { ApiClient } from '../../src/main/http/api-client';
import { createHandlers } from '../../src/main/ipc/handlers';
import { createUiServices, type UiServices } from '../../src/main/ui-services';
import type { ApiResponse, Profiles } from '../../src/shared/ipc-contract';
import type { SessionState } from '../../src/shared/session-state';
import { launchBrowser } from '../support/browser';
import { installTestTransport, type TestTransport } from '../support/test-transport';
import { builtRendererCopy } from './built-renderer';
import { screenshot, seriousA11yViolations } from './page-checks';
import { startRendererServer, type RendererServer } from './renderer-server';

/** Page functions run in Chromium; the test tsconfig has no DOM lib, so the document is loose. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = any;

const NOW = Date.now();
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const USERS = [
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
function iso(offset: number) {
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
const DATA = [
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

function json(value: unknown, status = 200): ApiResponse {
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
let dataDir: string;

beforeAll(async () => {
  build = builtRendererCopy();
  server = await startRendererServer(build.dir);
  browser = await launchBrowser();
  dataDir = mkdtempSync(path.join(tmpdir(), 'ui-native-'));
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  build?.dispose();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

interface Opened {
  page: Page;
  ui: UiServices;
  transport: TestTransport;
  close(): Promise<void>;
}

/** One app start: fresh UI services over `settingsFile` (what main reads at start), one page. */
async function openApp(options: {
  settingsFile: string;
  osLanguages?: string[];
  state?: SessionState;
  adminUsers?: () => ApiResponse;
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

const nav = (page: Page, name: string) =>
  page.getByRole('navigation').getByRole('button', { name, exact: true });

/**
 * Every piece of text a user can see or hear that is not catalogue text in the pseudo-locale:
 * text nodes and accessible attributes with a plain ASCII letter left once known data values are
 * removed. Skipped: technical detail (data-i18n="raw") and Intl output (data-i18n="intl", <time>).
 */
async function untranslatedText(page: Page, data: string[]): Promise<string[]> {
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

async function themeOf(page: Page) {
  return await page.evaluate(
    () => (globalThis as unknown as { document: Doc }).document.documentElement.dataset['theme'] ?? 'system',
  );
}

describe('language, settings and menu commands', () => {
  it('follows the OS language (German), switches to English and back in Settings, and keeps the choice in the settings file', async () => {
    const settingsFile = path.join(dataDir, 'lang', 'settings.json');
    const app = await openApp({ settingsFile, osLanguages: ['de-DE', 'en-US'] });
    try {
      const { page } = app;
      await page.getByRole('heading', { name: 'Willkommen, carol' }).waitFor();
      expect(
        await page.evaluate(() => (globalThis as unknown as { document: Doc }).document.documentElement.lang),
      ).toBe('de');
      expect(await page.getByTestId('connectivity').textContent()).toBe('Online');
      expect(await page.getByTestId('storage').textContent()).toBe('Schlüsselbund des Systems');
      await screenshot(page, 'home-de');

      await nav(page, 'Einstellungen').click();
      await page.getByRole('heading', { name: 'Einstellungen', level: 2 }).waitFor();
      await page.getByLabel('Sprache', { exact: true }).selectOption('en');
      await page.getByRole('heading', { name: 'Settings', level: 2 }).waitFor();
      expect(await nav(page, 'Home').isVisible()).toBe(true);
      expect(JSON.parse(readFileSync(settingsFile, 'utf8'))).toEqual({ language: 'en', theme: 'system' });

      await page.getByLabel('Language', { exact: true }).selectOption('de');
      await page.getByRole('heading', { name: 'Einstellungen', level: 2 }).waitFor();
      await page.getByRole('radio', { name: 'Dunkel' }).check();
      await page.waitForFunction(
        () =>
          (globalThis as unknown as { document: Doc }).document.documentElement.dataset['theme'] === 'dark',
      );
      expect(JSON.parse(readFileSync(settingsFile, 'utf8'))).toEqual({ language: 'de', theme: 'dark' });
      expect(await page.getByText('Von Ihrer Organisation verwaltet').count()).toBe(1);
      expect(await page.getByTestId('settings-storage').textContent()).toMatch(/Schlüsselbund/);
      expect(await page.getByTestId('about-version').textContent()).toBe('0.1.0');
      await screenshot(page, 'settings-de');
    } finally {
      await app.close();
    }

    // The next start reads the file: German and dark although the OS says English.
    const again = await openApp({ settingsFile, osLanguages: ['en-US'] });
    try {
      await again.page.getByRole('heading', { name: 'Willkommen, carol' }).waitFor();
      expect(await themeOf(again.page)).toBe('dark');
      await nav(again.page, 'Einstellungen').click();
      expect(await again.page.getByLabel('Sprache', { exact: true }).inputValue()).toBe('de');
      expect(await again.page.getByRole('radio', { name: 'Dunkel' }).isChecked()).toBe(true);
      // Back to following the system: English from the OS.
      await again.page.getByLabel('Sprache', { exact: true }).selectOption('system');
      await again.page.getByRole('radio', { name: 'Same as the system' }).check();
      await again.page.getByRole('heading', { name: 'Settings', level: 2 }).waitFor();
      expect(await themeOf(again.page)).toBe('system');
      expect(JSON.parse(readFileSync(settingsFile, 'utf8'))).toEqual({ language: 'system', theme: 'system' });
    } finally {
      await again.close();
    }
  });

  it('pseudo-locale: no text on any screen bypasses the catalogue', async () => {
    const settingsFile = path.join(dataDir, 'pseudo', 'settings.json');
    const app = await openApp({ settingsFile });
    try {
      const { page } = app;
      await page.getByRole('heading', { name: 'Welcome, carol' }).waitFor();
      await app.ui.settings.update({ language: 'en-XA' });
      await page.getByRole('heading', { name: /^⟦Ŵéĺçóɱé, carol⟧$/ }).waitFor();
      const problems: string[] = [];
      const screens: Array<[string, string]> = [
        ['home', '⟦Ĥóɱé⟧'],
        ['notes', '⟦Ñóţéš⟧'],
        ['admin', '⟦Áďɱíñ⟧'],
        ['console', '⟦ÁÞÍ çóñšóĺé⟧'],
        ['settings', '⟦Šéţţíñĝš⟧'],
      ];
      for (const [name, label] of screens) {
        await nav(page, label).click();
        await page.locator('main h2').first().waitFor();
        if (name === 'notes') await page.getByText('Groceries').waitFor();
        if (name === 'admin') {
          await page.getByRole('table').waitFor();
          await page.getByRole('button', { name: 'dave', exact: true }).click();
          await page.getByTestId('admin-detail').waitFor();
        }
        // Open every disclosure so hidden text is checked too.
        await page.evaluate(() => {
          const doc: Doc = (globalThis as unknown as { document: Doc }).document;
          for (const d of Array.from(doc.querySelectorAll('details')) as Doc[]) d.open = true;
        });
        problems.push(...(await untranslatedText(page, DATA)).map((p) => `${name}: ${p}`));
      }
      // The account menu, and the signed-out screens.
      await page.getByRole('button', { name: /carol/ }).click();
      problems.push(...(await untranslatedText(page, DATA)).map((p) => `account menu: ${p}`));
      await screenshot(page, 'settings-pseudo');
      expect(problems).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('the pseudo-locale check catches text that bypasses the catalogue', async () => {
    const app = await openApp({ settingsFile: path.join(dataDir, 'pseudo-neg', 'settings.json') });
    try {
      await app.ui.settings.update({ language: 'en-XA' });
      await app.page.getByRole('heading', { name: /^⟦Ŵéĺçóɱé, carol⟧$/ }).waitFor();
      expect(await untranslatedText(app.page, DATA)).toEqual([]);
      await app.page.evaluate(() => {
        const doc = (globalThis as unknown as { document: Doc }).document;
        doc.querySelector('main h2')?.insertAdjacentHTML('afterend', '<p>Hard-coded text</p>');
      });
      expect(await untranslatedText(app.page, DATA)).toEqual(['P: Hard-coded text']);
    } finally {
      await app.close();
    }
  });

  it('signed out: Settings from the sign-in screen; the menu commands open Settings and About', async () => {
    const app = await openApp({
      settingsFile: path.join(dataDir, 'signed-out', 'settings.json'),
      state: {
        status: 'signed-out',
        reason: 'none',
        storage: { kind: 'memory', reason: 'No Secret Service' },
      },
    });
    try {
      const { page, ui } = app;
      await page.getByRole('button', { name: 'Sign in' }).waitFor();
      ui.sendCommand('show-about');
      await page.getByRole('heading', { name: 'About Cognito Desktop' }).waitFor();
      await page.waitForFunction(
        () => (globalThis as unknown as { document: Doc }).document.activeElement?.id === 'about-heading',
      );
      expect(await page.getByTestId('settings-storage').textContent()).toMatch(/memory only/);
      await page.getByRole('button', { name: '← Back to sign-in' }).click();
      await page.getByRole('button', { name: 'Sign in' }).waitFor();
      ui.sendCommand('open-settings');
      await page.getByRole('heading', { name: 'Settings', level: 2 }).waitFor();
      await screenshot(page, 'settings', { dark: true });
    } finally {
      await app.close();
    }
  });

  it('a bad settings file: the defaults apply, the problem is shown, and the file is kept until a change copies it aside', async () => {
    const folder = path.join(dataDir, 'bad');
    const settingsFile = path.join(folder, 'settings.json');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(folder, { recursive: true });
    writeFileSync(settingsFile, '{"language": "klingon"}');
    const app = await openApp({ settingsFile, osLanguages: ['de-DE'] });
    try {
      const { page } = app;
      await nav(page, 'Einstellungen').click();
      const notice = page
        .getByRole('alert')
        .filter({ hasText: 'Ihre Einstellungsdatei konnte nicht gelesen werden' });
      await notice.waitFor();
      expect(await notice.textContent()).toMatch(/CONFIG_INVALID/);
      expect(readFileSync(settingsFile, 'utf8')).toBe('{"language": "klingon"}');
      await page.getByLabel('Sprache', { exact: true }).selectOption('en');
      await page.getByRole('heading', { name: 'Settings', level: 2 }).waitFor();
      expect(await page.getByRole('alert').count()).toBe(0);
      const aside = readdirSync(folder).filter((f) => f.startsWith('settings.json.invalid-'));
      expect(aside.map((f) => readFileSync(path.join(folder, f), 'utf8'))).toEqual([
        '{"language": "klingon"}',
      ]);
    } finally {
      await app.close();
    }
  });
});

describe('the admin page', () => {
  const rowNames = async (page: Page) =>
    (await page.getByRole('table').locator('tbody tr td:first-child').allTextContents()).map((s) => s.trim());

  it('human column names, relative times with the exact time on hover, sort by each column, filter, detail view, keyboard', async () => {
    const app = await openApp({ settingsFile: path.join(dataDir, 'admin', 'settings.json') });
    try {
      const { page } = app;
      await nav(page, 'Admin').click();
      const table = page.getByRole('table', { name: 'Users of the user pool' });
      await table.waitFor();
      expect(
        (await table.locator('thead th').allTextContents()).map((s) => s.replace(/[▲▼]/, '').trim()),
      ).toEqual(['User', 'Groups', 'First seen', 'Last seen']);
      // Sorted by user name first.
      expect(await rowNames(page)).toEqual(['bob', 'carol', 'dave', 'erin']);
      expect(await table.getByRole('columnheader', { name: 'User' }).getAttribute('aria-sort')).toBe(
        'ascending',
      );
      const carolLastSeen = table.locator('tbody tr').nth(1).locator('time').last();
      expect(await carolLastSeen.textContent()).toMatch(/^2 minutes ago/);
      expect(await carolLastSeen.getAttribute('title')).toMatch(/\d{4}/);
      expect(await carolLastSeen.getAttribute('datetime')).toBe(USERS[0]!.lastSeen);

      await table.getByRole('button', { name: 'Last seen' }).click();
      expect(await rowNames(page)).toEqual(['erin', 'dave', 'bob', 'carol']);
      expect(await table.getByRole('columnheader', { name: /Last seen/ }).getAttribute('aria-sort')).toBe(
        'ascending',
      );
      await table.getByRole('button', { name: 'Last seen' }).click();
      expect(await rowNames(page)).toEqual(['carol', 'bob', 'dave', 'erin']);
      expect(await table.getByRole('columnheader', { name: /Last seen/ }).getAttribute('aria-sort')).toBe(
        'descending',
      );
      expect(await table.getByRole('columnheader', { name: 'User' }).getAttribute('aria-sort')).toBe('none');
      await table.getByRole('button', { name: 'First seen' }).click();
      expect(await rowNames(page)).toEqual(['carol', 'erin', 'dave', 'bob']);
      await table.getByRole('button', { name: 'Groups' }).click();
      expect(await rowNames(page)).toEqual(['carol', 'bob', 'dave', 'erin']);

      // Filter by group; the count says how many are shown.
      await page.getByLabel('Filter by name, group or user ID').fill('ops');
      expect(await rowNames(page)).toEqual(['bob', 'dave']);
      expect(await page.getByTestId('admin-count').textContent()).toBe('Showing 2 of 4 users');
      await page.getByLabel('Filter by name, group or user ID').fill('nobody');
      await page.getByText('No user matches the filter.').waitFor();
      await page.getByLabel('Filter by name, group or user ID').fill('');
      await screenshot(page, 'admin-sorted');

      // Detail view by keyboard: Tab to the user, Enter opens it, Escape closes and returns focus.
      const dave = table.getByRole('button', { name: 'dave', exact: true });
      await dave.focus();
      await page.keyboard.press('Enter');
      const detail = page.getByRole('region', { name: 'User details: dave' });
      await detail.waitFor();
      expect(await dave.getAttribute('aria-expanded')).toBe('true');
      expect(await detail.getByRole('list', { name: 'Groups' }).textContent()).toBe('opsdev');
      expect(await detail.textContent()).toMatch(/sub-dave/);
      expect(await detail.textContent()).toMatch(/Not reported by the API/);
      expect(
        await page.evaluate(
          () => (globalThis as unknown as { document: Doc }).document.activeElement?.tagName,
        ),
      ).toBe('H3');
      await screenshot(page, 'admin-detail');
      expect(await seriousA11yViolations(page)).toEqual([]);
      await page.keyboard.press('Escape');
      await detail.waitFor({ state: 'detached' });
      expect(
        await dave.evaluate(
          (el) => el === (globalThis as unknown as { document: Doc }).document.activeElement,
        ),
      ).toBe(true);
    } finally {
      await app.close();
    }
  });

  it('loading, empty and error states', async () => {
    let answer: () => ApiResponse = () => json({ users: [] });
    const app = await openApp({
      settingsFile: path.join(dataDir, 'admin-states', 'settings.json'),
      adminUsers: () => answer(),
    });
    try {
      const { page } = app;
      await nav(page, 'Admin').click();
      await page.getByText('The user pool has no users.').waitFor();
      answer = () => json({ error: 'boom' }, 500);
      await nav(page, 'Home').click();
      await nav(page, 'Admin').click();
      await page.getByRole('alert').filter({ hasText: 'The user list could not be loaded.' }).waitFor();
      answer = () => json({ users: USERS });
      await page.getByRole('button', { name: 'Try again' }).click();
      await page.getByRole('table').waitFor();
    } finally {
      await app.close();
    }
  });
});

describe('accessibility', () => {
  it(
    'axe finds nothing serious on any screen, in English and German, light and dark',
    { timeout: 240_000 },
    async () => {
      const app = await openApp({ settingsFile: path.join(dataDir, 'axe', 'settings.json') });
      const findings: string[] = [];
      try {
        const { page, ui } = app;
        await page.getByRole('heading', { name: 'Welcome, carol' }).waitFor();
        for (const language of ['en', 'de'] as const) {
          for (const theme of ['light', 'dark'] as const) {
            await ui.settings.update({ language, theme });
            await page.waitForFunction(
              ([l, t]) => {
                const root = (globalThis as unknown as { document: Doc }).document.documentElement;
                return root.lang === l && root.dataset['theme'] === t;
              },
              [language, theme] as const,
            );
            const labels =
              language === 'en'
                ? ['Home', 'Notes', 'Admin', 'API console', 'Settings']
                : ['Start', 'Notizen', 'Verwaltung', 'API-Konsole', 'Einstellungen'];
            for (const label of labels) {
              await nav(page, label).click();
              await page.locator('main h2').first().waitFor();
              if (label === 'Admin' || label === 'Verwaltung') await page.getByRole('table').waitFor();
              if (label === 'Notes' || label === 'Notizen') await page.getByText('Groceries').waitFor();
              findings.push(
                ...(await seriousA11yViolations(page)).map((f) => `${language}/${theme}/${label}: ${f}`),
              );
            }
            if (language === 'de' && theme === 'light') {
              await nav(page, 'Verwaltung').click();
              await page.getByRole('table').waitFor();
              await screenshot(page, 'admin-de');
            }
          }
        }
      } finally {
        await app.close();
      }
      // The signed-out screens: sign-in and its Settings, both languages and themes.
      const out = await openApp({
        settingsFile: path.join(dataDir, 'axe-out', 'settings.json'),
        state: { status: 'signed-out', reason: 'none', storage: { kind: 'keychain' } },
      });
      try {
        for (const language of ['en', 'de'] as const) {
          for (const theme of ['light', 'dark'] as const) {
            await out.ui.settings.update({ language, theme });
            await out.page.waitForFunction(
              (l) => (globalThis as unknown as { document: Doc }).document.documentElement.lang === l,
              language,
            );
            const signIn = language === 'en' ? 'Sign in' : 'Anmelden';
            await out.page.getByRole('button', { name: signIn, exact: true }).waitFor();
            findings.push(
              ...(await seriousA11yViolations(out.page)).map((f) => `${language}/${theme}/sign-in: ${f}`),
            );
            if (language === 'de' && theme === 'light') await screenshot(out.page, 'sign-in-de');
            await out.page
              .getByRole('button', { name: language === 'en' ? 'Settings' : 'Einstellungen' })
              .click();
            await out.page.locator('main h2').first().waitFor();
            findings.push(
              ...(await seriousA11yViolations(out.page)).map((f) => `${language}/${theme}/settings: ${f}`),
            );
            await out.page.getByRole('button', { name: /←/ }).click();
          }
        }
      } finally {
        await out.close();
      }
      expect(findings).toEqual([]);
    },
  );
});
