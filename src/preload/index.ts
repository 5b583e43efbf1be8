import { contextBridge, ipcRenderer } from 'electron';
import { createDesktopApi } from '../shared/desktop-api';

// The page gets named methods only; ipcRenderer itself never crosses the bridge.
contextBridge.exposeInMainWorld(
  'desktop',
  createDesktopApi({
    invoke: (channel, payload) => ipcRenderer.invoke(channel, payload),
    on: (channel, listener) => {
      const wrapped = (_event: Electron.IpcRendererEvent, payload: unknown) => listener(payload);
      ipcRenderer.on(channel, wrapped);
      return () => ipcRenderer.removeListener(channel, wrapped);
    },
  }),
);
