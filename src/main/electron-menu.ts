import { app, Menu, nativeTheme, shell, type MenuItemConstructorOptions } from 'electron';
import type { AppServices } from './app-services';
import { appMenuExtension, appMenuState } from './app/menu-wiring';
import type { Logger } from './log/logger';
import { buildMenuTemplate, type MenuCommand, type MenuItemSpec, type MenuState } from './menu/app-menu';

/**
 * Glue only: turns the tested menu template (menu/app-menu.ts) into Electron's application
 * menu. A `command` becomes a click handler, a `role` stays Electron's role (so Edit's roles
 * reach every text field natively). `followSettings` builds it again, with the native theme,
 * whenever the state it shows changes (settings: language, theme; the session: signed in or not).
 */
export interface ElectronMenuHandlers {
  command(command: MenuCommand): void;
  /** A Help extension's item was chosen (`extension:<id>`). */
  extension?(id: string): void;
}

function toElectron(item: MenuItemSpec, handlers: ElectronMenuHandlers): MenuItemConstructorOptions {
  if (item.type === 'separator') return { type: 'separator' };
  const options: MenuItemConstructorOptions = { id: item.id };
  if (item.label !== undefined) options.label = item.label;
  if (item.role !== undefined) options.role = item.role;
  if (item.accelerator !== undefined) options.accelerator = item.accelerator;
  if (item.enabled !== undefined) options.enabled = item.enabled;
  if (item.submenu) options.submenu = item.submenu.map((child) => toElectron(child, handlers));
  const command = item.command;
  if (command?.startsWith('extension:')) {
    const id = command.slice('extension:'.length);
    options.click = () => handlers.extension?.(id);
  } else if (command !== undefined) {
    options.click = () => handlers.command(command as MenuCommand);
  }
  return options;
}

export function applyApplicationMenu(state: MenuState, handlers: ElectronMenuHandlers): void {
  const template = buildMenuTemplate(state).map((item) => toElectron(item, handlers));
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

export interface FollowSettingsOptions {
  isDevelopment: boolean;
  focusWindow(): void;
  log: Logger;
}

/** Theme and menu follow the settings and the session; both are rebuilt from plain state. */
export function followSettings(services: AppServices, options: FollowSettingsOptions): void {
  const apply = () => {
    nativeTheme.themeSource = services.ui.settings.get().settings.theme;
    applyApplicationMenu(
      appMenuState(services, {
        platform: process.platform,
        isDevelopment: options.isDevelopment,
        appName: app.getName(),
      }),
      {
        extension: appMenuExtension(services, options.log),
        command: (command) => {
          if (command === 'show-logs-folder') void shell.openPath(app.getPath('logs'));
          else {
            options.focusWindow();
            services.ui.sendCommand(command);
          }
        },
      },
    );
  };
  apply();
  services.ui.settings.onChanged(apply);
  let wasSignedIn = false;
  services.session.onChanged((state) => {
    if ((state.status === 'signed-in') !== wasSignedIn) {
      wasSignedIn = state.status === 'signed-in';
      apply();
    }
  });
}
