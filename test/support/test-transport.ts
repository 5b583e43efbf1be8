import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { build } from 'esbuild';
import type { Frame, Page } from 'playwright-core';
import { createEventBroadcaster, type EventEmitter } from '../../src/main/ipc/event-broadcaster';
import { builtPreloadSource } from './built-preload';
import { registerInvokeHandlers } from '../../src/main/ipc/handle';
import type { AppIpcHandlers } from '../../src/main/ipc/handlers';
import { createInProcessRegistrar } from '../../src/main/ipc/in-process-registrar';
import { createSenderCheck, type IpcSender, type SenderCheck } from '../../src/main/ipc/senders';

/**
 * The app's IPC for Chromium pages: the page runs the BUILT preload (out/preload/index.cjs)
 * against a recording stand-in for `require('electron')` (test-transport-page.ts), so
 * `window.desktop` is what the shipped preload really builds. Every ipcRenderer call crosses a
 * Playwright binding into this process, where it runs through the real main-side pipeline
 * (sender check, payload guard, schema, handler). Only Electron's ipcRenderer/ipcMain and
 * contextBridge are substituted.
 *
 *   const transport = await installTestTransport(page, createHandlers({ session, api, profiles }), {
 *     appUrl: `${origin}/index.html`,
 *   });
 *   await page.goto(`${origin}/index.html`);
 *   ... transport.messages is the trace of everything that crossed ...
 *   await transport.dispose();
 */

export interface TransportMessage {
  /** invoke: page -> main; result: main -> page; event: main -> page. */
  direction: 'invoke' | 'result' | 'event';
  channel: string;
  payload: unknown;
  frameUrl?: string;
}

export interface InstallTestTransportOptions {
  /** Record every message (default true). */
  record?: boolean;
  /**
   * The app page URL the sender check trusts (http(s): its origin). Without it, any URL in the
   * page's main frame is trusted; subframes and detached frames are refused either way.
   */
  appUrl?: string;
  log?: (line: string) => void;
}

/** One run of the built preload in a frame, as the electron stand-in saw it. */
export interface PreloadRun {
  frameUrl: string;
  isMainFrame: boolean;
  /** Module ids the preload asked require() for, in order. */
  requires: string[];
  /** Keys passed to contextBridge.exposeInMainWorld, in order. */
  exposed: string[];
  /** The preload threw while running (name: message). */
  error?: string;
}

export interface TestTransport {
  readonly messages: TransportMessage[];
  /** Every run of the built preload (one per frame load). */
  readonly preloadRuns: PreloadRun[];
  /** Calls of electron APIs the stand-in refuses (ipcRenderer.send, sendSync, ...): should stay empty. */
  readonly refusedCalls: string[];
  /** Sends an event to the page, through the same contract check as real events. */
  emit: EventEmitter;
  dispose(): Promise<void>;
}

let bundle: Promise<string> | undefined;

