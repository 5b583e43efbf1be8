import { existsSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invokeChannels } from '../../src/shared/ipc-contract';
import { CONTENT_SECURITY_POLICY, RENDERER_ENTRY_URL } from '../../src/main/renderer-protocol';
import { runBuiltMain } from '../support/electron-stand-in/run-built-main-child';
import { buildPrivately } from '../support/private-build';

/**
 * The BUILT main bundle, loaded in plain Node with a RECORDING STAND-IN for the `electron` module
 * (test/support/electron-stand-in, resolved through a module.register hook). It proves the wiring
 * of out/main/index.js; it is not the launch test (that needs the real Electron binary).
 */
const root = path.resolve(import.meta.dirname, '../..');
const driver = path.join(root, 'test/support/electron-stand-in/run-built-main.mjs');

interface StandInRecord {
  seq: number;
  kind: string;
  [key: string]: unknown;
}
interface IpcResultShape {
  ok: boolean;
  value?: Record<string, unknown>;
  error?: { code: string; message: string };
}
interface Report {
  records: StandInRecord[];
  probes: Record<string, unknown> & {
    untrusted?: Record<string, IpcResultShape>;
    page?: { status: number; csp: string | null; body: string };
  };
  error?: string;
}

let work: string;
let outDir: string;
let profileFile: string;

function run(
  env: Record<string, string>,
  extraArgs: string[] = [],
): Promise<{ report: Report; stderr: string }> {
  return runBuiltMain<Report>({
    outDir,
    work,
    env: { COGNITO_DESKTOP_PROFILE: profileFile, ...env },
    extraArgs,
  });
}

const kinds = (report: Report, kind: string) => report.records.filter((r) => r.kind === kind);
const first = (report: Report, kind: string, match: (r: StandInRecord) => boolean = () => true) =>
  report.records.find((r) => r.kind === kind && match(r));

