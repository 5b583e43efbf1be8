import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppServices, type AppServices } from '../../src/main/app-services';
import { registerInvokeHandlers } from '../../src/main/ipc/handle';
import { createInProcessRegistrar, type InProcessRegistrar } from '../../src/main/ipc/in-process-registrar';
import { createSenderCheck } from '../../src/main/ipc/senders';
import { createLogger } from '../../src/main/log/logger';
import { resolvePolicy } from '../../src/main/policy/effective-policy';

/**
 * Settings' add/edit/remove of the user's own profiles, through the IPC path the window uses (the
 * app services' real handlers on handle() over an in-process ipcMain stand-in): each change is
 * validated with the profile schema before the file is written, written atomically (0600), and
 * applied at once (the profile list and the active session follow without a restart). Under a
 * policy that locks the profiles, and for an organisation profile, the change is refused.
 */
const APP_URL = 'app://cognito-desktop/index.html';
const sender = { id: 5, mainFrameUrl: APP_URL, senderFrame: { url: APP_URL, isMainFrame: true } };
const PROFILE = {
  id: 'mine',
  label: 'My pool',
  region: 'eu-west-1',
  userPoolId: 'eu-west-1_Mine12345',
  clientId: 'mineclient000000000000001',
  domain: 'https://mine.auth.eu-west-1.amazoncognito.com',
  scopes: ['openid', 'email'],
  redirect: { loopback: ['http://127.0.0.1:53997/callback'], prefer: 'loopback' },
  apis: [],
};
let dir: string;
const started: AppServices[] = [];

function app(userData: string, policy?: Record<string, unknown>) {
  const services = createAppServices({
    userDataDir: userData,
    argv: [],
    env: {},
    allowDevOverrides: false,
    openExternal: async () => undefined,
    logger: createLogger({ sink: () => undefined, level: 'error' }),
    // The person confirms every change main asks about (renderer-steals-refresh-token.test.ts
    // covers the dialog declined).
    confirmProfileChange: async () => true,
    ...(policy
      ? { policy: { policy: resolvePolicy([{ scope: 'machine', source: 'policy.json', document: policy }]) } }
      : {}),
  });
  started.push(services);
  const registrar: InProcessRegistrar = createInProcessRegistrar();
  registerInvokeHandlers(
    {
      registrar,
      senderCheck: createSenderCheck({ appUrls: [APP_URL], isAppWebContents: (id) => id === sender.id }),
    },
    services.handlers.invoke,
  );
  return {
    services,
    invoke: (channel: string, payload: unknown) => registrar.invoke(channel, sender, payload),
  };
}

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'user-profiles-'));
});
afterAll(async () => {
  for (const s of started) await s.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("the user's own profiles from Settings", () => {
  it('adds, edits and removes a profile: validated, written atomically, applied at once', async () => {
    const userData = path.join(dir, 'own');
    const { services, invoke } = app(userData);
    const file = path.join(userData, 'profiles.json');
    expect(services.session.getState()).toMatchObject({ error: { code: 'CONFIG_INVALID' } });

    const added = await invoke('profiles:save', { profile: PROFILE });
    expect(added).toMatchObject({ ok: true, value: { activeProfileId: 'mine', profiles: [{ id: 'mine' }] } });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ profiles: [PROFILE] });
    // The new profile's session is live: signed out, without the "no profile" error.
    expect(services.session.getState()).toEqual({
      status: 'signed-out',
      reason: 'none',
      storage: expect.anything(),
    });

    // Invalid: refused with the field named, the file as it was.
    const before = readFileSync(file, 'utf8');
    const bad = await invoke('profiles:save', {
      profile: { ...PROFILE, id: 'bad', domain: 'http://example.com' },
    });
    expect(bad).toMatchObject({
      ok: false,
      error: { code: 'CONFIG_INVALID', message: expect.stringContaining('domain') },
    });
    expect(readFileSync(file, 'utf8')).toBe(before);

    // Edit: same id, new label; the list follows.
    const edited = await invoke('profiles:save', { profile: { ...PROFILE, label: 'My renamed pool' } });
    expect(edited).toMatchObject({
      ok: true,
      value: { profiles: [{ id: 'mine', label: 'My renamed pool' }] },
    });
    expect(services.profiles.active()?.label).toBe('My renamed pool');

    const removed = await invoke('profiles:remove', { profileId: 'mine' });
    expect(removed).toEqual({ ok: true, value: { activeProfileId: null, profiles: [] } });
    expect(existsSync(file)).toBe(false);
    expect(services.session.getState()).toMatchObject({
      status: 'signed-out',
      error: { code: 'CONFIG_INVALID' },
    });
    expect(await invoke('profiles:remove', { profileId: 'mine' })).toMatchObject({
      ok: false,
      error: { code: 'CONFIG_INVALID' },
    });
  });

  it('refuses changes where the policy locks the profiles, and never touches an organisation profile', async () => {
    const locked = path.join(dir, 'locked');
    const policyApp = app(locked, { profiles: [{ ...PROFILE, id: 'corp', label: 'Corp' }] });
    const refused = await policyApp.invoke('profiles:save', { profile: PROFILE });
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'CONFIG_INVALID', message: expect.stringContaining('organisation manages') },
    });
    expect(await policyApp.invoke('profiles:remove', { profileId: 'corp' })).toMatchObject({ ok: false });

    // Policy allows own profiles, but the organisation's stay the organisation's.
    const open = path.join(dir, 'open');
    const openApp = app(open, {
      profiles: [{ ...PROFILE, id: 'corp', label: 'Corp' }],
      allowUserProfiles: true,
    });
    const corp = await openApp.invoke('profiles:save', {
      profile: { ...PROFILE, id: 'corp', label: 'Mine now' },
    });
    expect(corp).toMatchObject({ ok: false, error: { message: expect.stringContaining("organisation's") } });
    expect(await openApp.invoke('profiles:save', { profile: PROFILE })).toMatchObject({
      ok: true,
      value: { profiles: [{ id: 'corp', managed: true }, { id: 'mine' }] },
    });
  });

  it('does not rewrite a hand-written file that is itself invalid', async () => {
    const userData = path.join(dir, 'broken');
    mkdirSync(userData, { recursive: true });
    const file = path.join(userData, 'profiles.json');
    writeFileSync(file, '{ "profiles": [ { "id": "x" } ] }');
    const { invoke } = app(userData);
    const result = await invoke('profiles:save', { profile: PROFILE });
    expect(result).toMatchObject({ ok: false, error: { code: 'CONFIG_INVALID' } });
    expect(readFileSync(file, 'utf8')).toBe('{ "profiles": [ { "id": "x" } ] }');
  });
});
