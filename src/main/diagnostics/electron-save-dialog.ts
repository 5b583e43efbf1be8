import { app, dialog, type BrowserWindow, type SaveDialogOptions } from 'electron';
import path from 'node:path';

/**
 * Glue only: the save dialog "Export diagnostics..." asks through (diagnostics-export.ts holds
 * everything else). Suggests the Downloads folder; resolves undefined when the user cancels.
 */
export function electronSaveDialog(
  parent: () => BrowserWindow | undefined,
): (suggestedName: string) => Promise<string | undefined> {
  return async (suggestedName) => {
    const options: SaveDialogOptions = {
      defaultPath: path.join(app.getPath('downloads'), suggestedName),
      filters: [{ name: 'JSON', extensions: ['json'] }],
      properties: ['createDirectory', 'showOverwriteConfirmation'],
    };
    const window = parent();
    const result =
      window && !window.isDestroyed()
        ? await dialog.showSaveDialog(window, options)
        : await dialog.showSaveDialog(options);
    return result.canceled || !result.filePath ? undefined : result.filePath;
  };
}
