import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { loadProfiles } from '../../src/main/policy/profile-precedence';
import { loadOrganisationPolicy } from '../../src/main/policy/load-policy';
import {
  APP_ID,
  createNodePolicyIo,
  nodePolicyIo,
  type PolicyLocationOptions,
} from '../../src/main/policy/policy-sources';

/**
 * Issue 24 item 2: the Windows machine policy failed open. `reg` was started by its bare name
 * through PATH, and every failure (non-zero exit, spawn error, timeout, output over the cap) read
 * as "the key does not exist", so a slow reg.exe at logon, "Access is denied" or a user's own
 * `reg` earlier on PATH dropped every machine policy (allowUserProfiles back to true).
 *
 * These tests run the real spawn path (createNodePolicyIo: execFile) against stand-in
 * executables placed where the code looks, `<SystemRoot>\System32\reg.exe` (the system root is
 * injectable for tests only), each answering from a table of `reg` command lines.
 */

const fixtures = path.resolve(import.meta.dirname, '../fixtures/policy');
const HKLM_KEY = 'HKLM\\SOFTWARE\\Policies\\Example Org\\Cognito Desktop';
const HKCU_KEY = 'HKCU\\SOFTWARE\\Policies\\Example Org\\Cognito Desktop';
const NOT_FOUND = 'ERROR: The system was unable to find the specified registry key or value.';
const dir = mkdtempSync(path.join(os.tmpdir(), 'win-policy-'));
const originalPath = process.env['PATH'];
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  process.env['PATH'] = originalPath;
});

interface Answer {
  stdout?: string;
  stderr?: string;
  code?: number;
  /** Never ends by itself (the reader's time bound must stop it). */
  hang?: boolean;
  /** Prints this many bytes. */
  bytes?: number;
}

/** reg.exe's listing of a key without /s: the key, then its subkeys. */
const listing = (key: string, subkeys: string[]) =>
  `\r\n${[key, ...subkeys.map((s) => `${key}\\${s}`)].join('\r\n')}\r\n`;

/** The usual machine: the policy under HKLM, nothing under HKCU (listings prove it absent). */
function machine(hklmPolicy: Answer): Record<string, Answer> {
  return {
    [`query ${HKLM_KEY} /s`]: hklmPolicy,
    [`query ${HKCU_KEY} /s`]: { stderr: NOT_FOUND, code: 1 },
    'query HKLM\\SOFTWARE': { stdout: listing('HKEY_LOCAL_MACHINE\\SOFTWARE', ['Classes', 'Policies']) },
    'query HKCU\\SOFTWARE': { stdout: listing('HKEY_CURRENT_USER\\SOFTWARE', ['Microsoft', 'Policies']) },
    'query HKLM\\SOFTWARE\\Policies': {
      stdout: listing('HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies', ['Example Org', 'Microsoft']),
    },
    'query HKLM\\SOFTWARE\\Policies\\Example Org': {
      stdout: listing('HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Example Org', ['Cognito Desktop']),
    },
    'query HKCU\\SOFTWARE\\Policies': {
      stdout: listing('HKEY_CURRENT_USER\\SOFTWARE\\Policies', ['Microsoft']),
    },
  };
}

let n = 0;
/** A folder holding System32\reg.exe that answers from `table` and records each command line. */
function systemRoot(table: Record<string, Answer>): { root: string; ran: () => string[] } {
  const root = path.join(dir, `windows-${n++}`);
  mkdirSync(path.join(root, 'System32'), { recursive: true });
  const log = path.join(root, 'ran.log');
  const script = `#!${process.execPath}
const fs = require('node:fs');
const table = ${JSON.stringify(table)};
const line = process.argv.slice(2).join(' ');
fs.appendFileSync(${JSON.stringify(log)}, line + '\\n');
const a = table[line] ?? { stderr: ${JSON.stringify(NOT_FOUND)}, code: 1 };
if (a.hang) setInterval(() => {}, 1000);
else {
  if (a.bytes) process.stdout.write('x'.repeat(a.bytes));
  if (a.stdout) process.stdout.write(a.stdout);
  if (a.stderr) process.stderr.write(a.stderr + '\\r\\n');
  process.stdout.on('finish', () => process.exit(a.code ?? 0));
  process.stdout.end();
}
`;
  const exe = path.join(root, 'System32', 'reg.exe');
  writeFileSync(exe, script);
  chmodSync(exe, 0o755);
  return {
    root,
    ran: () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : []),
  };
}

const options = (root: string): PolicyLocationOptions => ({
  platform: 'win32',
  appId: APP_ID,
  organisation: 'Example Org',
  productName: 'Cognito Desktop',
  windowsSystemRoot: root,
});
const hklmFixture = () => ({
  stdout: readFileSync(path.join(fixtures, 'windows-hklm-reg-query.txt'), 'utf8'),
});

