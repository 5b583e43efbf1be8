// Loads a BUILT main bundle (out/main/index.js) in plain Node with the recording stand-in as
// `electron`, lets it reach `ready`, then plays Electron's part: calls the protocol, header,
// permission, navigation, window-open and IPC handlers the bundle installed, and prints one line
// `STAND-IN-REPORT {json}` for the test to assert on. Usage: node run-built-main.mjs <bundle> [link]
import { register } from 'node:module';
import { pathToFileURL } from 'node:url';

register('./hooks.mjs', import.meta.url);
const standIn = await import('./electron.mjs');
const { record, records, installed, app, powerMonitor, fireReady } = standIn;

const bundle = process.argv[2];
if (!bundle) throw new Error('usage: run-built-main.mjs <built main bundle>');
// `electron .` sets process.defaultApp; a packaged app does not.
if (process.env.STAND_IN_PACKAGED !== '1') process.defaultApp = true;
// Electron adds process.getSystemVersion() (the OS version); main builds its User-Agent from it.
process.getSystemVersion ??= () => '6.1.0-stand-in';

async function waitFor(predicate, ms) {
  const end = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > end) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

function fakeEvent() {
  const event = {
    prevented: false,
    preventDefault() {
      event.prevented = true;
    },
  };
  return event;
}

const report = { records, probes: {} };
const probes = report.probes;
try {
  await import(pathToFileURL(bundle).href);
  record('bundle-loaded');
  if (process.env.STAND_IN_LOCK === 'held' || records.some((r) => r.kind === 'app.exit')) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  } else {
    fireReady();
    probes.windowLoaded = await waitFor(
      () => records.some((r) => r.kind === 'BrowserWindow.loadURL'),
      10_000,
    );
    const window = installed.windows[0];
    const contents = window?.webContents;

    // The app:// protocol handler, as Chromium would call it for the page.
    const appHandler = installed.protocolHandlers.get('app');
    if (appHandler) {
      const page = await appHandler({ url: 'app://cognito-desktop/index.html', method: 'GET' });
      probes.page = {
        status: page.status,
        csp: page.headers.get('content-security-policy'),
        body: (await page.text()).slice(0, 200),
      };
      const escape = await appHandler({ url: 'app://cognito-desktop/../main/index.js', method: 'GET' });
      probes.escape = { status: escape.status };
    }
    if (installed.headersHandler) {
      probes.headers = await new Promise((resolve) =>
        installed.headersHandler(
          {
            url: 'http://localhost:5173/',
            responseHeaders: { 'content-security-policy': ['default-src *'] },
          },
          resolve,
        ),
      );
    }
    if (installed.permissionRequestHandler) {
      probes.permissionRequest = await new Promise((resolve) =>
        installed.permissionRequestHandler(contents, 'media', resolve, {
          requestingUrl: 'app://cognito-desktop/',
        }),
      );
    }
    probes.permissionCheck = installed.permissionCheckHandler?.(
      contents,
      'geolocation',
      'app://cognito-desktop',
      {},
    );
    probes.devicePermission = installed.devicePermissionHandler?.({
      deviceType: 'usb',
      origin: 'app://cognito-desktop',
    });

    if (contents) {
      const navigate = fakeEvent();
      contents.emit('will-navigate', navigate, 'https://evil.example/');
      probes.navigationPrevented = navigate.prevented;
      const webview = fakeEvent();
      contents.emit('will-attach-webview', webview, {}, {});
      probes.webviewPrevented = webview.prevented;
      probes.openEvil = contents.windowOpenHandler?.({
        url: 'https://evil.example/',
        disposition: 'new-window',
      });
      probes.openDocs = contents.windowOpenHandler?.({
        url: 'https://docs.aws.amazon.com/cognito/',
        disposition: 'new-window',
      });
      await new Promise((resolve) => setTimeout(resolve, 50));

      // IPC: an untrusted sender on every channel, then the app's own window.
      const untrusted = {
        sender: { id: 999_999, getURL: () => 'https://evil.example/' },
        senderFrame: { url: 'https://evil.example/', parent: null },
      };
      probes.untrusted = {};
      for (const [channel, listener] of installed.ipcHandlers)
        probes.untrusted[channel] = await listener(untrusted, {});
      const trusted = { sender: contents, senderFrame: { url: contents.getURL(), parent: null } };
      const subframe = { sender: contents, senderFrame: { url: contents.getURL(), parent: {} } };
      const call = (event, channel, payload) => installed.ipcHandlers.get(channel)?.(event, payload);
      probes.getState = await call(trusted, 'session:get-state', {});
      probes.listProfiles = await call(trusted, 'profiles:list', {});
      probes.badPayload = await call(trusted, 'profiles:switch', { profileId: '../../etc', extra: 1 });
      probes.subframe = await call(subframe, 'session:get-state', {});
      if (process.env.STAND_IN_SIGN_IN === '1') {
        // Opt-in: start a sign-in and wait until the browser would open (discovery done).
        void call(trusted, 'auth:sign-in', {});
        probes.signInOpenedBrowser = await waitFor(
          () => records.some((r) => r.kind === 'shell.openExternal' && r.url.includes('/oauth2/authorize')),
          10_000,
        );
      }
    }

    // Deep links from the OS and a second launch, and power events.
    const openUrl = fakeEvent();
    app.emit('open-url', openUrl, 'com.example.cognitodesktop:/callback?code=c&state=s');
    probes.openUrlPrevented = openUrl.prevented;
    app.emit(
      'second-instance',
      fakeEvent(),
      ['cognito-desktop', 'com.example.cognitodesktop:/callback?code=c&state=s'],
      '/',
    );
    powerMonitor.emit('resume');
    powerMonitor.emit('unlock-screen');

    // Quit: the app disposes its services, then quits for real.
    const quit = fakeEvent();
    app.emit('will-quit', quit);
    probes.quitDeferred = quit.prevented;
    probes.quitAfterDispose = await waitFor(() => records.some((r) => r.kind === 'app.quit'), 10_000);
  }
} catch (error) {
  report.error = error instanceof Error ? `${error.name}: ${error.message}\n${error.stack}` : String(error);
}
process.stdout.write(`STAND-IN-REPORT ${JSON.stringify(report)}\n`);
process.exit(0);
