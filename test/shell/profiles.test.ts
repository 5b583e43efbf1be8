import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ProfileFileError, readProfileFile } from '../../src/main/config/profile-file';
import { profileFlag, resolveProfileSources } from '../../src/main/config/profile-sources';
import { createProfilesStore } from '../../src/main/config/profiles-store';
import { loadProfiles } from '../../src/main/policy/profile-precedence';
import { AppError } from '../../src/shared/errors';
import { ProfilesSchema } from '../../src/shared/ipc-contract';

const profile = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  label: `Profile ${id}`,
  region: 'us-east-1',
  userPoolId: 'us-east-1_AbC123xyz',
  clientId: 'abc123client',
  domain: 'https://myapp.auth.us-east-1.amazoncognito.com',
  scopes: ['openid', 'email'],
  redirect: { loopback: ['http://127.0.0.1:53682/callback'], prefer: 'loopback' },
  apis: [{ name: 'demo', baseUrl: 'https://api.example.com' }],
  ...extra,
});

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'shell-profiles-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function writeJson(file: string, value: unknown): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value, null, 2));
  return file;
}
function fileErrorOf(fn: () => unknown): ProfileFileError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ProfileFileError) return error;
    throw error;
  }
  throw new Error('expected a ProfileFileError');
}

describe('profile files', () => {
  it('reads a single-profile file and a multi-profile file', () => {
    const dir = tempDir();
    const single = readProfileFile(writeJson(path.join(dir, 'one.json'), profile('a')));
    expect(single.profiles.map((p) => p.id)).toEqual(['a']);
    expect(single.profiles[0]?.issuer).toBe(
      'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC123xyz',
    );
    const multi = readProfileFile(
      writeJson(path.join(dir, 'two.json'), {
        profiles: [profile('a'), profile('b')],
        defaultProfileId: 'b',
      }),
    );
    expect(multi.profiles.map((p) => p.id)).toEqual(['a', 'b']);
    expect(multi.defaultProfileId).toBe('b');
  });

  it.each([
    ['http on a non-loopback domain', profile('a', { domain: 'http://myapp.example.com' }), 'domain'],
    ['a bad client id', profile('a', { clientId: 'has spaces' }), 'clientId'],
    [
      'a bad redirect',
      profile('a', { redirect: { loopback: ['http://evil.example:80/cb'], prefer: 'loopback' } }),
      'redirect.loopback[0]',
    ],
    ['an unknown field', { ...profile('a'), extra: 1 }, '(top level)'],
    ['a missing field', { ...profile('a'), region: undefined }, 'region'],
  ])('rejects %s naming the field and the file', (_name, value, field) => {
    const file = writeJson(path.join(tempDir(), 'bad.json'), value);
    const error = fileErrorOf(() => readProfileFile(file));
    expect(error).toBeInstanceOf(AppError);
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.file).toBe(file);
    expect(error.field).toBe(field);
    expect(error.message).toContain(file);
    if (field !== '(top level)') expect(error.message).toContain(field);
  });

  it('names the index of the bad profile in a multi-profile file', () => {
    const file = writeJson(path.join(tempDir(), 'p.json'), {
      profiles: [profile('a'), profile('b', { issuer: 'http://cognito.example.com/x' })],
    });
    expect(fileErrorOf(() => readProfileFile(file)).field).toBe('profiles[1].issuer');
  });

  it('reports bad JSON and unreadable files by name, never quoting the content', () => {
    const dir = tempDir();
    const bad = writeJson(path.join(dir, 'bad.json'), '{ "clientSecret": "SENTINEL-SECRET", ');
    const error = fileErrorOf(() => readProfileFile(bad));
    expect(error.message).toContain(bad);
    expect(error.message).toContain('not valid JSON');
    expect(error.message).not.toContain('SENTINEL-SECRET');
    const missing = path.join(dir, 'missing.json');
    expect(fileErrorOf(() => readProfileFile(missing)).message).toContain('ENOENT');
  });

  it('never puts a client secret in an error message', () => {
    const file = writeJson(
      path.join(tempDir(), 'p.json'),
      profile('a', { clientSecret: 'SENTINEL-SECRET', region: 'x' }),
    );
    expect(fileErrorOf(() => readProfileFile(file)).message).not.toContain('SENTINEL-SECRET');
  });
});

describe('profile sources', () => {
  it('reads --profile in both forms and the environment, in development only', () => {
    expect(profileFlag(['app', '--profile', 'x.json'])).toBe('x.json');
    expect(profileFlag(['app', '--profile=dev'])).toBe('dev');
    const dir = tempDir();
    const dev = resolveProfileSources({
      userDataDir: dir,
      argv: [],
      env: { COGNITO_DESKTOP_PROFILE: 'some/file.json' },
      allowDevOverrides: true,
    });
    expect(dev.devFile).toBe(path.resolve('some/file.json'));
    expect(
      resolveProfileSources({ userDataDir: dir, argv: ['--profile=prod'], env: {}, allowDevOverrides: true })
        .devProfileId,
    ).toBe('prod');
    const packaged = resolveProfileSources({
      userDataDir: dir,
      argv: ['--profile=x.json'],
      env: { COGNITO_DESKTOP_PROFILE: 'y.json' },
      allowDevOverrides: false,
    });
    expect(packaged.devFile).toBeUndefined();
    expect(packaged.devProfileId).toBeUndefined();
  });

  it('finds the organisation file under resources/profiles/organisation.json', () => {
    const resources = tempDir();
    const org = writeJson(path.join(resources, 'profiles', 'organisation.json'), profile('org'));
    const sources = resolveProfileSources({
      resourcesDir: resources,
      userDataDir: tempDir(),
      argv: [],
      env: {},
      allowDevOverrides: false,
    });
    expect(sources.orgFile).toBe(org);
  });
});

