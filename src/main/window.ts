import { BrowserWindow, app, protocol, screen, session, type Session, type WebContents } from 'electron';
import {
  APP_PROTOCOL,
  CONTENT_SECURITY_POLICY,
  devServerCsp,
  serveRendererRequest,
} from './renderer-protocol';
import {
  DEFAULT_WINDOW_SIZE,
  MIN_WINDOW_SIZE,
  readWindowState,
  rememberWindowBounds,
  restoreWindowBounds,
  writeWindowState,
  type DisplayInfo,
} from './window-state';

/**
 * The app's only window and the rules every webContents lives under. Electron's security
 * checklist, item by item: context isolation, sandbox, no Node in the page, web security on, no
 * <webview>, a strict CSP on every response, no navigation away from the bundle, no new windows
 * (allow-listed https links go to the system browser instead), every permission request denied,
 * DevTools only in development.
 */

/** Must run before `ready`: the scheme needs standard + secure privileges to get a real origin. */
export function registerAppProtocolScheme(): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: APP_PROTOCOL,
      privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
    },
  ]);
}

export interface SessionHardeningOptions {
  /** Folder of the built renderer (out/renderer) served on app://cognito-desktop/. */
  rendererRoot: string;
  /** electron-vite's dev server URL in development; undefined otherwise. */
  devServerUrl: string | undefined;
  log(message: string): void;
}

/** After `ready`: serve the bundle, put the CSP on every response, deny every permission. */
export function hardenSession(
  options: SessionHardeningOptions,
  target: Session = session.defaultSession,
): void {
  target.protocol.handle(APP_PROTOCOL, (request) => serveRendererRequest(options.rendererRoot, request.url));

  // The app:// handler sets the CSP itself; this covers the http dev server (and anything else
  // that would ever load), so no page runs without a policy.
  const csp = options.devServerUrl ? devServerCsp(options.devServerUrl) : CONTENT_SECURITY_POLICY;
  target.webRequest.onHeadersReceived((details, callback) => {
    const headers = { ...(details.responseHeaders ?? {}) };
    for (const key of Object.keys(headers)) {
      if (key.toLowerCase() === 'content-security-policy') delete headers[key];
    }
    headers['Content-Security-Policy'] = [csp];
    callback({ responseHeaders: headers });
  });

  target.setPermissionRequestHandler((_contents, permission, callback) => {
    options.log(`permission request denied: ${permission}`);
    callback(false);
  });
  target.setPermissionCheckHandler(() => false);
  target.setDevicePermissionHandler(() => false);
}

export interface ContentsGuardOptions {
  /** Opens an allow-listed https link in the system browser; returns whether it did. */
  openLink(url: string): Promise<boolean>;
  log(message: string): void;
}

/** Applies to every webContents the app ever creates, including ones we did not expect. */
export function guardAllWebContents(options: ContentsGuardOptions): void {
  app.on('web-contents-created', (_event, contents: WebContents) => {
    contents.on('will-navigate', (event) => {
      // The page is a single-page app: nothing it does should ever replace it.
      event.preventDefault();
      options.log('navigation blocked');
    });
    contents.on('will-redirect', (event) => {
      event.preventDefault();
      options.log('redirect blocked');
    });
    contents.on('will-attach-webview', (event) => {
      event.preventDefault();
      options.log('webview blocked');
    });
    contents.setWindowOpenHandler(({ url }) => {
      void options.openLink(url).catch(() => undefined);
      return { action: 'deny' };
    });
  });
}

export interface WindowOptions {
  preloadPath: string;
  rendererUrl: string;
  isDevelopment: boolean;
  /** Where the window's size and position per display are kept (window-state.ts). */
  windowStateFile?: string;
  log?(message: string): void;
}

const displays = (): DisplayInfo[] =>
  screen.getAllDisplays().map((d) => ({ id: d.id, bounds: d.bounds, workArea: d.workArea }));

export function createMainWindow(options: WindowOptions): BrowserWindow {
  const stateFile = options.windowStateFile;
  const primary = screen.getPrimaryDisplay();
  const restored = restoreWindowBounds(
    stateFile ? readWindowState(stateFile) : { version: 1, displays: {} },
    displays(),
    { id: primary.id, bounds: primary.bounds, workArea: primary.workArea },
    DEFAULT_WINDOW_SIZE,
  );
  const window = new BrowserWindow({
    ...(restored.x === undefined || restored.y === undefined ? {} : { x: restored.x, y: restored.y }),
    width: restored.width,
    height: restored.height,
    minWidth: MIN_WINDOW_SIZE.width,
    minHeight: MIN_WINDOW_SIZE.height,
    show: false,
    title: 'Cognito Desktop',
    webPreferences: {
      preload: options.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      // Middle-click (auxclick) can open links outside the window-open handler's view.
      disableBlinkFeatures: 'Auxclick',
      devTools: options.isDevelopment,
    },
  });
  if (restored.maximized) window.maximize();
  if (stateFile) {
    // Saved on close (the normal bounds, so a maximised window comes back maximised over them).
    window.on('close', () => {
      try {
        const next = rememberWindowBounds(
          readWindowState(stateFile),
          displays(),
          window.getNormalBounds(),
          window.isMaximized(),
        );
        writeWindowState(stateFile, next);
      } catch (error) {
        options.log?.(`window state not saved: ${error instanceof Error ? error.message : String(error)}`);
      }
    });
  }
  window.once('ready-to-show', () => window.show());
  void window.loadURL(options.rendererUrl);
  return window;
}
