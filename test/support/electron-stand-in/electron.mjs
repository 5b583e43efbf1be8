// A RECORDING STAND-IN for the `electron` module — not Electron. It implements just enough of the
// main-process API surface the app's built bundle uses, records every call in order, and keeps
// the handlers the app installs so the driver can invoke them the way Electron would.
import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

export const records = [];
let seq = 0;
export function record(kind, detail = {}) {
  records.push({ seq: seq++, kind, ...detail });
}

const baseDir = process.env.STAND_IN_DIR ?? path.join(process.cwd(), '.tmp', 'electron-stand-in');
let isReady = false;
let resolveReady;
const readyPromise = new Promise((resolve) => {
  resolveReady = resolve;
});

export const installed = {
  ipcHandlers: new Map(),
  protocolHandlers: new Map(),
  headersHandler: undefined,
  permissionRequestHandler: undefined,
  permissionCheckHandler: undefined,
  devicePermissionHandler: undefined,
  windows: [],
};

class RecordingEmitter extends EventEmitter {
  constructor(name) {
    super();
    this.standInName = name;
  }
  on(event, listener) {
    record(`${this.standInName}.on`, { event: String(event), ready: isReady });
    return super.on(event, listener);
  }
  once(event, listener) {
    record(`${this.standInName}.once`, { event: String(event), ready: isReady });
    return super.prependOnceListener(event, listener);
  }
}

class StandInApp extends RecordingEmitter {
  constructor() {
    super('app');
    this.isPackaged = process.env.STAND_IN_PACKAGED === '1';
  }
  requestSingleInstanceLock() {
    record('app.requestSingleInstanceLock', { ready: isReady });
    return process.env.STAND_IN_LOCK !== 'held';
  }
  whenReady() {
    record('app.whenReady');
    return readyPromise;
  }
  isReady() {
    return isReady;
  }
  enableSandbox() {
    record('app.enableSandbox', { ready: isReady });
  }
  setAsDefaultProtocolClient(scheme, executable, args) {
    record('app.setAsDefaultProtocolClient', { scheme, executable, args });
    return true;
  }
  setAppLogsPath(p) {
    record('app.setAppLogsPath', { path: p });
  }
  getPath(name) {
    const dir = path.join(baseDir, name);
    mkdirSync(dir, { recursive: true });
    return dir;
  }
  getName() {
    return 'Cognito Desktop';
  }
  getVersion() {
    return '0.0.0-stand-in';
  }
  getPreferredSystemLanguages() {
    return (process.env.STAND_IN_LANGUAGES ?? 'en-US').split(',');
  }
  quit() {
    record('app.quit');
  }
  exit(code) {
    record('app.exit', { code });
  }
  focus() {
    record('app.focus');
  }
}

export const app = new StandInApp();

let nextContentsId = 1;
class StandInWebContents extends RecordingEmitter {
  constructor() {
    super('webContents');
    this.id = nextContentsId++;
    this.url = '';
    this.windowOpenHandler = undefined;
  }
  setWindowOpenHandler(handler) {
    record('webContents.setWindowOpenHandler');
    this.windowOpenHandler = handler;
  }
  getURL() {
    return this.url;
  }
  send(channel) {
    record('webContents.send', { channel });
  }
  isDestroyed() {
    return false;
  }
}

export class BrowserWindow extends RecordingEmitter {
  constructor(options) {
    super('BrowserWindow');
    record('BrowserWindow.new', { options, ready: isReady });
    this.options = options;
    this.webContents = new StandInWebContents();
    installed.windows.push(this);
    app.emit('web-contents-created', {}, this.webContents);
  }
  loadURL(url) {
    record('BrowserWindow.loadURL', { url });
    this.webContents.url = url;
    return Promise.resolve();
  }
  show() {
    record('BrowserWindow.show');
  }
  focus() {
    record('BrowserWindow.focus');
  }
  restore() {}
  maximize() {
    record('BrowserWindow.maximize');
  }
  isMaximized() {
    return false;
  }
  getNormalBounds() {
    const { x = 0, y = 0, width, height } = this.options;
    return { x, y, width, height };
  }
  isMinimized() {
    return false;
  }
  isDestroyed() {
    return false;
  }
  static getAllWindows() {
    return [...installed.windows];
  }
}