/** The stand-in's bundle with the built preload spliced in as the body of `__PRELOAD__`. */
function pageScript(): Promise<string> {
  bundle ??= build({
    entryPoints: [path.join(import.meta.dirname, 'test-transport-page.ts')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    write: false,
    logLevel: 'silent',
  }).then((result) => {
    const standIn = result.outputFiles[0]?.text ?? '';
    // Spliced as text, not eval'd: the app page's CSP forbids eval, and an init script is not
    // subject to it. The preload's closing comment (a source map URL) cannot swallow the brace.
    const preload = builtPreloadSource();
    return `const __PRELOAD__ = function (require, module, exports) {\n${preload}\n};\n${standIn}`;
  });
  return bundle;
}

const PAGE_WEB_CONTENTS_ID = 1;

type BindingMessage =
  | { kind: 'invoke'; channel: string; payload: unknown }
  | { kind: 'next-events' }
  | { kind: 'preload-ran'; requires: string[]; exposed: string[]; error?: string }
  | { kind: 'refused'; method: string };

export async function installTestTransport(
  page: Page,
  handlers: AppIpcHandlers,
  options: InstallTestTransportOptions = {},
): Promise<TestTransport> {
  const record = options.record ?? true;
  const messages: TransportMessage[] = [];
  const preloadRuns: PreloadRun[] = [];
  const refusedCalls: string[] = [];
  const note = (message: TransportMessage) => {
    // A deep copy: what crossed, not a live object a handler may mutate later.
    if (record) messages.push(JSON.parse(JSON.stringify(message)) as TransportMessage);
  };

  const registrar = createInProcessRegistrar();
  const senderCheck: SenderCheck = options.appUrl
    ? createSenderCheck({ appUrls: [options.appUrl], isAppWebContents: (id) => id === PAGE_WEB_CONTENTS_ID })
    : {
        isTrusted: (s) =>
          s.id === PAGE_WEB_CONTENTS_ID && s.senderFrame !== null && s.senderFrame.isMainFrame,
      };
  registerInvokeHandlers(
    { registrar, senderCheck, ...(options.log ? { log: options.log } : {}) },
    handlers.invoke,
  );

  const senderOf = (frame: Frame): IpcSender => ({
    id: PAGE_WEB_CONTENTS_ID,
    mainFrameUrl: page.mainFrame().url(),
    senderFrame: frame.isDetached() ? null : { url: frame.url(), isMainFrame: frame === page.mainFrame() },
  });

  let queue: Array<[string, unknown]> = [];
  let waiting: ((events: Array<[string, unknown]> | null) => void) | null = null;
  let disposed = false;

  const emit = createEventBroadcaster(
    () => [
      {
        id: PAGE_WEB_CONTENTS_ID,
        isDestroyed: () => disposed || page.isClosed(),
        send: (channel, payload) => {
          note({ direction: 'event', channel, payload });
          queue.push([channel, payload]);
          if (waiting) {
            const deliver = waiting;
            waiting = null;
            const events = queue;
            queue = [];
            deliver(events);
          }
        },
      },
    ],
    options.log,
  );
  const unsubscribe = handlers.subscribeEvents(emit);

  const bindingName = `__desktopTransport_${randomBytes(6).toString('hex')}`;
  await page.exposeBinding(bindingName, async ({ frame }, message: BindingMessage) => {
    if (message.kind === 'preload-ran') {
      preloadRuns.push({
        frameUrl: frame.url(),
        isMainFrame: frame === page.mainFrame(),
        requires: [...message.requires],
        exposed: [...message.exposed],
        ...(message.error ? { error: message.error } : {}),
      });
      return null;
    }
    if (message.kind === 'refused') {
      refusedCalls.push(String(message.method));
      return null;
    }
    if (message.kind === 'next-events') {
      // Events go to the app window's main frame only, as webContents.send does.
      // A subframe's poll ends at once (null): it never receives events.
      if (disposed || frame !== page.mainFrame()) return null;
      if (queue.length > 0) {
        const events = queue;
        queue = [];
        return events;
      }
      waiting?.([]);
      return await new Promise<Array<[string, unknown]> | null>((resolve) => (waiting = resolve));
    }
    note({ direction: 'invoke', channel: message.channel, payload: message.payload, frameUrl: frame.url() });
    const result = await registrar.invoke(message.channel, senderOf(frame), message.payload);
    note({ direction: 'result', channel: message.channel, payload: result, frameUrl: frame.url() });
    return result;
  });
  const script = await pageScript();
  // The binding name lives in a closure, not on window.
  await page.addInitScript({
    content: `(() => { const __DESKTOP_BINDING__ = ${JSON.stringify(bindingName)};\n${script}\n})();`,
  });

  return {
    messages,
    preloadRuns,
    refusedCalls,
    emit,
    async dispose() {
      disposed = true;
      unsubscribe();
      waiting?.(null);
      waiting = null;
    },
  };
}
