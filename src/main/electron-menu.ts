import { Menu, type MenuItemConstructorOptions } from 'electron';
import { buildMenuTemplate, type MenuCommand, type MenuItemSpec, type MenuState } from './menu/app-menu';

/**
 * Glue only: turns the tested menu template (menu/app-menu.ts) into Electron's application
 * menu. A `command` becomes a click handler, a `role` stays Electron's role (so Edit's roles
 * reach every text field natively). Called again whenever the state changes (language, sign-in).
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
