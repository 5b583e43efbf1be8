/**
 * Who may call an IPC handler: a webContents this app created, from its main frame, showing
 * the app's own page. Electron hands every IPC message a sender; a subframe (an embedded ad,
 * a compromised iframe) or a page that navigated elsewhere must not reach the handlers.
 */

/** The sender as handle() needs it; electron-ipc.ts builds it from IpcMainInvokeEvent. */
export interface IpcSenderFrame {
  url: string;
  isMainFrame: boolean;
}

export interface IpcSender {
  /** webContents id. */
  id: number;
  mainFrameUrl: string;
  /** Null when the frame navigated or was destroyed before the message was handled. */
  senderFrame: IpcSenderFrame | null;
}

export interface SenderCheck {
  isTrusted(sender: IpcSender): boolean;
}

export interface SenderCheckOptions {
  /** True for webContents ids of windows this app created. */
  isAppWebContents(id: number): boolean;
  /**
   * URLs of the app's own page: the built `file://.../index.html`, a custom-protocol page
   * (`app://bundle/index.html`) or the dev server (`http://localhost:5173/`). For http(s) and
   * custom protocols the origin must match; for `file:` the exact file path must match,
   * because every file URL shares the opaque origin "null".
   */
  appUrls: string[];
}

type Matcher = (url: URL) => boolean;

function matcherFor(appUrl: string): Matcher {
  const app = new URL(appUrl);
  if (app.protocol === 'file:') {
    return (url) => url.protocol === 'file:' && url.host === app.host && url.pathname === app.pathname;
  }
  if (app.protocol === 'http:' || app.protocol === 'https:') {
    return (url) => url.origin === app.origin && url.username === '' && url.password === '';
  }
  // Custom protocols have an opaque origin in WHATWG URL terms: compare scheme and host.
  return (url) =>
    url.protocol === app.protocol && url.host === app.host && url.username === '' && url.password === '';
}

export function createSenderCheck(options: SenderCheckOptions): SenderCheck {
  const matchers = options.appUrls.map(matcherFor);
  // Verdicts by URL text: a window sends many messages from the same page, and parsing two
  // URLs per message would be most of the sender check's cost. Bounded; a pure function.
  const verdicts = new Map<string, boolean>();
  const isAppUrl = (raw: string): boolean => {
    const known = verdicts.get(raw);
    if (known !== undefined) return known;
    let verdict = false;
    try {
      const url = new URL(raw);
      verdict = matchers.some((m) => m(url));
    } catch {
      verdict = false;
    }
    if (verdicts.size >= 256) verdicts.clear();
    verdicts.set(raw, verdict);
    return verdict;
  };
  return {
    isTrusted(sender) {
      if (!options.isAppWebContents(sender.id)) return false;
      const frame = sender.senderFrame;
      if (frame === null || !frame.isMainFrame) return false;
      return isAppUrl(frame.url) && isAppUrl(sender.mainFrameUrl);
    },
  };
}
