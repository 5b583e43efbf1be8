/**
 * Runs inside the Chromium page (bundled by test-transport.ts into an init script). It is the
 * RECORDING STAND-IN for what Electron gives a sandboxed preload, and it runs the BUILT preload
 * (out/preload/index.cjs, spliced in as the body of `__PRELOAD__`) against it:
 *  - `require('electron')` returns `{ contextBridge, ipcRenderer }`; any other module throws, as
 *    in a sandboxed preload;
 *  - `contextBridge.exposeInMainWorld(key, api)` defines `window[key]` read-only and
 *    non-configurable and records the key;
 *  - `ipcRenderer.invoke/on/removeListener` cross a Playwright binding into the test process,
 *    where the real main-side pipeline answers (sender check, payload guard, schema, handler);
 *    events arrive by long-polling the same binding. Every other ipcRenderer method records the
 *    call and throws: the app's preload must not use them.
 * What the preload asked for (modules, exposed keys) is reported back to the test process once it
 * has run, and so is each refused call, so a test can assert them. The binding itself and `require` live in
 * this closure only: the page never sees them.
 *
 * Unlike Electron, the preload runs in the page's own world here (Chromium pages have no isolated
 * world for us to use), so `window.desktop` is the preload's object itself rather than a copy
 * across worlds: its frozenness is the preload's, not the stand-in's.
 */

declare const __DESKTOP_BINDING__: string;
declare const __PRELOAD__: (
  require: (id: string) => unknown,
  module: { exports: unknown },
  exports: unknown,
) => void;

type Binding = (message: unknown) => Promise<unknown>;
type IpcListener = (event: unknown, payload: unknown) => void;

const scope = globalThis as unknown as Record<string, unknown>;
const binding = scope[__DESKTOP_BINDING__] as Binding | undefined;
try {
  delete scope[__DESKTOP_BINDING__];
} catch {
  // a non-configurable binding stays visible; the browser test asserts it is gone
}

if (binding && !('desktop' in scope)) {
  const listeners = new Map<string, Set<IpcListener>>();
  const report = { requires: [] as string[], exposed: [] as string[] };
  let polling = false;

  const event = Object.freeze({ ports: Object.freeze([]) });
  // Events arrive by long-polling the binding: no page-visible callback is needed.
  const poll = async () => {
    if (polling) return;
    polling = true;
    for (;;) {
      const events = (await binding({ kind: 'next-events' })) as Array<[string, unknown]> | null;
      if (events === null) return;
      for (const [channel, payload] of events) {
        for (const listener of listeners.get(channel) ?? []) listener(event, payload);
      }
    }
  };
  const refused = (method: string) => () => {
    void binding({ kind: 'refused', method });
    throw new Error(`ipcRenderer.${method} is not part of this app's IPC (stand-in)`);
  };

  const ipcRenderer = {
    invoke(channel: string, payload: unknown): Promise<unknown> {
      return binding({ kind: 'invoke', channel, payload });
    },
    on(channel: string, listener: IpcListener) {
      const set = listeners.get(channel) ?? new Set<IpcListener>();
      listeners.set(channel, set);
      set.add(listener);
      void poll();
      return ipcRenderer;
    },
    removeListener(channel: string, listener: IpcListener) {
      listeners.get(channel)?.delete(listener);
      return ipcRenderer;
    },
    once: refused('once'),
    off: refused('off'),
    addListener: refused('addListener'),
    removeAllListeners: refused('removeAllListeners'),
    send: refused('send'),
    sendSync: refused('sendSync'),
    sendToHost: refused('sendToHost'),
    postMessage: refused('postMessage'),
  };
  const contextBridge = {
    exposeInMainWorld(key: string, api: unknown) {
      // Electron throws for a key the page already has; so does defineProperty below.
      report.exposed.push(key);
      Object.defineProperty(globalThis, key, {
        value: api,
        enumerable: true,
        writable: false,
        configurable: false,
      });
    },
    exposeInIsolatedWorld: refused('contextBridge.exposeInIsolatedWorld'),
  };
  const electron = Object.freeze({ contextBridge, ipcRenderer });
  const standInRequire = (id: string): unknown => {
    report.requires.push(id);
    if (id === 'electron') return electron;
    throw new Error(`Cannot find module '${id}' (a sandboxed preload loads only 'electron')`);
  };

  const module = { exports: {} as unknown };
  let error: string | undefined;
  try {
    __PRELOAD__(standInRequire, module, module.exports);
  } catch (err) {
    error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  }
  void binding({ kind: 'preload-ran', ...report, ...(error ? { error } : {}) });
}