describe('profiles store', () => {
  it('merges org and user files and keeps a bad file out entirely, reporting file and field', () => {
    const resources = tempDir();
    const userData = tempDir();
    writeJson(path.join(resources, 'profiles', 'organisation.json'), profile('org'));
    const userFile = writeJson(path.join(userData, 'profiles.json'), {
      profiles: [profile('mine'), profile('broken', { domain: 'http://idp.example.com' })],
    });
    const loaded = loadProfiles(
      resolveProfileSources({
        resourcesDir: resources,
        userDataDir: userData,
        argv: [],
        env: {},
        allowDevOverrides: false,
      }),
    );
    expect(loaded.profiles.map((p) => p.id)).toEqual(['org']);
    expect(loaded.configError?.file).toBe(userFile);
    expect(loaded.configError?.field).toBe('profiles[1].domain');
    const store = createProfilesStore({ loaded, stateFile: path.join(userData, 'active-profile.json') });
    const list = ProfilesSchema.parse(store.list());
    expect(list.activeProfileId).toBe('org');
    expect(list.configError?.file).toBe(userFile);
    expect(list.configError?.message).toContain('profiles[1].domain');
  });

  it('activates nothing when the development profile file is bad (no sign-in against a half-valid profile)', () => {
    const userData = tempDir();
    writeJson(path.join(userData, 'profiles.json'), profile('mine'));
    const devFile = writeJson(path.join(tempDir(), 'dev.json'), profile('dev', { scopes: ['email'] }));
    const loaded = loadProfiles(
      resolveProfileSources({
        userDataDir: userData,
        argv: [`--profile=${devFile}`],
        env: {},
        allowDevOverrides: true,
      }),
    );
    const store = createProfilesStore({ loaded, stateFile: path.join(userData, 'active-profile.json') });
    expect(store.active()).toBeUndefined();
    expect(store.list().configError?.message).toContain('scopes');
    expect(store.list().configError?.file).toBe(devFile);
  });

  it('activates the development profile over the remembered one', () => {
    const userData = tempDir();
    writeJson(path.join(userData, 'profiles.json'), profile('mine'));
    writeJson(path.join(userData, 'active-profile.json'), { activeProfileId: 'mine' });
    const devFile = writeJson(path.join(tempDir(), 'dev.json'), profile('dev', { demo: true }));
    const loaded = loadProfiles(
      resolveProfileSources({
        userDataDir: userData,
        argv: [],
        env: { COGNITO_DESKTOP_PROFILE: devFile },
        allowDevOverrides: true,
      }),
    );
    const store = createProfilesStore({ loaded, stateFile: path.join(userData, 'active-profile.json') });
    expect(store.active()?.id).toBe('dev');
    expect(store.list().profiles.find((p) => p.id === 'dev')?.demo).toBe(true);
  });

  it('rejects a profile id used in two files', () => {
    const resources = tempDir();
    const userData = tempDir();
    writeJson(path.join(resources, 'profiles', 'organisation.json'), profile('same'));
    const userFile = writeJson(path.join(userData, 'profiles.json'), profile('same'));
    const loaded = loadProfiles(
      resolveProfileSources({
        resourcesDir: resources,
        userDataDir: userData,
        argv: [],
        env: {},
        allowDevOverrides: false,
      }),
    );
    expect(loaded.profiles).toHaveLength(1);
    expect(loaded.configError).toMatchObject({ file: userFile, field: 'id' });
  });

  it('switches profiles, remembers the choice (0600), and undoes the switch when the session swap fails', async () => {
    const userData = tempDir();
    writeJson(path.join(userData, 'profiles.json'), { profiles: [profile('a'), profile('b'), profile('c')] });
    const stateFile = path.join(userData, 'active-profile.json');
    const swaps: string[] = [];
    const make = () =>
      createProfilesStore({
        loaded: loadProfiles(
          resolveProfileSources({ userDataDir: userData, argv: [], env: {}, allowDevOverrides: false }),
        ),
        stateFile,
        onSwitch: async (next, previous) => {
          if (next.id === 'c') throw new AppError('KEYCHAIN_UNAVAILABLE', 'no');
          swaps.push(`${previous?.id}->${next.id}`);
        },
      });
    const store = make();
    expect(store.active()?.id).toBe('a');
    expect((await store.switchTo('b')).activeProfileId).toBe('b');
    expect(swaps).toEqual(['a->b']);
    expect(statSync(stateFile).mode & 0o777).toBe(0o600);
    await expect(store.switchTo('c')).rejects.toBeInstanceOf(AppError);
    expect(store.active()?.id).toBe('b');
    await expect(store.switchTo('nope')).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    expect(make().active()?.id).toBe('b');
  });
});
