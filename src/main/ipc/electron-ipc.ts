import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { invokeChannels, type InvokeChannel } from '../../shared/ipc-contract';
import { createEventBroadcaster } from './event-broadcaster';
import { registerInvokeHandlers, type IpcRegistrar } from './handle';
import type { AppIpcHandlers } from './handlers';
import { createSenderCheck, type IpcSender } from './senders';

/**
 * Binds the plain-Node IPC pipeline to Electron: the real ipcMain as the registrar (this is
 * the only ipcMain.handle call in the app) and webContents.send for events, to the app's own
 * windows only.
 */
export interface ElectronIpcOptions {
  handlers: AppIpcHandlers;
  /** The app page URLs: the built file:// index.html or custom-protocol page, and the dev server URL in development. */
  appUrls: string[];
  /** The windows this app created (the only trusted senders and the only event receivers). */
  appWindows: () => BrowserWindow[];
  log?: (line: string) => void;
}

function toSender(event: IpcMainInvokeEvent): IpcSender {
  const frame = event.senderFrame;
  return {
    id: event.sender.id,
    mainFrameUrl: event.sender.getURL(),
    senderFrame: frame === null ? null : { url: frame.url, isMainFrame: frame.parent === null },
  };
}

export function registerElectronIpc(options: ElectronIpcOptions): () => void {
  const appWebContentsIds = () =>
    new Set(
      options
        .appWindows()
        .filter((w) => !w.isDestroyed())
        .map((w) => w.webContents.id),
    );
  const registrar: IpcRegistrar = {
    handle(channel, listener) {
      ipcMain.handle(channel, (event, payload: unknown) => listener(toSender(event), payload));
    },
  };
  registerInvokeHandlers(
    {
      registrar,
      senderCheck: createSenderCheck({
        appUrls: options.appUrls,
        isAppWebContents: (id) => appWebContentsIds().has(id),
      }),
      ...(options.log ? { log: options.log } : {}),
    },
    options.handlers.invoke,
  );
  const emit = createEventBroadcaster(
    () =>
      options.appWindows().map((w) => ({
        id: w.webContents.id,
        isDestroyed: () => w.isDestroyed() || w.webContents.isDestroyed(),
        send: (channel, payload) => w.webContents.send(channel, payload),
      })),
    options.log,
  );
  const unsubscribe = options.handlers.subscribeEvents(emit);
  return () => {
    unsubscribe();
    for (const channel of Object.keys(invokeChannels) as InvokeChannel[]) ipcMain.removeHandler(channel);
  };
}
