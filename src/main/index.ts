import { app } from 'electron';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMainWindow } from './window';

// Composition root: wiring only. Every piece it wires runs and is tested in plain Node.
const preloadPath = path.join(import.meta.dirname, '../preload/index.cjs');
const rendererUrl =
  process.env['ELECTRON_RENDERER_URL'] ??
  pathToFileURL(path.join(import.meta.dirname, '../renderer/index.html')).toString();

void app.whenReady().then(() => {
  createMainWindow({ preloadPath, rendererUrl });
});

app.on('window-all-closed', () => app.quit());