beforeAll(async () => {
  ({ work, outDir } = await buildPrivately(root, 'wiring-'));
  profileFile = path.join(work, 'profile.json');
  writeFileSync(
    profileFile,
    JSON.stringify({
      id: 'wiring',
      label: 'Wiring check',
      region: 'us-east-1',
      userPoolId: 'us-east-1_LocalPool1',
      clientId: 'localdemo0desktop0client01',
      domain: 'http://127.0.0.1:9',
      issuer: 'http://127.0.0.1:9/us-east-1_LocalPool1',
      scopes: ['openid'],
      redirect: {
        loopback: ['http://127.0.0.1:9/callback'],
        customScheme: 'com.example.cognitodesktop:/callback',
        prefer: 'loopback',
      },
      apis: [],
      demo: true,
    }),
  );
}, 120_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('built main bundle wired against a recording stand-in for electron (not a launch test)', () => {
  it('registers every contract channel through the validated handle(), builds a hardened window, installs CSP and guards', async () => {
    // A cold-start deep link in argv (Windows/Linux), as the OS would pass it.
    const { report, stderr } = await run({}, ['com.example.cognitodesktop:/callback?code=cold&state=start']);
    expect(report.error, stderr).toBeUndefined();
    const { probes } = report;

    // Every invoke channel exactly once, and each goes through the sender check of handle().
    const channels = kinds(report, 'ipcMain.handle').map((r) => r.channel);
    expect([...channels].sort()).toEqual(Object.keys(invokeChannels).sort());
    for (const channel of Object.keys(invokeChannels)) {
      expect(probes.untrusted?.[channel]?.error?.code, channel).toBe('IPC_UNTRUSTED_SENDER');
    }
    expect(probes['subframe']).toMatchObject({ ok: false, error: { code: 'IPC_UNTRUSTED_SENDER' } });
    expect(probes['badPayload']).toMatchObject({ ok: false, error: { code: 'IPC_INVALID_ARGUMENT' } });
    expect(probes['getState']).toMatchObject({ ok: true, value: { status: 'signed-out' } });
    expect(probes['listProfiles']).toMatchObject({ ok: true, value: { activeProfileId: 'wiring' } });

    // The window.
    const windows = kinds(report, 'BrowserWindow.new');
    expect(windows).toHaveLength(1);
    const prefs = (windows[0]?.['options'] as { webPreferences: Record<string, unknown> }).webPreferences;
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      webviewTag: false,
      allowRunningInsecureContent: false,
    });
    expect(prefs['devTools']).toBe(true); // development run: process.defaultApp, not packaged
    const preload = prefs['preload'] as string;
    expect(preload).toBe(path.join(outDir, 'preload', 'index.cjs'));
    expect(existsSync(preload)).toBe(true);
    expect(first(report, 'BrowserWindow.loadURL')?.['url']).toBe(RENDERER_ENTRY_URL);

    // Renderer served from app:// with the CSP header; no escape out of the bundle folder.
    const scheme = first(report, 'protocol.registerSchemesAsPrivileged');
    expect(scheme?.['ready']).toBe(false);
    expect(scheme?.['schemes']).toEqual([
      expect.objectContaining({
        scheme: 'app',
        privileges: expect.objectContaining({ standard: true, secure: true }),
      }),
    ]);
    expect(probes.page?.status).toBe(200);
    expect(probes.page?.csp).toBe(CONTENT_SECURITY_POLICY);
    expect(probes.page?.body).toContain('<!doctype html>');
    expect(probes['escape']).toEqual({ status: 404 });
    expect(probes['headers']).toEqual({
      responseHeaders: { 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] },
    });

    // Single instance, deep links and guards.
    const lock = first(report, 'app.requestSingleInstanceLock');
    const ready = first(report, 'ready-fired');
    const openUrl = first(report, 'app.on', (r) => r['event'] === 'open-url');
    expect(lock && ready && lock.seq < ready.seq).toBe(true);
    expect(openUrl && ready && openUrl.seq < ready.seq).toBe(true);
    expect(first(report, 'app.on', (r) => r['event'] === 'second-instance')?.['ready']).toBe(false);
    expect(first(report, 'app.enableSandbox')?.['ready']).toBe(false);
    expect(first(report, 'webContents.setWindowOpenHandler')).toBeDefined();
    expect(first(report, 'webContents.on', (r) => r['event'] === 'will-navigate')).toBeDefined();
    expect(first(report, 'webContents.on', (r) => r['event'] === 'will-attach-webview')).toBeDefined();
    expect(first(report, 'session.setPermissionRequestHandler')).toBeDefined();
    expect(probes['navigationPrevented']).toBe(true);
    expect(probes['webviewPrevented']).toBe(true);
    expect(probes['permissionRequest']).toBe(false);
    expect(probes['permissionCheck']).toBe(false);
    expect(probes['devicePermission']).toBe(false);
    expect(probes['openEvil']).toEqual({ action: 'deny' });
    expect(probes['openDocs']).toEqual({ action: 'deny' });
    // Only the allow-listed link reached the system browser.
    expect(kinds(report, 'shell.openExternal').map((r) => r['url'])).toEqual([
      'https://docs.aws.amazon.com/cognito/',
    ]);
    expect(probes['openUrlPrevented']).toBe(true);
    // Each deep link (cold-start argv, open-url, second-instance argv) reached the session engine,
    // which had no sign-in waiting for it; a second launch focused the window.
    expect(stderr.match(/deep link callback ignored: no sign-in is waiting/g)).toHaveLength(3);
    expect(kinds(report, 'BrowserWindow.focus').length).toBeGreaterThanOrEqual(2);

    // Development protocol registration relaunches Electron with the app path.
    const client = first(report, 'app.setAsDefaultProtocolClient');
    expect(client?.['scheme']).toBe('com.example.cognitodesktop');
    expect(client?.['executable']).toBe(process.execPath);
    expect(client?.['args']).toEqual([driver]);

    // Power events and the network watcher are wired; quitting disposes first, then quits.
    expect(first(report, 'powerMonitor.on', (r) => r['event'] === 'resume')).toBeDefined();
    expect(first(report, 'powerMonitor.on', (r) => r['event'] === 'unlock-screen')).toBeDefined();
    expect(probes['quitDeferred']).toBe(true);
    expect(probes['quitAfterDispose']).toBe(true);
  });

  it('packaged: DevTools off, protocol registered without dev arguments, no --profile/env override', async () => {
    const { report, stderr } = await run({ STAND_IN_PACKAGED: '1' });
    expect(report.error, stderr).toBeUndefined();
    const prefs = (
      first(report, 'BrowserWindow.new')?.['options'] as { webPreferences: Record<string, unknown> }
    ).webPreferences;
    expect(prefs['devTools']).toBe(false);
    const client = first(report, 'app.setAsDefaultProtocolClient');
    expect(client?.['scheme']).toBe('com.example.cognitodesktop');
    expect(client?.['executable']).toBeUndefined();
    // COGNITO_DESKTOP_PROFILE is ignored by a packaged app: no profile, and sign-in says why.
    expect(report.probes['listProfiles']).toMatchObject({
      ok: true,
      value: { activeProfileId: null, profiles: [] },
    });
    expect(report.probes['getState']).toMatchObject({
      ok: true,
      value: { status: 'signed-out', error: { code: 'CONFIG_INVALID' } },
    });
  });

  it('second instance: quits at once without a window or handlers (the first instance gets its argv)', async () => {
    const { report, stderr } = await run({ STAND_IN_LOCK: 'held' });
    expect(report.error, stderr).toBeUndefined();
    expect(first(report, 'app.requestSingleInstanceLock')).toBeDefined();
    expect(first(report, 'app.quit')).toBeDefined();
    expect(kinds(report, 'BrowserWindow.new')).toHaveLength(0);
    expect(kinds(report, 'ipcMain.handle')).toHaveLength(0);
    expect(first(report, 'app.on', (r) => r['event'] === 'open-url')).toBeUndefined();
  });
});
