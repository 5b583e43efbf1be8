import { BrowserWindow, dialog } from 'electron';
import type { ConfirmPort } from './confirm-port';

/**
 * The ConfirmPort as Electron's native message box, modal to the focused app window. Cancel is
 * the default and the Escape answer; only the confirm button (index 1) says yes.
 */
export const electronConfirmDialog: ConfirmPort = {
  async confirm(request) {
    const options = {
      type: 'warning' as const,
      buttons: [request.cancelLabel, request.confirmLabel],
      defaultId: 0,
      cancelId: 0,
      noLink: true,
      message: request.message,
      detail: request.detail,
    };
    try {
      const parent = BrowserWindow.getFocusedWindow();
      const { response } = parent
        ? await dialog.showMessageBox(parent, options)
        : await dialog.showMessageBox(options);
      return response === 1;
    } catch {
      return false;
    }
  },
};
