import type { Language } from '../../shared/languages';
import { menuLabel, type MenuLabelKey } from './menu-labels';

/**
 * The application menu as plain data, from the app's state. No Electron here: electron-menu.ts
 * turns the template into a Menu (a `command` becomes a click handler, a `role` stays a role),
 * so the whole menu, per platform, is tested as data.
 *
 * Promises:
 * - macOS: the app menu (About, Settings…, Services, Hide, Hide Others, Show All, Quit), File,
 *   Edit with the standard roles (so Cmd+C/V/A work in every text field), View, Window, Help.
 * - Windows/Linux: File (Settings…, Sign Out, Exit/Quit), Edit, View, Help (with About): the same
 *   commands with the same accelerators, Cmd on macOS being Ctrl elsewhere.
 * - Reload, Force Reload and Developer Tools exist only when `isDevelopment` is true.
 * - Sign Out is enabled only while signed in.
 * - Help holds "Show Logs Folder" and then whatever `helpExtensions` adds (for example the fleet
 *   work's "Export diagnostics…", once it exists): no item is shown for a feature that is not
 *   there.
 */
export type MenuPlatform = 'darwin' | 'win32' | 'linux';

/** What a menu item asks the app to do; electron-menu.ts maps each to a handler. */
export type MenuCommand = 'show-about' | 'open-settings' | 'sign-out' | 'show-logs-folder';

/** Electron's built-in roles used here (a subset of MenuItemConstructorOptions['role']). */
export type MenuRole =
  | 'services'
  | 'hide'
  | 'hideOthers'
  | 'unhide'
  | 'quit'
  | 'close'
  | 'undo'
  | 'redo'
  | 'cut'
  | 'copy'
  | 'paste'
  | 'pasteAndMatchStyle'
  | 'delete'
  | 'selectAll'
  | 'reload'
  | 'forceReload'
  | 'toggleDevTools'
  | 'resetZoom'
  | 'zoomIn'
  | 'zoomOut'
  | 'togglefullscreen'
  | 'minimize'
  | 'zoom'
  | 'front'
  | 'window'
  | 'help';

export interface MenuItemSpec {
  /** Stable id (tests and Menu.getMenuItemById). */
  id: string;
  label?: string;
  role?: MenuRole;
  /** An app command (click handler) instead of a role. `extension:<id>` for a Help extension. */
  command?: MenuCommand | `extension:${string}`;
  accelerator?: string;
  enabled?: boolean;
  type?: 'separator';
  submenu?: MenuItemSpec[];
}

/** A Help item another part of the app registers (the extension point for diagnostics export). */
export interface HelpMenuExtension {
  id: string;
  /** Label per language; English is used for a language not given. */
  label: Partial<Record<Language, string>> & { en: string };
  accelerator?: string;
}

export interface MenuState {
  platform: MenuPlatform;
  /** True when not packaged: reload and developer tools appear. */
  isDevelopment: boolean;
  signedIn: boolean;
  language: Language;
  appName: string;
  helpExtensions?: readonly HelpMenuExtension[];
}

