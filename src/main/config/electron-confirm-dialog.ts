import { dialog, type BrowserWindow, type MessageBoxOptions } from 'electron';
import type { Language } from '../../shared/languages';
import { confirmationText, type ConfirmProfileChange } from './profile-change-confirmation';

/**
 * Glue only: the native dialog through which main asks the person to confirm a profile change
 * that alters where tokens or credentials go (profile-change-confirmation.ts decides when and
 * what it says). "Cancel" is the default and the answer to Escape; only "Apply" confirms.
 */
export function electronConfirmDialog(
  parent: () => BrowserWindow | undefined,
  language: () => Language,
): ConfirmProfileChange {
  return async (request) => {
    const text = confirmationText(request, language());
    const options: MessageBoxOptions = {
      type: 'warning',
      buttons: [text.cancel, text.apply],
      defaultId: 0,
      cancelId: 0,
      noLink: true,
      message: text.message,
      detail: text.detail,
    };
    const window = parent();
    const result =
      window && !window.isDestroyed()
        ? await dialog.showMessageBox(window, options)
        : await dialog.showMessageBox(options);
    return result.response === 1;
  };
}
