import type { SessionController } from '../auth/session-controller';
import { EXPORT_DIAGNOSTICS_MENU_ITEM, type DiagnosticsExporter } from '../diagnostics/diagnostics-export';
import type { Logger } from '../log/logger';
import type { MenuPlatform, MenuState } from '../menu/app-menu';
import type { UiServices } from '../settings/ui-services';

/**
 * How the app's services become the application menu: the menu state (language, signed in, the
 * Help extensions the services offer) and what a Help extension click does. index.ts hands the
 * result to Electron (electron-menu.ts); tests build the same menu from the same services.
 *
 * The services are named by the parts used (the app's AppServices has them), so app/ needs no
 * arrow back up to app-services.ts.
 *
 * API:
 *   appMenuState(services, shell) -> MenuState
 *   appMenuExtension(services, log) -> (id) => void     runs the extension a menu click names
 */
export function appMenuState(
  services: {
    diagnostics: DiagnosticsExporter | undefined;
    session: Pick<SessionController, 'getState'>;
    ui: Pick<UiServices, 'language'>;
  },
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
  services: { diagnostics: DiagnosticsExporter | undefined },
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
