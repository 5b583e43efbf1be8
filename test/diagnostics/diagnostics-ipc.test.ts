import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppServices, type AppServices } from '../../src/main/app-services';
import { createSession, type Session } from '../../src/main/auth/session';
import { DiagnosticsBundleSchema } from '../../src/main/diagnostics/diagnostics-bundle';
import { buildMenuTemplate, type MenuItemSpec } from '../../src/main/menu/app-menu';
import { appMenuExtension, appMenuState } from '../../src/main/app/menu-wiring';
import { registerInvokeHandlers } from '../../src/main/ipc/handle';
import { createInProcessRegistrar, type InProcessRegistrar } from '../../src/main/ipc/in-process-registrar';
import { createSenderCheck } from '../../src/main/ipc/senders';
import { createFileSink, type FileSink } from '../../src/main/log/file-sink';
import { createLogger } from '../../src/main/log/logger';
import { resolvePolicy } from '../../src/main/policy/effective-policy';
import { startHarness, type Harness } from '../auth/support/harness';

/**
 * "Export diagnostics..." through the path the window uses: the app services as index.ts composes
 * them (minus Electron), their handlers registered through handle() on an in-process ipcMain
 * stand-in, a trusted sender invoking `diagnostics:export`. The save dialog is a stand-in
 * save-path chooser (it answers with a path, or with nothing as a cancelled dialog does).
 * Signed in for real against the local user pool, with the log file holding the session's
 * tokens: the file written holds none of them, nothing JWT-shaped and not the client secret.
 */
const CLIENT_SECRET = 'SENTINEL-CLIENT-SECRET-1989';
const APP_URL = 'app://cognito-desktop/index.html';
const sender = { id: 7, mainFrameUrl: APP_URL, senderFrame: { url: APP_URL, isMainFrame: true } };

let h: Harness;
let dir: string;
let sink: FileSink;
let services: AppServices;
let registrar: InProcessRegistrar;
const sessions: Session[] = [];
/** The stand-in save-path chooser: what the next "dialog" answers, and what it was offered. */
const standInChooser = { answer: undefined as string | undefined, offered: [] as string[] };

beforeAll(async () => {
  h = await startHarness({ clientSecret: CLIENT_SECRET });
  dir = mkdtempSync(path.join(os.tmpdir(), 'diagnostics-ipc-'));
  const p = h.profile;
  writeFileSync(
    path.join(dir, 'profiles.json'),
    JSON.stringify({
      profiles: [
        {
          id: p.id,
          label: p.label,
          region: p.region,
          userPoolId: p.userPoolId,
          clientId: p.clientId,
          clientSecret: CLIENT_SECRET,
          domain: p.domain,
          issuer: p.issuer,
          scopes: p.scopes,
          redirect: { loopback: p.redirect.loopback, prefer: 'loopback' },
          ...(p.signOutUrl ? { signOutUrl: p.signOutUrl } : {}),
          apis: [],
        },
      ],
    }),
  );
  sink = createFileSink({ dir: path.join(dir, 'logs') });
  services = createAppServices({
    userDataDir: dir,
    argv: [],
    env: {},
    allowDevOverrides: false,
    openExternal: h.openExternal,
    logger: createLogger({ sink: (line) => sink.write(line), level: 'debug' }),
    logFile: sink.file,
    policy: {
      policy: resolvePolicy([
        { scope: 'machine', source: '/etc/cognito-desktop/policy.json', document: { logLevel: 'debug' } },
      ]),
    },
    createSession: (options) => {
      const session = createSession(options);
      sessions.push(session);
      return session;
    },
    chooseDiagnosticsPath: async (suggested) => {
      standInChooser.offered.push(suggested);
      return standInChooser.answer;
    },
  });
  registrar = createInProcessRegistrar();
  registerInvokeHandlers(
    {
      registrar,
      senderCheck: createSenderCheck({ appUrls: [APP_URL], isAppWebContents: (id) => id === sender.id }),
    },
    services.handlers.invoke,
  );
});