export const ipcMain = {
  handle(channel, listener) {
    record('ipcMain.handle', { channel });
    if (installed.ipcHandlers.has(channel))
      throw new Error(`Attempted to register a second handler for '${channel}'`);
    installed.ipcHandlers.set(channel, listener);
  },
  removeHandler(channel) {
    record('ipcMain.removeHandler', { channel });
    installed.ipcHandlers.delete(channel);
  },
  on(channel) {
    record('ipcMain.on', { channel });
  },
};

export const protocol = {
  registerSchemesAsPrivileged(schemes) {
    record('protocol.registerSchemesAsPrivileged', { schemes, ready: isReady });
  },
  handle(scheme, handler) {
    record('protocol.handle', { scheme });
    installed.protocolHandlers.set(scheme, handler);
  },
};

const defaultSession = {
  protocol: {
    handle(scheme, handler) {
      record('session.protocol.handle', { scheme });
      installed.protocolHandlers.set(scheme, handler);
    },
  },
  webRequest: {
    onHeadersReceived(handler) {
      record('session.webRequest.onHeadersReceived');
      installed.headersHandler = handler;
    },
  },
  setPermissionRequestHandler(handler) {
    record('session.setPermissionRequestHandler');
    installed.permissionRequestHandler = handler;
  },
  setPermissionCheckHandler(handler) {
    record('session.setPermissionCheckHandler');
    installed.permissionCheckHandler = handler;
  },
  setDevicePermissionHandler(handler) {
    record('session.setDevicePermissionHandler');
    installed.devicePermissionHandler = handler;
  },
};
/** Sessions from fromPartition (the app's main-process network session): proxy and fetch recorded. */
function partitionSession(partition) {
  return {
    setProxy(config) {
      record('session.setProxy', { partition, config });
      return Promise.resolve();
    },
    setUserAgent(userAgent) {
      record('session.setUserAgent', { partition, userAgent });
    },
    fetch(input, init = {}) {
      const url = new URL(String(input));
      const headers = new Headers(init.headers ?? {});
      record('session.fetch', {
        partition,
        url: `${url.origin}${url.pathname}`,
        method: init.method ?? 'GET',
        redirect: init.redirect,
        hasSignal: init.signal instanceof AbortSignal,
        userAgent: headers.get('user-agent'),
      });
      return globalThis.fetch(input, init);
    },
  };
}
const partitions = new Map();
export const session = {
  defaultSession,
  fromPartition(partition) {
    record('session.fromPartition', { partition });
    if (!partitions.has(partition)) partitions.set(partition, partitionSession(partition));
    return partitions.get(partition);
  },
};

export const shell = {
  openExternal(url) {
    record('shell.openExternal', { url });
    return Promise.resolve();
  },
};

shell.openPath = (p) => {
  record('shell.openPath', { path: p });
  return Promise.resolve('');
};

export const powerMonitor = new RecordingEmitter('powerMonitor');

/** The application menu: the template the app built, kept for the driver to inspect. */
export const Menu = {
  buildFromTemplate(template) {
    record('Menu.buildFromTemplate', { labels: template.map((item) => item.label) });
    return { template };
  },
  setApplicationMenu(menu) {
    record('Menu.setApplicationMenu');
    installed.applicationMenu = menu;
  },
};

export const nativeTheme = {
  set themeSource(value) {
    record('nativeTheme.themeSource', { value });
  },
};

const standInDisplay = {
  id: 1,
  bounds: { x: 0, y: 0, width: 1920, height: 1080 },
  workArea: { x: 0, y: 0, width: 1920, height: 1040 },
};
export const screen = {
  getAllDisplays: () => [standInDisplay],
  getPrimaryDisplay: () => standInDisplay,
};

export const net = {
  isOnline: () => true,
  fetch: (...args) => globalThis.fetch(...args),
};

/** OS notifications (the session-end notice, electron-notifier.ts): recorded, never shown. */
export class Notification extends RecordingEmitter {
  static isSupported() {
    return true;
  }
  constructor(options) {
    super('Notification');
    record('Notification.new', { title: options.title, actions: options.actions });
  }
  show() {
    record('Notification.show');
  }
  close() {
    record('Notification.close');
  }
}

export const dialog = {
  showErrorBox(title, content) {
    record('dialog.showErrorBox', { title, content });
  },
};

/** Called by the driver once the bundle has loaded: what Electron does when it is ready. */
export function fireReady() {
  record('ready-fired');
  isReady = true;
  app.emit('ready', {});
  resolveReady();
}

export default {
  app,
  BrowserWindow,
  ipcMain,
  protocol,
  session,
  shell,
  powerMonitor,
  net,
  dialog,
  Menu,
  nativeTheme,
  screen,
};
