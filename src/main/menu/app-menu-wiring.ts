import type { AppServices } from '../app-services';
import { EXPORT_DIAGNOSTICS_MENU_ITEM } from '../diagnostics/diagnostics-export';
import type { Logger } from '../log/logger';
import type { MenuPlatform, MenuState } from './app-menu';

/**
 * How the app's services become the application menu: the menu state (language, signed in, the
 * Help extensions the services offer) and what a Help extension click does. index.ts hands the
 * result to Electron (electron-menu.ts); tests build the same menu from the same services.
 *
 * API:
 *   appMenuState(services, shell) -> MenuState
 *   appMenuExtension(services, log) -> (id) => void     runs the extension a menu click names
 */
export function appMenuState(
  services: Pick<AppServices, 'diagnostics' | 'session' | 'ui'>,
  shell: { platform: NodeJS.Platform; isDevelopment: boolean; appName: string },
): MenuState {
  const platform: MenuPlatform =
    shell.platform === 'darwin' || shell.platform === 'win32' ? shell.platform : 'linux';
  return {
    platform,
    isDevelopment: shell.isDevelopment,
    signedIn: services.session.getState().status === 'signed-in',
    language: services.ui.language(),
    appName: shell.appName,
    // Offered only where the services can export (a save dialog was given).
    helpExtensions: services.diagnostics ? [EXPORT_DIAGNOSTICS_MENU_ITEM] : [],
  };
}

export function appMenuExtension(
  services: Pick<AppServices, 'diagnostics'>,
  log: Pick<Logger, 'info' | 'error'>,
): (id: string) => void {
  return (id) => {
    if (id !== EXPORT_DIAGNOSTICS_MENU_ITEM.id) return;
    services.diagnostics?.export().then(
      (outcome) => log.info(outcome.saved ? `diagnostics saved to ${outcome.file}` : 'diagnostics not saved'),
      (error: unknown) => log.error('diagnostics export failed', { error }),
    );
  };
}
