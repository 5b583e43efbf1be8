import { app, dialog, net, powerMonitor, shell, type BrowserWindow } from 'electron';
import os from 'node:os';
import path from 'node:path';
import { createAppServices, type AppServices } from './app-services';
import { electronSaveDialog } from './diagnostics/electron-save-dialog';
import { listenForDeepLinks } from './electron-deep-links';
import { followSettings } from './electron-menu';
import { electronNotifier } from './electron-notifier';
import { electronConfirmDialog } from './config/electron-confirm-dialog';
import { electronConfirmDialog as electronAdminConfirmDialog } from './aws/electron-confirm-dialog';
import { registerElectronIpc } from './ipc/electron-ipc';
import { QUIT_DISPOSE_WAIT_MS, refusedDebugSwitch, settleWithin } from './launch-options';
import { createMainLog } from './log/electron-log';
import { createElectronTransport } from './net/electron-net-transport';
import { desktopUserAgent } from './net/user-agent';
import { loadOrganisationPolicy } from './policy/load-policy';
import { APP_ID, POLICY_ORGANISATION } from './policy/policy-sources';
import { createAppUpdates, runAppUpdates } from './updates/electron-updates';
import { RENDERER_ENTRY_URL } from './renderer-protocol';
import { createMainWindow, guardAllWebContents, hardenSession, registerAppProtocolScheme } from './window';
import { WINDOW_STATE_FILE_NAME } from './window-state';

/**
 * Composition root: Electron lifecycle and wiring only. Everything it wires is electron-free and
 * tested in plain Node (app-services.ts and what it composes); the built bundle's wiring itself is
 * checked against a recording stand-in for the electron module (test/shell/wiring.test.ts).
 *
 * Order matters: the single-instance lock, the app:// scheme privileges, `open-url` and the
 * web-contents guards are set up synchronously at load, before `ready`, because macOS may deliver
 * the deep link that launched the app before `ready`, and scheme privileges cannot be granted later.
 * Before all of that, a packaged app launched with a debugging switch exits (launch-options.ts).
 */
const isDevelopment = !app.isPackaged;
const devServerUrl = isDevelopment ? process.env['ELECTRON_RENDERER_URL'] : undefined;
const preloadPath = path.join(import.meta.dirname, '../preload/index.cjs');
const rendererRoot = path.join(import.meta.dirname, '../renderer');
const MAX_QUEUED_LINKS = 4;

