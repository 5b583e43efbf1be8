import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { resolvePolicy } from '../../src/main/policy/effective-policy';
import { loadOrganisationPolicy } from '../../src/main/policy/load-policy';
import { fromJsonText, fromPlistXml, fromRegQuery, PolicyError } from '../../src/main/policy/policy-forms';
import {
  APP_ID,
  policyLocations,
  nodePolicyIo,
  readPolicySources,
  type PolicyIo,
  type PolicyLocationOptions,
} from '../../src/main/policy/policy-sources';

/**
 * The organisation policy in its three OS forms: one policy written as an admin would write it
 * for each OS (fixtures in test/fixtures/policy) must settle to the same effective policy, and
 * every malformed form must fail with the source and the key named.
 */

const fixtures = path.resolve(import.meta.dirname, '../fixtures/policy');
const fixture = (name: string) => readFileSync(path.join(fixtures, name), 'utf8');
const HKLM_KEY = 'HKLM\\SOFTWARE\\Policies\\Example Org\\Cognito Desktop';
const HKCU_KEY = 'HKCU\\SOFTWARE\\Policies\\Example Org\\Cognito Desktop';
const base: Omit<PolicyLocationOptions, 'platform'> = {
  appId: APP_ID,
  organisation: 'Example Org',
  productName: 'Cognito Desktop',
  username: 'dana',
};

/** reg.exe where the readers look for it when %SystemRoot% is not set (as here, off Windows). */
const REG = 'C:\\Windows\\System32\\reg.exe';
const listing = (key: string, subkeys: string[]) => ({
  code: 0,
  stdout: `\r\n${[key, ...subkeys.map((s) => `${key}\\${s}`)].join('\r\n')}\r\n`,
});
/** The parent listings that prove the policy key absent from a hive. */
const absentUnder = (hive: 'HKLM' | 'HKCU', long: string) => ({
  [`${REG} query ${hive}\\SOFTWARE`]: listing(`${long}\\SOFTWARE`, ['Microsoft', 'Policies']),
  [`${REG} query ${hive}\\SOFTWARE\\Policies`]: listing(`${long}\\SOFTWARE\\Policies`, ['Microsoft']),
});
const absentUnderHklm = absentUnder('HKLM', 'HKEY_LOCAL_MACHINE');
const absentUnderHkcu = absentUnder('HKCU', 'HKEY_CURRENT_USER');

/** An io that serves fixtures at given paths, and records every command it is asked to run. */
function fixtureIo(
  files: Record<string, Buffer>,
  commands: Record<string, { code: number; stdout: string }> = {},
) {
  const ran: string[][] = [];
  const io: PolicyIo = {
    readFile: (file) => files[file],
    run: async (command, args) => {
      ran.push([command, ...args]);
      return commands[[command, ...args].join(' ')] ?? { code: 1, stdout: '' };
    },
  };
  return { io, ran };
}