describe('Windows machine policy fails open (issue 24 item 2)', () => {
  it('reads the machine policy with the reg.exe under the system root (control)', async () => {
    const win = systemRoot(machine(hklmFixture()));
    const outcome = await loadOrganisationPolicy(options(win.root), nodePolicyIo);
    expect('policy' in outcome && outcome.policy.allowUserProfiles).toBe(false);
    expect('policy' in outcome && outcome.policy.sources).toEqual([{ scope: 'machine', source: HKLM_KEY }]);
    // HKCU was proved absent from its parent's listing, not from reg.exe's message.
    expect(win.ran()).toEqual([
      `query ${HKLM_KEY} /s`,
      `query ${HKCU_KEY} /s`,
      'query HKCU\\SOFTWARE',
      'query HKCU\\SOFTWARE\\Policies',
    ]);
  });

  it('a reg.exe that says "Access is denied" (exit 1) fails closed, naming the source', async () => {
    const win = systemRoot(machine({ stderr: 'ERROR: Access is denied.', code: 1 }));
    const outcome = await loadOrganisationPolicy(options(win.root), nodePolicyIo);
    expect('error' in outcome).toBe(true);
    if (!('error' in outcome)) return;
    expect(outcome.error.source).toBe(HKLM_KEY);
    expect(outcome.error.code).toBe('CONFIG_INVALID');
    expect(outcome.error.message).toBe(
      `Organisation policy ${HKLM_KEY}: reg.exe could not read it (exit 1: ERROR: Access is denied.)`,
    );
    // The app fails closed: no profile at all, the error screen names the source.
    const loaded = loadProfiles({ userFile: path.join(dir, 'no-profiles.json') }, outcome);
    expect(loaded.profiles).toEqual([]);
    expect(loaded.blockActive).toBe(true);
    expect(loaded.configError?.file).toBe(HKLM_KEY);
  });

  it('a reg.exe slower than the time bound fails closed, naming the source', async () => {
    const win = systemRoot(machine({ hang: true }));
    const outcome = await loadOrganisationPolicy(options(win.root), createNodePolicyIo({ timeoutMs: 1500 }));
    expect('error' in outcome && outcome.error.source).toBe(HKLM_KEY);
    expect('error' in outcome && outcome.error.message).toMatch(/reg\.exe did not finish in time$/);
  });

  it('a reg.exe that prints more than the output cap fails closed, naming the source', async () => {
    const win = systemRoot(machine({ bytes: 3 * 1024 * 1024 }));
    const outcome = await loadOrganisationPolicy(options(win.root), nodePolicyIo);
    expect('error' in outcome && outcome.error.source).toBe(HKLM_KEY);
    expect('error' in outcome && outcome.error.message).toMatch(
      /reg\.exe printed more than a policy can hold$/,
    );
  });

  it('a parent key that cannot be listed fails closed instead of meaning "absent"', async () => {
    const table = machine(hklmFixture());
    table['query HKCU\\SOFTWARE\\Policies'] = { stderr: 'ERROR: Access is denied.', code: 1 };
    const win = systemRoot(table);
    const outcome = await loadOrganisationPolicy(options(win.root), nodePolicyIo);
    expect('error' in outcome && outcome.error.source).toBe(HKCU_KEY);
  });

  it('a reg.exe that cannot be started fails closed, naming the source', async () => {
    const outcome = await loadOrganisationPolicy(options(path.join(dir, 'no-windows-here')), nodePolicyIo);
    expect('error' in outcome && outcome.error.source).toBe(HKLM_KEY);
    expect('error' in outcome && outcome.error.message).toMatch(/reg\.exe could not be started$/);
  });

  it('never uses a `reg` that comes earlier on PATH', async () => {
    const hostile = path.join(dir, 'user-bin');
    mkdirSync(hostile, { recursive: true });
    const marker = path.join(hostile, 'ran');
    for (const name of ['reg', 'reg.exe']) {
      // Answers "no values" for everything: read as an empty policy, allowUserProfiles true.
      writeFileSync(path.join(hostile, name), `#!/bin/sh\necho "$*" >> '${marker}'\nexit 0\n`);
      chmodSync(path.join(hostile, name), 0o755);
    }
    process.env['PATH'] = `${hostile}${path.delimiter}${originalPath ?? ''}`;
    const win = systemRoot(machine(hklmFixture()));
    const outcome = await loadOrganisationPolicy(options(win.root), nodePolicyIo);
    expect('policy' in outcome && outcome.policy.allowUserProfiles).toBe(false);
    expect(existsSync(marker)).toBe(false);
  });
});
