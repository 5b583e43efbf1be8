import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAppServices } from '../../src/main/app-services';
import { resolveProfileSources } from '../../src/main/config/profile-sources';
import { createProfilesStore } from '../../src/main/config/profiles-store';
import { loadProfiles } from '../../src/main/policy/profile-precedence';
import { createLogger } from '../../src/main/log/logger';
import { resolvePolicy } from '../../src/main/policy/effective-policy';
import { loadOrganisationPolicy } from '../../src/main/policy/load-policy';
import type { RawPolicy } from '../../src/main/policy/policy-sources';
import { ProfilesSchema } from '../../src/shared/ipc-contract';

/**
 * Precedence, as docs/policy.md states it: machine policy > user policy > the organisation file
 * in the installer > the user's profiles.json > development flags; and a policy that does not
 * validate signs nobody in.
 */

const profile = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  label: `Profile ${id}`,
  region: 'us-east-1',
  userPoolId: 'us-east-1_AbC123xyz',
  clientId: 'abc123client',
  domain: 'https://myapp.auth.us-east-1.amazoncognito.com',
  scopes: ['openid', 'email'],
  redirect: { loopback: ['http://127.0.0.1:53682/callback'], prefer: 'loopback' },
  ...extra,
});

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'policy-precedence-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const writeJson = (file: string, value: unknown) => {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(value));
  return file;
};

/** An installer org file, a user profiles.json and a development --profile file, all present. */
function world() {
  const resources = tempDir();
  const userData = tempDir();
  writeJson(path.join(resources, 'profiles', 'organisation.json'), profile('installer'));
  writeJson(path.join(userData, 'profiles.json'), profile('mine'));
  const devFile = writeJson(path.join(tempDir(), 'dev.json'), profile('dev'));
  const sources = resolveProfileSources({
    resourcesDir: resources,
    userDataDir: userData,
    argv: [`--profile=${devFile}`],
    env: {},
    allowDevOverrides: true,
  });
  return { sources, userData };
}
const machine = (document: Record<string, unknown>): RawPolicy => ({
  scope: 'machine',
  source: 'HKLM\\policy',
  document,
});
const user = (document: Record<string, unknown>): RawPolicy => ({
  scope: 'user',
  source: 'HKCU\\policy',
  document,
});

describe('organisation policy precedence', () => {
  it('without a policy: installer file, then the user file, then the development file, dev profile preferred', () => {
    const { sources } = world();
    const loaded = loadProfiles(sources);
    expect(loaded.profiles.map((p) => p.id)).toEqual(['installer', 'mine', 'dev']);
    expect(loaded.preferredId).toBe('dev');
  });

  it('a policy list replaces the installer file and locks out the user file and development flags', () => {
    const { sources, userData } = world();
    const policy = resolvePolicy([
      machine({ profiles: [profile('corp-a'), profile('corp-b')], defaultProfileId: 'corp-b' }),
    ]);
    expect(policy.allowUserProfiles).toBe(false);
    const loaded = loadProfiles(sources, { policy });
    expect(loaded.profiles.map((p) => p.id)).toEqual(['corp-a', 'corp-b']);
    expect(loaded.warnings.join(' ')).toMatch(/does not allow profiles of your own/);
    const store = createProfilesStore({ loaded, stateFile: path.join(userData, 'active-profile.json') });
    expect(store.active()?.id).toBe('corp-b');
  });

  it('a policy list with allowUserProfiles: true keeps the user file and development flags after it', () => {
    const { sources } = world();
    const policy = resolvePolicy([machine({ profiles: [profile('corp')], allowUserProfiles: true })]);
    expect(loadProfiles(sources, { policy }).profiles.map((p) => p.id)).toEqual(['corp', 'mine', 'dev']);
  });

  it('allowUserProfiles: false alone keeps the installer file and drops the user file', () => {
    const { sources } = world();
    const policy = resolvePolicy([user({ allowUserProfiles: false })]);
    expect(loadProfiles(sources, { policy }).profiles.map((p) => p.id)).toEqual(['installer']);
  });

  it('the machine policy wins over the user policy key by key; the profile list comes whole from one source', () => {
    const policy = resolvePolicy([
      user({
        logLevel: 'debug',
        profiles: [profile('user-listed')],
        updates: { feedUrl: 'https://user.example.com/feed' },
      }),
      machine({ logLevel: 'error', profiles: [profile('machine-listed')], updates: { enabled: true } }),
    ]);
    expect(policy.sources.map((s) => s.scope)).toEqual(['machine', 'user']);
    expect(policy.logLevel).toBe('error');
    expect(policy.profiles?.source).toBe('HKLM\\policy');
    expect((policy.profiles?.entries[0] as { id: string }).id).toBe('machine-listed');
    // Leaves of `updates` combine: enabled from the machine, the feed from the user policy.
    expect(policy.updates).toEqual({ enabled: true, feedUrl: 'https://user.example.com/feed' });
  });

  it('lets only the machine policy allow loopback profiles', () => {
    expect(resolvePolicy([user({ allowLoopbackProfiles: true })]).allowLoopbackProfiles).toBe(false);
    expect(resolvePolicy([machine({ allowLoopbackProfiles: true })]).allowLoopbackProfiles).toBe(true);
  });
});

describe('organisation policy fails closed', () => {
  it('a profile in the policy that does not validate: no profile at all, the source and the field named', () => {
    const { sources, userData } = world();
    const policy = resolvePolicy([
      machine({
        profiles: [profile('ok'), profile('bad', { domain: 'http://idp.example.com' })],
        allowUserProfiles: true,
      }),
    ]);
    const loaded = loadProfiles(sources, { policy });
    expect(loaded.profiles).toEqual([]);
    expect(loaded.blockActive).toBe(true);
    expect(loaded.configError).toMatchObject({ file: 'HKLM\\policy', field: 'profiles[1].domain' });
    const store = createProfilesStore({ loaded, stateFile: path.join(userData, 'active-profile.json') });
    expect(store.active()).toBeUndefined();
  });

  it('a policy file that does not validate: the app services sign nobody in and show the source and key', async () => {
    const { sources: _unused, userData } = world();
    const policyDir = tempDir();
    const policyFile = path.join(policyDir, 'policy.json');
    writeFileSync(policyFile, JSON.stringify({ allowUserProfiles: 'nope' }));
    const outcome = await loadOrganisationPolicy({
      platform: 'linux',
      appId: 'com.example.cognitodesktop',
      organisation: 'Example Org',
      productName: 'Cognito Desktop',
      linuxPolicyFile: policyFile,
    });
    const opened: string[] = [];
    const services = createAppServices({
      userDataDir: userData,
      argv: [],
      env: {},
      allowDevOverrides: false,
      openExternal: async (url) => {
        opened.push(url);
      },
      logger: createLogger({ sink: () => undefined }),
      policy: outcome,
    });
    try {
      // The user's own valid profiles.json is there, and still nothing is active.
      expect(readFileSync(path.join(userData, 'profiles.json'), 'utf8')).toContain('"mine"');
      const list = ProfilesSchema.parse(services.profiles.list());
      expect(list.profiles).toEqual([]);
      expect(list.activeProfileId).toBeNull();
      expect(list.configError?.file).toBe(policyFile);
      expect(list.configError?.message).toContain('allowUserProfiles');
      const state = await services.start();
      expect(state).toMatchObject({ status: 'signed-out', error: { code: 'CONFIG_INVALID' } });
      await expect(services.session.signIn()).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
      expect(opened).toEqual([]);
    } finally {
      await services.dispose();
    }
  });
});
