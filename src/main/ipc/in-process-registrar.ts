import type { InvokeChannel, IpcResult } from '../../shared/ipc-contract';
import type { IpcListener, IpcRegistrar } from './handle';
import type { IpcSender } from './senders';

/**
 * An ipcMain stand-in holding listeners in a Map: the test transport and the bench call the
 * real handle() pipeline through it. Registering a channel twice throws, as ipcMain.handle does.
 */
export interface InProcessRegistrar extends IpcRegistrar {
  channels(): InvokeChannel[];
  invoke(channel: string, sender: IpcSender, payload: unknown): Promise<IpcResult<unknown>>;
}

export function createInProcessRegistrar(): InProcessRegistrar {
  const listeners = new Map<string, IpcListener>();
  return {
    handle(channel, listener) {
      if (listeners.has(channel)) throw new Error(`second handler for ${channel}`);
      listeners.set(channel, listener);
    },
    channels: () => [...listeners.keys()] as InvokeChannel[],
    invoke(channel, sender, payload) {
      const listener = listeners.get(channel);
      if (!listener) {
        // What ipcRenderer.invoke reports for an unregistered channel, as a result instead.
        return Promise.resolve({
          ok: false,
          error: { code: 'IPC_INVALID_ARGUMENT', message: 'No such channel.' },
        });
      }
      return listener(sender, payload);
    },
  };
}