describe('organisation policy: the three OS forms', () => {
  it('settles the Linux JSON, the macOS plist and the Windows registry form of one policy to the same effective policy', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'policy-'));
    const linuxFile = path.join(dir, 'policy.json');
    writeFileSync(linuxFile, fixture('linux-policy.json'));
    // Linux: the real file system.
    const linux = await readPolicySources({ ...base, platform: 'linux', linuxPolicyFile: linuxFile });

    const macMachine = `/Library/Managed Preferences/${APP_ID}.plist`;
    const mac = await readPolicySources(
      { ...base, platform: 'darwin' },
      fixtureIo({ [macMachine]: readFileSync(path.join(fixtures, `${APP_ID}.plist`)) }).io,
    );

    const win = await readPolicySources(
      { ...base, platform: 'win32' },
      fixtureIo(
        {},
        {
          [`${REG} query ${HKLM_KEY} /s`]: { code: 0, stdout: fixture('windows-hklm-reg-query.txt') },
          ...absentUnderHkcu,
        },
      ).io,
    );

    const [l, m, w] = [resolvePolicy(linux), resolvePolicy(mac), resolvePolicy(win)];
    expect(l.sources).toEqual([{ scope: 'machine', source: linuxFile }]);
    expect(m.sources).toEqual([{ scope: 'machine', source: macMachine }]);
    expect(w.sources).toEqual([{ scope: 'machine', source: HKLM_KEY }]);
    const comparable = (p: ReturnType<typeof resolvePolicy>) => ({
      ...p,
      sources: [],
      profiles: { ...p.profiles, source: '' },
    });
    expect(comparable(m)).toEqual(comparable(l));
    expect(comparable(w)).toEqual(comparable(l));
    expect(l).toMatchObject({
      allowUserProfiles: false,
      allowMemoryOnlySignIn: false,
      logLevel: 'warn',
      updates: { enabled: true, feedUrl: 'https://updates.example.com/desktop' },
      proxy: { url: 'http://proxy.example.com:3128', bypass: ['*.internal.example.com', '<local>'] },
      locked: { profiles: true, proxy: true, updates: true, memoryOnlySignIn: true, logLevel: true },
    });
    expect(l.profiles?.entries).toHaveLength(1);
  });

  it('asks plutil (faked here: the io answers with the XML fixture) to convert a binary plist, by absolute path', async () => {
    const macMachine = `/Library/Managed Preferences/${APP_ID}.plist`;
    const binary = readFileSync(path.join(fixtures, `${APP_ID}.binary.plist`));
    const { io, ran } = fixtureIo(
      { [macMachine]: binary },
      {
        [`/usr/bin/plutil -convert xml1 -o - ${macMachine}`]: { code: 0, stdout: fixture(`${APP_ID}.plist`) },
      },
    );
    const raw = await readPolicySources({ ...base, platform: 'darwin' }, io);
    expect(ran).toEqual([['/usr/bin/plutil', '-convert', 'xml1', '-o', '-', macMachine]]);
    expect(resolvePolicy(raw).logLevel).toBe('warn');
    // A binary plist plutil cannot read is a policy error, not an absent policy.
    const broken = fixtureIo({ [macMachine]: binary });
    await expect(readPolicySources({ ...base, platform: 'darwin' }, broken.io)).rejects.toMatchObject({
      name: 'PolicyError',
      source: macMachine,
    });
  });

  it('reads the binary plist fixture through the real spawn path and the real XML parser', async () => {
    // No plutil off macOS: the stand-in placed where the reader is told to look converts for real
    // (Python's plistlib), so the binary fixture itself is decoded, not a canned answer.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'plutil-'));
    const plutil = path.join(dir, 'plutil');
    writeFileSync(
      plutil,
      [
        '#!/usr/bin/env python3',
        'import plistlib, sys',
        'assert sys.argv[1:5] == ["-convert", "xml1", "-o", "-"], sys.argv',
        'with open(sys.argv[5], "rb") as f: data = plistlib.load(f)',
        'sys.stdout.buffer.write(plistlib.dumps(data, fmt=plistlib.FMT_XML))',
        '',
      ].join('\n'),
      { mode: 0o755 },
    );
    const macMachine = `/Library/Managed Preferences/${APP_ID}.plist`;
    const binary = readFileSync(path.join(fixtures, `${APP_ID}.binary.plist`));
    expect(binary.subarray(0, 8).toString('latin1')).toBe('bplist00');
    const file = path.join(dir, `${APP_ID}.plist`);
    writeFileSync(file, binary);
    const io: PolicyIo = {
      ...nodePolicyIo,
      readFile: (f) => (f === macMachine ? readFileSync(file) : undefined),
    };
    const run = io.run.bind(io);
    io.run = (command, args) =>
      run(
        command,
        args.map((a) => (a === macMachine ? file : a)),
      );
    const raw = await readPolicySources({ ...base, platform: 'darwin', plutilPath: plutil }, io);
    const fromBinary = resolvePolicy(raw);
    const fromXml = resolvePolicy(
      await readPolicySources(
        { ...base, platform: 'darwin' },
        fixtureIo({ [macMachine]: readFileSync(path.join(fixtures, `${APP_ID}.plist`)) }).io,
      ),
    );
    expect(fromBinary).toEqual(fromXml);
    expect(fromBinary).toMatchObject({ allowUserProfiles: false, logLevel: 'warn' });
    rmSync(dir, { recursive: true, force: true });
  });

  it('looks in the documented places on each OS, and treats a missing policy as no policy', async () => {
    expect(policyLocations({ ...base, platform: 'linux' })).toEqual([
      { scope: 'machine', form: 'json', where: '/etc/cognito-desktop/policy.json' },
    ]);
    expect(policyLocations({ ...base, platform: 'darwin' }).map((l) => l.where)).toEqual([
      `/Library/Managed Preferences/${APP_ID}.plist`,
      `/Library/Managed Preferences/dana/${APP_ID}.plist`,
    ]);
    expect(policyLocations({ ...base, platform: 'win32' }).map((l) => l.where)).toEqual([HKLM_KEY, HKCU_KEY]);
    // A user name that could climb out of the managed-preferences folder is not used.
    expect(policyLocations({ ...base, platform: 'darwin', username: '../x' })).toHaveLength(1);

    const none = await loadOrganisationPolicy({
      ...base,
      platform: 'linux',
      linuxPolicyFile: path.join(os.tmpdir(), 'no-such-policy.json'),
    });
    expect(none).toEqual({ policy: expect.objectContaining({ sources: [], allowUserProfiles: true }) });
    // Absent only when the parent key's listing lacks it (reg.exe's own messages are localised).
    const win = fixtureIo({}, { ...absentUnderHklm, ...absentUnderHkcu });
    expect(await readPolicySources({ ...base, platform: 'win32' }, win.io)).toEqual([]);
    expect(win.ran).toEqual([
      [REG, 'query', HKLM_KEY, '/s'],
      [REG, 'query', 'HKLM\\SOFTWARE'],
      [REG, 'query', 'HKLM\\SOFTWARE\\Policies'],
      [REG, 'query', HKCU_KEY, '/s'],
      [REG, 'query', 'HKCU\\SOFTWARE'],
      [REG, 'query', 'HKCU\\SOFTWARE\\Policies'],
    ]);
  });

  it('uses the appId that electron-builder.yml gives the app (the macOS preferences domain)', () => {
    const builder = parseYaml(
      readFileSync(path.resolve(import.meta.dirname, '../../electron-builder.yml'), 'utf8'),
    ) as {
      appId: string;
    };
    expect(APP_ID).toBe(builder.appId);
  });
});