export function buildMenuTemplate(state: MenuState): MenuItemSpec[] {
  let separators = 0;
  const separator = (): MenuItemSpec => ({ id: `separator-${(separators += 1)}`, type: 'separator' });
  const mac = state.platform === 'darwin';
  const t = (key: MenuLabelKey) => menuLabel(state.language, key, state.appName);
  // Electron reads CmdOrCtrl as Cmd on macOS and Ctrl elsewhere; spelt out so the data says
  // exactly what each platform gets.
  const mod = mac ? 'Cmd' : 'Ctrl';
  const role = (id: string, r: MenuRole, label: MenuLabelKey, accelerator?: string): MenuItemSpec => ({
    id,
    role: r,
    label: t(label),
    ...(accelerator ? { accelerator } : {}),
  });

  const about: MenuItemSpec = { id: 'about', label: t('about'), command: 'show-about' };
  const settings: MenuItemSpec = {
    id: 'settings',
    label: t('settings'),
    command: 'open-settings',
    accelerator: `${mod}+,`,
  };
  const signOut: MenuItemSpec = {
    id: 'sign-out',
    label: t('signOut'),
    command: 'sign-out',
    // No accelerator: Cmd+Shift+Q is the system's own "Log Out" on macOS.
    enabled: state.signedIn,
  };

  const appMenu: MenuItemSpec = {
    id: 'app',
    label: state.appName,
    submenu: [
      about,
      separator(),
      settings,
      separator(),
      role('services', 'services', 'services'),
      separator(),
      role('hide', 'hide', 'hide', 'Cmd+H'),
      role('hide-others', 'hideOthers', 'hideOthers', 'Cmd+Alt+H'),
      role('show-all', 'unhide', 'showAll'),
      separator(),
      role('quit', 'quit', 'quit', 'Cmd+Q'),
    ],
  };

  const fileMenu: MenuItemSpec = {
    id: 'file',
    label: t('file'),
    submenu: mac
      ? [signOut, separator(), role('close-window', 'close', 'closeWindow', 'Cmd+W')]
      : [
          settings,
          separator(),
          signOut,
          separator(),
          state.platform === 'win32'
            ? role('quit', 'quit', 'exit', 'Alt+F4')
            : role('quit', 'quit', 'quit', 'Ctrl+Q'),
        ],
  };

  const editMenu: MenuItemSpec = {
    id: 'edit',
    label: t('edit'),
    submenu: [
      role('undo', 'undo', 'undo', `${mod}+Z`),
      role('redo', 'redo', 'redo', mac ? 'Cmd+Shift+Z' : 'Ctrl+Y'),
      separator(),
      role('cut', 'cut', 'cut', `${mod}+X`),
      role('copy', 'copy', 'copy', `${mod}+C`),
      role('paste', 'paste', 'paste', `${mod}+V`),
      ...(mac
        ? [role('paste-and-match-style', 'pasteAndMatchStyle', 'pasteAndMatchStyle', 'Cmd+Alt+Shift+V')]
        : []),
      role('delete', 'delete', 'delete'),
      separator(),
      role('select-all', 'selectAll', 'selectAll', `${mod}+A`),
    ],
  };

  const viewMenu: MenuItemSpec = {
    id: 'view',
    label: t('view'),
    submenu: [
      ...(state.isDevelopment
        ? [
            role('reload', 'reload', 'reload', `${mod}+R`),
            role('force-reload', 'forceReload', 'forceReload', `${mod}+Shift+R`),
            role('toggle-dev-tools', 'toggleDevTools', 'toggleDevTools', mac ? 'Cmd+Alt+I' : 'Ctrl+Shift+I'),
            separator(),
          ]
        : []),
      role('actual-size', 'resetZoom', 'actualSize', `${mod}+0`),
      role('zoom-in', 'zoomIn', 'zoomIn', `${mod}+Plus`),
      role('zoom-out', 'zoomOut', 'zoomOut', `${mod}+-`),
      separator(),
      role('full-screen', 'togglefullscreen', 'fullScreen', mac ? 'Ctrl+Cmd+F' : 'F11'),
    ],
  };

  const windowMenu: MenuItemSpec = {
    id: 'window',
    role: 'window',
    label: t('window'),
    submenu: [
      role('minimize', 'minimize', 'minimize', 'Cmd+M'),
      role('zoom', 'zoom', 'zoom'),
      separator(),
      role('front', 'front', 'bringAllToFront'),
    ],
  };

  const extensions: MenuItemSpec[] = (state.helpExtensions ?? []).map((extension) => ({
    id: extension.id,
    label: extension.label[state.language] ?? extension.label.en,
    command: `extension:${extension.id}`,
    ...(extension.accelerator ? { accelerator: extension.accelerator } : {}),
  }));
  const helpMenu: MenuItemSpec = {
    id: 'help',
    role: 'help',
    label: t('help'),
    submenu: [
      { id: 'show-logs-folder', label: t('showLogsFolder'), command: 'show-logs-folder' },
      ...extensions,
      ...(mac ? [] : [separator(), about]),
    ],
  };

  return mac
    ? [appMenu, fileMenu, editMenu, viewMenu, windowMenu, helpMenu]
    : [fileMenu, editMenu, viewMenu, helpMenu];
}

/** Every item of a template, depth first (for lookups and tests). */
export function flattenMenu(items: readonly MenuItemSpec[]): MenuItemSpec[] {
  return items.flatMap((item) => [item, ...flattenMenu(item.submenu ?? [])]);
}
