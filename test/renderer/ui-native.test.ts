/**
 * Languages, settings and menu commands in Chromium, over the UI world (ui-world.ts: real
 * handlers and UI services, scripted session/API/profiles):
 *
 * - language: follows the OS languages, switches in Settings (English, German, the pseudo-locale),
 *   and in the pseudo-locale no text on any screen bypasses the catalogue;
 * - settings changes are persisted by main and come back on the next start; a bad settings file is
 *   reported and kept;
 * - the menu's commands (Settings…, About) reach the page;
 * - axe on every screen in both languages and both themes; German screenshots.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot, seriousA11yViolations } from './page-checks';
import {
  DATA,
  dataDir,
  nav,
  openApp,
  startUiWorld,
  stopUiWorld,
  themeOf,
  untranslatedText,
  type Doc,
} from './ui-world';

beforeAll(startUiWorld);
afterAll(stopUiWorld);

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
