/**
 * The application menu as data (src/main/menu/app-menu.ts), per platform: what each platform's
 * users expect to find, the same commands and accelerators everywhere (Cmd on macOS being Ctrl
 * elsewhere), developer items only in development builds, Sign Out only while signed in, the
 * Help extension point, and every label in the chosen language.
 */
import { describe, expect, it } from 'vitest';
import {
  buildMenuTemplate,
  flattenMenu,
  type MenuItemSpec,
  type MenuPlatform,
  type MenuState,
} from '../../src/main/menu/app-menu';

const base: MenuState = {
  platform: 'darwin',
  isDevelopment: false,
  signedIn: true,
  language: 'en',
  appName: 'Cognito Desktop',
};
const menu = (over: Partial<MenuState>) => buildMenuTemplate({ ...base, ...over });
const top = (items: MenuItemSpec[]) => items.map((i) => i.label);
const ids = (items: MenuItemSpec[]) => flattenMenu(items).map((i) => i.id);
const byId = (items: MenuItemSpec[], id: string) => flattenMenu(items).find((i) => i.id === id);
const submenuLabels = (items: MenuItemSpec[], id: string) =>
  (byId(items, id)?.submenu ?? []).filter((i) => i.type !== 'separator').map((i) => i.label);

/** Commands and their accelerators with Cmd/Ctrl normalised, for cross-platform comparison. */
function commandsWithKeys(items: MenuItemSpec[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of flattenMenu(items)) {
    const what = item.command ?? item.role;
    if (!what || item.submenu) continue;
    out[what] = (item.accelerator ?? '').replace(/^(Cmd|Ctrl)\+/, 'Mod+');
  }
  return out;
}