afterAll(async () => {
  await services?.dispose();
  sink?.close();
  await h?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('diagnostics:export through the IPC handler path', () => {
  it('writes the bundle where the chooser said, with checks, policy and session, and no token or secret', async () => {
    await services.start();
    const signedIn = await registrar.invoke('auth:sign-in', sender, {});
    expect(signedIn).toMatchObject({ ok: true, value: { status: 'signed-in' } });
    const accessToken = await sessions.at(-1)!.getAccessToken();
    const refreshToken = await h.storedRefreshToken();
    expect(accessToken.startsWith('eyJ')).toBe(true);
    expect(refreshToken).toBeDefined();
    // Lines an old version or a careless call might have left in the log file.
    appendFileSync(
      sink.file,
      `raw refresh_token=${refreshToken}\nraw {"access_token":"${accessToken}"}\nBearer ${accessToken}\n`,
    );

    const file = path.join(dir, 'support', 'export.json');
    mkdirSync(path.dirname(file));
    standInChooser.answer = file;
    const result = await registrar.invoke('diagnostics:export', sender, {});
    expect(result).toEqual({ ok: true, value: { saved: true, file } });
    expect(standInChooser.offered.at(-1)).toMatch(
      /^cognito-desktop-diagnostics-\d{4}-\d\d-\d\dT[\d-]+\.json$/,
    );

    const text = readFileSync(file, 'utf8');
    const bundle = DiagnosticsBundleSchema.parse(JSON.parse(text));
    expect(bundle.session).toMatchObject({ status: 'signed-in', user: { username: 'alice' } });
    expect(bundle.profile).toMatchObject({ id: h.profile.id, hasClientSecret: true });
    expect(bundle.policy.sources).toEqual([{ scope: 'machine', source: '/etc/cognito-desktop/policy.json' }]);
    expect(bundle.versions.node).toBe(process.versions.node);
    const checks = Array.isArray(bundle.checks) ? bundle.checks : [];
    const byId = new Map(checks.map((c) => [c.id, c]));
    expect(byId.get('discovery')).toMatchObject({ status: 'pass', network: { proxy: expect.any(String) } });
    expect(byId.get('jwks')?.status).toBe('pass');
    expect(byId.get('keychain')?.status).toBe('pass');
    expect([...byId.keys()].some((id) => id.startsWith('redirect-port:'))).toBe(true);
    expect(bundle.log.lines.some((l) => l.includes('raw refresh_token=[REDACTED]'))).toBe(true);

    expect(text).not.toContain(accessToken);
    expect(text).not.toContain(refreshToken as string);
    expect(text).not.toContain(CLIENT_SECRET);
    expect(text).not.toContain('eyJ');
  }, 60_000);

  it('writes nothing when the dialog is cancelled', async () => {
    standInChooser.answer = undefined;
    const before = standInChooser.offered.length;
    expect(await registrar.invoke('diagnostics:export', sender, {})).toEqual({
      ok: true,
      value: { saved: false },
    });
    expect(standInChooser.offered.length).toBe(before + 1);
  });

  it('answers DIAGNOSTICS_NOT_SAVED, naming the path, when the file cannot be written', async () => {
    standInChooser.answer = path.join(dir, 'no-such-folder', 'export.json');
    const result = await registrar.invoke('diagnostics:export', sender, {});
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'DIAGNOSTICS_NOT_SAVED', message: expect.stringContaining('no-such-folder') },
    });
    expect(existsSync(standInChooser.answer)).toBe(false);
  }, 60_000);

  it('refuses an untrusted sender before any dialog opens', async () => {
    const before = standInChooser.offered.length;
    const result = await registrar.invoke('diagnostics:export', { ...sender, id: 99 }, {});
    expect(result).toMatchObject({ ok: false, error: { code: 'IPC_UNTRUSTED_SENDER' } });
    expect(standInChooser.offered.length).toBe(before);
  });

  it('the Help menu the app builds from these services carries "Export diagnostics…" (en, de), and its click exports', async () => {
    // The menu as index.ts builds it: state and extension handler from the app services.
    const shell = { platform: 'linux' as const, isDevelopment: false, appName: 'Cognito Desktop' };
    const help = (from: AppServices): MenuItemSpec[] =>
      buildMenuTemplate(appMenuState(from, shell)).find((item) => item.id === 'help')?.submenu ?? [];
    const item = help(services).find((i) => i.id === 'export-diagnostics');
    expect(item).toMatchObject({ label: 'Export Diagnostics…', command: 'extension:export-diagnostics' });

    // The click runs the real export through the save dialog (the stand-in chooser).
    const before = standInChooser.offered.length;
    standInChooser.answer = path.join(dir, 'from-menu.json');
    const logged: string[] = [];
    const exported = new Promise<void>((resolve) => {
      appMenuExtension(services, {
        info: (line) => {
          logged.push(line);
          resolve();
        },
        error: (line) => {
          logged.push(line);
          resolve();
        },
      })((item?.command ?? '').replace(/^extension:/, ''));
    });
    await exported;
    expect(logged).toEqual([`diagnostics saved to ${standInChooser.answer}`]);
    expect(standInChooser.offered.length).toBe(before + 1);
    expect(
      DiagnosticsBundleSchema.parse(JSON.parse(readFileSync(standInChooser.answer, 'utf8'))),
    ).toBeTruthy();

    // German, from the app's own language setting.
    await services.ui.settings.update({ language: 'de' });
    expect(help(services).find((i) => i.id === 'export-diagnostics')?.label).toBe(
      'Diagnosedaten exportieren …',
    );
    await services.ui.settings.update({ language: 'system' });

    // App services without a save dialog offer no export item.
    const noDialog = createAppServices({
      userDataDir: path.join(dir, 'no-dialog'),
      argv: [],
      env: {},
      allowDevOverrides: false,
      openExternal: async () => undefined,
      logger: createLogger({ sink: () => undefined, level: 'error' }),
    });
    expect(help(noDialog).some((i) => i.id === 'export-diagnostics')).toBe(false);
    await noDialog.dispose();
  }, 60_000);
});
