/**
 * Runs inside the Chromium page (bundled by test-transport.ts into an init script). It plays
 * the preload: it takes the Playwright binding, hides it from the page, and exposes only
 * `window.desktop = createDesktopApi(transport)`, like contextBridge.exposeInMainWorld does.
 */
import { createDesktopApi, type DesktopTransport } from '../../src/shared/desktop-api';

declare const __DESKTOP_BINDING__: string;

type Binding = (message: unknown) => Promise<unknown>;
type Listener = (payload: unknown) => void;

const scope = globalThis as unknown as Record<string, unknown>;
const binding = scope[__DESKTOP_BINDING__] as Binding | undefined;
try {
  delete scope[__DESKTOP_BINDING__];
} catch {
  // a non-configurable binding stays visible; the browser test asserts it is gone
}

if (binding && !('desktop' in scope)) {
  const listeners = new Map<string, Set<Listener>>();
  let polling = false;

  // Events arrive by long-polling the binding: no page-visible callback is needed.
  const poll = async () => {
    if (polling) return;
    polling = true;
    for (;;) {
      const events = (await binding({ kind: 'next-events' })) as Array<[string, unknown]> | null;
      if (events === null) return;
      for (const [channel, payload] of events) {
        for (const listener of listeners.get(channel) ?? []) listener(payload);
      }
    }
  };

  const transport: DesktopTransport = {
    invoke: (channel, payload) => binding({ kind: 'invoke', channel, payload }),
    on: (channel, listener) => {
      const set = listeners.get(channel) ?? new Set<Listener>();
      listeners.set(channel, set);
      set.add(listener);
      void poll();
      return () => void set.delete(listener);
    },
  };

  Object.defineProperty(globalThis, 'desktop', {
    value: createDesktopApi(transport),
    enumerable: true,
    writable: false,
    configurable: false,
  });
}