describe('organisation policy: malformed input names the source and the key', () => {
  const reject = (fn: () => unknown, key: string, message: RegExp) => {
    let error: unknown;
    try {
      fn();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PolicyError);
    expect((error as PolicyError).key).toBe(key);
    expect((error as PolicyError).code).toBe('CONFIG_INVALID');
    expect((error as PolicyError).message).toMatch(message);
  };
  const raw = (document: Record<string, unknown>, scope: 'machine' | 'user' = 'machine') => ({
    scope,
    source: '/etc/cognito-desktop/policy.json',
    document,
  });

  it('refuses bad JSON, non-objects and oversized files', () => {
    reject(() => fromJsonText('{"logLevel": ', 'p.json'), '', /not valid JSON/);
    reject(() => fromJsonText('[1]', 'p.json'), '', /must be a JSON object/);
    reject(() => fromJsonText(`{"x":"${'a'.repeat(600_000)}"}`, 'p.json'), '', /larger than/);
  });

  it('refuses a misspelt key instead of ignoring it (the admin believes it is locked)', () => {
    reject(() => resolvePolicy([raw({ allowUserProfile: false })]), 'allowUserProfile', /not a policy key/);
    reject(
      () => resolvePolicy([raw({ updates: { feedURL: 'https://x' } })]),
      'updates.feedURL',
      /not a policy key/,
    );
  });

  it('refuses wrong types and values, naming the key', () => {
    reject(() => resolvePolicy([raw({ logLevel: 'verbose' })]), 'logLevel', /./);
    reject(
      () => resolvePolicy([raw({ updates: { feedUrl: 'http://updates.example.com' } })]),
      'updates.feedUrl',
      /https/,
    );
    reject(
      () => resolvePolicy([raw({ network: { proxy: { url: 'http://user:pw@proxy:3128' } } })]),
      'network.proxy.url',
      /credentials/,
    );
    reject(() => resolvePolicy([raw({ allowMemoryOnlySignIn: 'no' })]), 'allowMemoryOnlySignIn', /./);
    reject(
      () => resolvePolicy([raw({ defaultProfileId: 'corp' })]),
      'defaultProfileId',
      /only allowed next to profiles/,
    );
  });

  it('refuses a registry DWORD that is not 0 or 1 where a boolean belongs, and unreadable registry text', () => {
    const root = 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Example Org\\Cognito Desktop';
    reject(
      () => fromRegQuery(`\r\n${root}\r\n    allowUserProfiles    REG_DWORD    0x2\r\n`, HKLM_KEY, HKLM_KEY),
      'allowUserProfiles',
      /0 or 1/,
    );
    reject(
      () => fromRegQuery(`\r\n${root}\r\n    profiles    REG_SZ    [{"id":\r\n`, HKLM_KEY, HKLM_KEY),
      'profiles',
      /does not parse/,
    );
    reject(
      () => fromRegQuery(`\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Other\r\n`, HKLM_KEY, HKLM_KEY),
      '',
      /unexpected registry key/,
    );
    reject(
      () => fromRegQuery(`\r\n${root}\r\n    x    REG_BINARY    00ff\r\n`, HKLM_KEY, HKLM_KEY),
      'x',
      /REG_BINARY/,
    );
  });

  it('refuses a plist that does not parse or is not a dictionary', () => {
    reject(() => fromPlistXml('<plist><dict><key>a</key>', 'm.plist'), '', /property list/);
    reject(
      () =>
        fromPlistXml(
          '<?xml version="1.0"?><plist version="1.0"><array><string>x</string></array></plist>',
          'm.plist',
        ),
      '',
      /dictionary/,
    );
  });

  it('turns any failure into a fail-closed outcome, never an exception', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'policy-'));
    const file = path.join(dir, 'policy.json');
    writeFileSync(file, '{"logLevel":"loud"}');
    const outcome = await loadOrganisationPolicy({ ...base, platform: 'linux', linuxPolicyFile: file });
    expect('error' in outcome && outcome.error.source).toBe(file);
    expect('error' in outcome && outcome.error.key).toBe('logLevel');
  });
});
