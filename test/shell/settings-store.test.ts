/**
 * The settings store (src/main/settings/settings-store.ts) and the UI services around it:
 * validated file, a bad file reported with a code and kept, atomic writes, language resolution
 * (Settings override, else the OS) that the menu and the Hosted UI `lang` share.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAppServices } from '../../src/main/app-services';
import type { CreateSessionOptions, Session } from '../../src/main/auth/session';
import { createLogger } from '../../src/main/log/logger';
import { createSettingsStore } from '../../src/main/settings/settings-store';
import { createUiServices } from '../../src/main/settings/ui-services';
import { hostedUiLanguage, pseudoLocalize, resolveLanguage } from '../../src/shared/languages';

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'settings-'));
  file = path.join(dir, 'settings.json');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('settings store', () => {
  it('defaults without a file; a change is written before update resolves and heard by listeners', async () => {
    const store = createSettingsStore({ file });
    expect(store.get()).toEqual({ settings: { language: 'system', theme: 'system' }, persisted: true });
    const heard: unknown[] = [];
    store.onChanged((v) => heard.push(v.settings));
    await store.update({ language: 'de' });
    await store.update({ theme: 'dark' });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ language: 'de', theme: 'dark' });
    expect(heard).toEqual([
      { language: 'de', theme: 'system' },
      { language: 'de', theme: 'dark' },
    ]);
    expect(createSettingsStore({ file }).get().settings).toEqual({ language: 'de', theme: 'dark' });
    expect(readdirSync(dir)).toEqual(['settings.json']);
  });

  it.each([
    ['not JSON', '{"language": "de",', /settings\.json: not valid JSON/],
    ['a bad value', '{"language": "fr"}', /settings\.json: language: /],
    ['an unknown key', '{"language": "de", "token": "x"}', /settings\.json: .*token|Unrecognized key/],
  ])(
    'a file with %s: defaults apply, a coded problem names it, the file is kept until a change, then copied aside',
    async (_what, text, message) => {
      writeFileSync(file, text);
      const store = createSettingsStore({ file, now: () => Date.UTC(2026, 11, 1, 8, 0, 0) });
      const view = store.get();
      expect(view.settings).toEqual({ language: 'system', theme: 'system' });
      expect(view.problem?.code).toBe('CONFIG_INVALID');
      expect(view.problem?.message).toMatch(message);
      expect(readFileSync(file, 'utf8')).toBe(text);
      await store.update({ theme: 'light' });
      expect(store.get().problem).toBeUndefined();
      expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ language: 'system', theme: 'light' });
      const aside = readdirSync(dir).filter((f) => f.startsWith('settings.json.invalid-'));
      expect(aside).toHaveLength(1);
      expect(readFileSync(path.join(dir, aside[0]!), 'utf8')).toBe(text);
    },
  );

  it('refuses a bad value from the window (the contract schema) and changes nothing', async () => {
    const store = createSettingsStore({ file });
    await expect(store.update({ language: 'fr' } as never)).rejects.toMatchObject({
      name: 'AppError',
      code: 'IPC_INVALID_ARGUMENT',
      message: 'Setting language has a value this app does not know.',
    });
    await expect(store.update({ theme: 'neon' } as never)).rejects.toMatchObject({
      code: 'IPC_INVALID_ARGUMENT',
      message: expect.stringContaining('Setting theme'),
    });
    expect(store.get().settings).toEqual({ language: 'system', theme: 'system' });
    expect(existsSync(file)).toBe(false);
  });

  it('a failed write rejects with a coded error and changes nothing', async () => {
    // The app data "folder" is a file: nothing can be written under it.
    writeFileSync(path.join(dir, 'blocked'), '');
    const store = createSettingsStore({ file: path.join(dir, 'blocked', 'settings.json') });
    await expect(store.update({ language: 'de' })).rejects.toMatchObject({
      code: 'INTERNAL',
      message: expect.stringMatching(/could not be saved to settings\.json \((ENOTDIR|EEXIST)\)/),
    });
    expect(store.get().settings.language).toBe('system');
  });

  it('memory only without a file', async () => {
    const store = createSettingsStore();
    await store.update({ language: 'de' });
    expect(store.get()).toEqual({ settings: { language: 'de', theme: 'system' }, persisted: false });
  });
});

describe('the app language', () => {
  it('follows the OS languages unless Settings overrides it; English when nothing matches', () => {
    expect(resolveLanguage('system', ['de-AT', 'en-US'])).toBe('de');
    expect(resolveLanguage('system', ['fr-FR', 'en-GB'])).toBe('en');
    expect(resolveLanguage('system', ['fr-FR'])).toBe('en');
    expect(resolveLanguage('system', [])).toBe('en');
    expect(resolveLanguage('en', ['de-DE'])).toBe('en');
    expect(resolveLanguage('en-XA', ['de-DE'])).toBe('en-XA');
  });

  it('one resolved language for the menu and the Hosted UI lang; none sent for the pseudo-locale', async () => {
    const ui = createUiServices({ settingsFile: file, preferredSystemLanguages: () => ['de-CH'] });
    expect(ui.language()).toBe('de');
    expect(hostedUiLanguage(ui.language())).toBe('de');
    await ui.settings.update({ language: 'en' });
    expect(hostedUiLanguage(ui.language())).toBe('en');
    await ui.settings.update({ language: 'en-XA' });
    expect(hostedUiLanguage(ui.language())).toBeUndefined();
  });

  it('pseudo-localises letters and keeps ICU arguments, plural keywords and tags working', () => {
    expect(pseudoLocalize('Welcome, {name}')).toBe('⟦Ŵéĺçóɱé, {name}⟧');
    expect(pseudoLocalize('{n, plural, one {# note} other {# notes}}')).toBe(
      '⟦{n, plural, one {# ñóţé} other {# ñóţéš}}⟧',
    );
    expect(pseudoLocalize('<strong>Kept</strong> here')).toBe('⟦<strong>Ķéþţ</strong> ĥéŕé⟧');
  });
});

describe('composed as index.ts composes it', () => {
  it('app services keep settings in <userData>/settings.json and give each sign-in the resolved Hosted UI lang', async () => {
    writeFileSync(
      path.join(dir, 'profiles.json'),
      JSON.stringify({
        id: 'work',
        label: 'Work',
        region: 'eu-west-1',
        userPoolId: 'eu-west-1_AbCdEf123',
        clientId: 'abcdefghij0123456789',
        domain: 'https://work.auth.eu-west-1.amazoncognito.com',
        scopes: ['openid'],
        redirect: { loopback: ['http://127.0.0.1:53682/callback'], prefer: 'loopback' },
        apis: [],
      }),
    );
    let captured: CreateSessionOptions | undefined;
    const services = createAppServices({
      userDataDir: dir,
      argv: [],
      env: {},
      allowDevOverrides: false,
      openExternal: async () => undefined,
      logger: createLogger({ sink: () => undefined }),
      preferredSystemLanguages: () => ['de-DE', 'en-US'],
      about: { version: '9.9.9', isDevelopment: false },
      createSession: (options) => {
        captured = options;
        // Only what the composition needs at construction; nothing here is called.
        return { onChanged: () => () => undefined, dispose: async () => undefined } as unknown as Session;
      },
    });
    try {
      const context = {
        sender: { id: 1, mainFrameUrl: 'app://x/', senderFrame: { url: 'app://x/', isMainFrame: true } },
      };
      expect(captured?.hostedUiLanguage?.()).toBe('de');
      expect(await services.handlers.invoke['system:preferred-languages']({}, context)).toEqual([
        'de-DE',
        'en-US',
      ]);
      expect(await services.handlers.invoke['app:about']({}, context)).toMatchObject({
        version: '9.9.9',
        isDevelopment: false,
      });
      await services.handlers.invoke['settings:update']({ language: 'en' }, context);
      expect(captured?.hostedUiLanguage?.()).toBe('en');
      expect(JSON.parse(readFileSync(path.join(dir, 'settings.json'), 'utf8'))).toEqual({
        language: 'en',
        theme: 'system',
      });
    } finally {
      await services.dispose();
    }
  });
});