describe('application menu template', () => {
  it('macOS: app menu (About, Settings…, Services, Hide, Hide Others, Show All, Quit), File, Edit, View, Window, Help', () => {
    const items = menu({ platform: 'darwin' });
    expect(top(items)).toEqual(['Cognito Desktop', 'File', 'Edit', 'View', 'Window', 'Help']);
    expect(submenuLabels(items, 'app')).toEqual([
      'About Cognito Desktop',
      'Settings…',
      'Services',
      'Hide Cognito Desktop',
      'Hide Others',
      'Show All',
      'Quit Cognito Desktop',
    ]);
    expect(byId(items, 'settings')).toMatchObject({ command: 'open-settings', accelerator: 'Cmd+,' });
    expect(byId(items, 'about')).toMatchObject({ command: 'show-about' });
    expect(byId(items, 'quit')).toMatchObject({ role: 'quit', accelerator: 'Cmd+Q' });
    expect(byId(items, 'window')?.role).toBe('window');
    expect(submenuLabels(items, 'window')).toEqual(['Minimize', 'Zoom', 'Bring All to Front']);
    // About lives in the app menu on macOS, not in Help.
    expect(submenuLabels(items, 'help')).toEqual(['Show Logs Folder']);
  });

  it.each<MenuPlatform>(['darwin', 'win32', 'linux'])(
    '%s: Edit has the standard roles, so copy/paste/select-all work in every text field',
    (platform) => {
      const edit = byId(menu({ platform }), 'edit')?.submenu ?? [];
      const roles = edit.map((i) => i.role).filter(Boolean);
      expect(roles).toEqual(
        expect.arrayContaining(['undo', 'redo', 'cut', 'copy', 'paste', 'delete', 'selectAll']),
      );
      const mod = platform === 'darwin' ? 'Cmd' : 'Ctrl';
      expect(edit.find((i) => i.role === 'copy')?.accelerator).toBe(`${mod}+C`);
      expect(edit.find((i) => i.role === 'paste')?.accelerator).toBe(`${mod}+V`);
      expect(edit.find((i) => i.role === 'selectAll')?.accelerator).toBe(`${mod}+A`);
    },
  );

  it.each<MenuPlatform>(['win32', 'linux'])(
    '%s: File/Edit/View/Help with Settings… in File and About in Help',
    (platform) => {
      const items = menu({ platform });
      expect(top(items)).toEqual(['File', 'Edit', 'View', 'Help']);
      expect(submenuLabels(items, 'file')).toEqual([
        'Settings…',
        'Sign Out',
        platform === 'win32' ? 'Exit' : 'Quit Cognito Desktop',
      ]);
      expect(byId(items, 'settings')?.accelerator).toBe('Ctrl+,');
      expect(submenuLabels(items, 'help')).toEqual(['Show Logs Folder', 'About Cognito Desktop']);
      expect(ids(items)).not.toContain('app');
      expect(ids(items)).not.toContain('window');
    },
  );

  it('the same app commands with the same accelerators on every platform (Cmd on macOS = Ctrl elsewhere)', () => {
    const mac = commandsWithKeys(menu({ platform: 'darwin' }));
    const win = commandsWithKeys(menu({ platform: 'win32' }));
    const linux = commandsWithKeys(menu({ platform: 'linux' }));
    for (const command of ['open-settings', 'show-about', 'sign-out', 'show-logs-folder']) {
      expect(mac[command], command).toBeDefined();
      expect(win[command], command).toBe(mac[command]);
      expect(linux[command], command).toBe(mac[command]);
    }
    for (const role of ['undo', 'cut', 'copy', 'paste', 'selectAll', 'resetZoom', 'zoomIn', 'zoomOut']) {
      expect(win[role], role).toBe(mac[role]);
      expect(linux[role], role).toBe(mac[role]);
    }
  });

  it.each<MenuPlatform>(['darwin', 'win32', 'linux'])(
    '%s: reload and developer tools only in development builds',
    (platform) => {
      const packaged = ids(menu({ platform, isDevelopment: false }));
      const development = ids(menu({ platform, isDevelopment: true }));
      for (const id of ['reload', 'force-reload', 'toggle-dev-tools']) {
        expect(packaged).not.toContain(id);
        expect(development).toContain(id);
      }
      const roles = flattenMenu(menu({ platform, isDevelopment: false })).map((i) => i.role);
      expect(roles).not.toContain('toggleDevTools');
      expect(roles).not.toContain('reload');
    },
  );

  it('Sign Out is enabled only while signed in', () => {
    expect(byId(menu({ signedIn: true }), 'sign-out')?.enabled).toBe(true);
    expect(byId(menu({ signedIn: false }), 'sign-out')?.enabled).toBe(false);
    expect(byId(menu({ platform: 'linux', signedIn: false }), 'sign-out')?.enabled).toBe(false);
  });

  it('Help shows no item for a feature that does not exist; an extension (diagnostics export) adds its own', () => {
    const plain = menu({ platform: 'linux' });
    expect(flattenMenu(plain).some((i) => /diagnostics/i.test(i.label ?? ''))).toBe(false);
    const extended = menu({
      platform: 'linux',
      language: 'de',
      helpExtensions: [
        {
          id: 'export-diagnostics',
          label: { en: 'Export Diagnostics…', de: 'Diagnose exportieren …' },
        },
      ],
    });
    expect(byId(extended, 'export-diagnostics')).toMatchObject({
      label: 'Diagnose exportieren …',
      command: 'extension:export-diagnostics',
    });
    expect(submenuLabels(extended, 'help')).toEqual([
      'Protokollordner anzeigen',
      'Diagnose exportieren …',
      'Über Cognito Desktop',
    ]);
  });

  it('speaks the app language: German labels, and the pseudo-locale for every label', () => {
    const de = menu({ platform: 'win32', language: 'de' });
    expect(top(de)).toEqual(['Datei', 'Bearbeiten', 'Darstellung', 'Hilfe']);
    expect(byId(de, 'settings')?.label).toBe('Einstellungen …');
    const pseudo = flattenMenu(menu({ platform: 'darwin', language: 'en-XA', isDevelopment: true }));
    for (const item of pseudo) {
      if (item.type === 'separator') continue;
      // Only the app name (a proper noun, passed in) may stay plain ASCII.
      const rest = (item.label ?? '').replace('Cognito Desktop', '');
      expect(rest, item.id).not.toMatch(/[A-Za-z]/);
    }
  });

  it('separator ids are unique and every item has an id', () => {
    for (const platform of ['darwin', 'win32', 'linux'] as const) {
      const all = ids(menu({ platform, isDevelopment: true }));
      expect(new Set(all).size).toBe(all.length);
      expect(all.every((id) => id.length > 0)).toBe(true);
    }
  });
});