function run(): void {
  const { logger, sink, setLevel } = createMainLog(isDevelopment);
  const log = logger.child('main');

  let services: AppServices | undefined;
  let mainWindow: BrowserWindow | undefined;
  let disposed = false;
  const queuedLinks: string[] = [];

  const focusWindow = () => {
    if (!mainWindow || mainWindow.isDestroyed()) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.show();
    mainWindow.focus();
  };
  const deliverDeepLink = (raw: string) => {
    if (services) void services.handleDeepLink(raw);
    else if (queuedLinks.length < MAX_QUEUED_LINKS) queuedLinks.push(raw);
  };

  registerAppProtocolScheme();
  app.enableSandbox();
  listenForDeepLinks({ deliver: deliverDeepLink, focusWindow });

  guardAllWebContents({
    openLink: async (url) => (services ? services.external.openLink(url) : false),
    log: (line) => log.warn(line),
  });

  const createWindow = () => {
    mainWindow = createMainWindow({
      preloadPath,
      rendererUrl: devServerUrl ?? RENDERER_ENTRY_URL,
      isDevelopment,
      windowStateFile: path.join(app.getPath('userData'), WINDOW_STATE_FILE_NAME),
      log: (line) => log.warn(line),
    });
    mainWindow.on('closed', () => {
      mainWindow = undefined;
    });
  };

  app
    .whenReady()
    .then(async () => {
      hardenSession({ rendererRoot, devServerUrl, log: (line) => log.warn(line) });
      const policy = await loadOrganisationPolicy({
        platform: process.platform,
        appId: APP_ID,
        organisation: POLICY_ORGANISATION,
        productName: app.getName(),
        username: os.userInfo().username,
      });
      if ('error' in policy) log.error(policy.error.message);
      else if (policy.policy.logLevel) setLevel(policy.policy.logLevel);
      const updates = await createAppUpdates({
        policy,
        isSignInActive: () => services?.session.getState().status === 'signing-in',
        log,
      });
      const ready = createAppServices({
        policy,
        ...(process.resourcesPath ? { resourcesDir: process.resourcesPath } : {}),
        userDataDir: app.getPath('userData'),
        argv: process.argv,
        env: process.env,
        allowDevOverrides: isDevelopment,
        // Installed app: no demo / loopback-http profiles (config/profile.ts, packaged-mode rule).
        packaged: app.isPackaged,
        // Only the machine policy can lift that rule, for an organisation's development machines.
        allowLoopbackProfiles: 'policy' in policy && policy.policy.allowLoopbackProfiles,
        openExternal: (url) => shell.openExternal(url),
        isOnline: () => net.isOnline(),
        // Every main-process request on Chromium's stack: OS proxy/PAC, the OS trust store.
        transport: createElectronTransport({
          // Cognito's session list (ListUserSessions' DeviceType) names the app by it.
          userAgent: desktopUserAgent({
            appVersion: app.getVersion(),
            platform: process.platform,
            osVersion: process.getSystemVersion(),
            arch: process.arch,
          }),
        }),
        preferredSystemLanguages: () => app.getPreferredSystemLanguages(),
        chooseDiagnosticsPath: electronSaveDialog(() => mainWindow),
        confirmProfileChange: electronConfirmDialog(
          () => mainWindow,
          () => services?.ui.language() ?? 'en',
        ),
        confirm: electronAdminConfirmDialog,
        notifier: electronNotifier,
        updates,
        ...(sink ? { logFile: sink.file } : {}),
        about: {
          name: app.getName(),
          version: app.getVersion(),
          electron: process.versions.electron ?? null,
          chromium: process.versions.chrome ?? null,
          node: process.versions.node,
          isDevelopment,
        },
        logger,
      });
      services = ready;
      followSettings(ready, { isDevelopment, focusWindow, log });
      registerElectronIpc({
        handlers: ready.handlers,
        appUrls: [RENDERER_ENTRY_URL, ...(devServerUrl ? [devServerUrl] : [])],
        appWindows: () => (mainWindow && !mainWindow.isDestroyed() ? [mainWindow] : []),
        log: (line) => log.warn(line),
      });
      powerMonitor.on('resume', () => ready.resume());
      powerMonitor.on('unlock-screen', () => ready.resume());
      runAppUpdates(updates, log);
      createWindow();
      void ready.start().then(() => {
        for (const link of queuedLinks.splice(0)) void ready.handleDeepLink(link);
      });
    })
    .catch((error: unknown) => {
      log.error('startup failed', { error });
      dialog.showErrorBox(
        'Cognito Desktop could not start',
        error instanceof Error ? error.message : String(error),
      );
      app.exit(1);
    });

  app.on('activate', () => {
    if (services && !mainWindow) createWindow();
  });
  app.on('window-all-closed', () => app.quit());
  app.on('will-quit', (event) => {
    if (disposed || !services) {
      sink?.close();
      return;
    }
    // Dispose the session (timers, a pending sign-in's listener, a refresh still saving its
    // rotated refresh token) before the process ends; bounded, so a hung keychain cannot keep
    // the app from quitting.
    event.preventDefault();
    disposed = true;
    void settleWithin(services.dispose(), QUIT_DISPOSE_WAIT_MS).then((outcome) => {
      if (outcome === 'timeout') log.warn('quit: the session did not finish in time');
      app.quit();
    });
  });
}

const debugSwitch = refusedDebugSwitch(process.argv, { packaged: app.isPackaged });
if (debugSwitch) {
  // Before any window, session or lock: someone could drive the app through this switch.
  console.error(
    `Cognito Desktop refuses to start with --${debugSwitch}: debugging switches are disabled in the installed app.`,
  );
  app.exit(1);
} else if (app.requestSingleInstanceLock()) {
  run();
} else {
  // Another instance is running: it receives our argv (and deep link) in `second-instance`.
  app.quit();
}
