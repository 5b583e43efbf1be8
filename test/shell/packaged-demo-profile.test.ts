import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createAppServices } from '../../src/main/app-services';
import { packagedProfileProblem, parseProfile } from '../../src/main/config/profile';
import { ProfileFileError, readProfileFile } from '../../src/main/config/profile-file';
import { resolveProfileSources } from '../../src/main/config/profile-sources';
import { loadProfiles } from '../../src/main/policy/profile-precedence';
import { createLogger } from '../../src/main/log/logger';

/**
 * Defect 7 of issue 14: "installers ship a profile that trusts loopback ports". A packaged build
 * refuses `demo` profiles and loopback-http issuers, domains and APIs (error screen naming the
 * file and the field) unless the organisation's policy allows loopback for development builds.
 * The packaging content check (no demo profile in the installer) is test/packaging/asar.test.ts.
 */
const root = path.resolve(import.meta.dirname, '../..');
const example = JSON.parse(
  readFileSync(path.join(root, 'assets/profiles/organisation.example.json'), 'utf8'),
) as Record<string, unknown>;

const real = {
  id: 'corp',
  label: 'Corp',
  region: 'eu-west-1',
  userPoolId: 'eu-west-1_AbCdEf123',
  clientId: 'corpclient01',
  domain: 'https://login.example.com',
  scopes: ['openid'],
  redirect: { loopback: ['http://127.0.0.1:53682/callback'], prefer: 'loopback' },
  signOutUrl: 'http://127.0.0.1:53682/signed-out',
  apis: [{ name: 'orders', baseUrl: 'https://api.example.com' }],
};

const dir = mkdtempSync(path.join(os.tmpdir(), 'packaged-rule-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const write = (value: unknown) => {
  const file = path.join(dir, `p${n++}.json`);
  writeFileSync(file, JSON.stringify(value));
  return file;
};
const refusal = (file: string, rules: Parameters<typeof readProfileFile>[1]) => {
  try {
    readProfileFile(file, rules);
    return undefined;
  } catch (error) {
    if (error instanceof ProfileFileError) return { field: error.field, message: error.message };
    throw error;
  }
};
const packaged = { packaged: { allowLoopback: false } };

describe('the packaged-mode profile rule', () => {
  it.each([
    ['the shipped example (demo: true)', example, 'demo'],
    ['demo: true on an https profile', { ...real, demo: true }, 'demo'],
    ['a loopback-http Hosted UI domain', { ...real, domain: 'http://127.0.0.1:9229' }, 'domain'],
    ['a loopback-http issuer', { ...real, issuer: 'http://localhost:9229/eu-west-1_AbCdEf123' }, 'issuer'],
    [
      'a loopback-http API',
      { ...real, apis: [real.apis[0], { name: 'demo', baseUrl: 'http://[::1]:9230' }] },
      'apis[1].baseUrl',
    ],
  ])('packaged: %s is refused, naming the file and the field', (_what, profile, field) => {
    const file = write(profile);
    const refused = refusal(file, packaged);
    expect(refused?.field).toBe(field);
    expect(refused?.message).toContain(file);
    // The same file is fine in a development build, and with the organisation's loopback policy.
    expect(refusal(file, {})).toBeUndefined();
    expect(refusal(file, { packaged: { allowLoopback: true } })).toBeUndefined();
  });

  it('in a multi-profile file the field path names the profile', () => {
    const file = write({ profiles: [real, { ...real, id: 'dev', domain: 'http://127.0.0.1:9229' }] });
    expect(refusal(file, packaged)?.field).toBe('profiles[1].domain');
  });

  it('an ordinary https profile with loopback redirect and sign-out URLs passes', () => {
    expect(refusal(write(real), packaged)).toBeUndefined();
    expect(packagedProfileProblem(parseProfile(real).profile, { allowLoopback: false })).toBeUndefined();
  });

  it('the app composed as packaged shows the error screen for a demo organisation file and activates nothing', () => {
    const resources = path.join(dir, 'resources');
    mkdirSync(path.join(resources, 'profiles'), { recursive: true });
    writeFileSync(path.join(resources, 'profiles', 'organisation.json'), JSON.stringify(example));
    const userDataDir = mkdtempSync(path.join(dir, 'user-'));
    const inputs = { resourcesDir: resources, userDataDir, argv: [], env: {}, allowDevOverrides: false };

    const packagedLoad = loadProfiles(resolveProfileSources({ ...inputs, packaged: true }));
    expect(packagedLoad.profiles).toEqual([]);
    expect(packagedLoad.configError).toMatchObject({
      file: path.join(resources, 'profiles', 'organisation.json'),
      field: 'demo',
    });
    const services = createAppServices({
      ...inputs,
      packaged: true,
      openExternal: async () => undefined,
      logger: createLogger({ sink: () => undefined }),
    });
    expect(services.profiles.active()).toBeUndefined();
    const state = services.session.getState();
    expect(state).toMatchObject({ status: 'signed-out', reason: 'error', error: { code: 'CONFIG_INVALID' } });
    expect(state.status === 'signed-out' && state.error?.message).toContain('organisation.json');
    void services.dispose();

    // Development build (or the policy's allowance): the demo profile loads.
    expect(loadProfiles(resolveProfileSources(inputs)).profiles.map((p) => p.id)).toEqual(['local-demo']);
    expect(
      loadProfiles(resolveProfileSources({ ...inputs, packaged: true, allowLoopbackProfiles: true }))
        .profiles,
    ).toHaveLength(1);
  });
});
