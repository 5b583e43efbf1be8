import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import keytar from 'keytar';
import { assertPrivateKeyring } from '../support/keyring-guard';
import { startPrivateKeyring, type PrivateKeyring } from '../../tools/support/keyring';

function fingerprint(dir: string): string {
  if (!existsSync(dir)) return 'absent';
  const hash = createHash('sha256');
  for (const name of readdirSync(dir).sort()) {
    const file = path.join(dir, name);
    const st = statSync(file);
    hash.update(`${name}:${st.size}:${st.mtimeMs}\n`);
    if (st.isFile()) hash.update(readFileSync(file));
  }
  return hash.digest('hex');
}

const SERVICE = 'cognito-desktop-harness-test';

/**
 * keytar in another process, on the given keyring's session bus: how the developer's own
 * desktop session would see its keychain. Prints the JSON result of one call.
 */
async function keytarIn(
  keyring: PrivateKeyring,
  call: 'getPassword' | 'setPassword' | 'deletePassword',
  ...args: string[]
): Promise<unknown> {
  const script = `const k = require('keytar'); k.${call}(...JSON.parse(process.argv[1])).then((v) => process.stdout.write(JSON.stringify(v ?? null)), (e) => { console.error(e.message); process.exit(1); });`;
  const { stdout } = await promisify(execFile)(process.execPath, ['-e', script, JSON.stringify(args)], {
    cwd: path.resolve(import.meta.dirname, '../..'),
    env: { PATH: process.env['PATH'] ?? '', HOME: homedir(), ...keyring.env },
    timeout: 20_000,
  });
  return JSON.parse(stdout) as unknown;
}

describe('private keyring harness', () => {
  // A developer's keyring to compare against, which this machine may not have: a second,
  // separately started Secret Service holding an item of "the user" before the test starts.
  let user: PrivateKeyring;
  const userAccount = `user-${process.pid}`;
  const userSecret = `user-secret-${Math.random().toString(36).slice(2)}`;
  beforeAll(async () => {
    user = await startPrivateKeyring();
    await keytarIn(user, 'setPassword', SERVICE, userAccount, userSecret);
    expect(await keytarIn(user, 'getPassword', SERVICE, userAccount)).toBe(userSecret);
  });
  afterAll(async () => {
    await user?.stop();
  });

  it('round-trips a secret through keytar in the test keyring and leaves the user keyring alone', async () => {
    const keyringDir = assertPrivateKeyring();
    expect(keyringDir).not.toBe(user.keyringDir);
    const homeDir = path.join(homedir(), '.local', 'share', 'keyrings');
    const beforeHome = fingerprint(homeDir);
    const beforeUser = fingerprint(user.keyringDir);
    expect(beforeUser).not.toBe('absent');

    // The user's item is not visible from the tests' keyring ...
    expect(await keytar.getPassword(SERVICE, userAccount)).toBeNull();

    const account = `acct-${process.pid}-${Date.now()}`;
    const secret = `secret-${Math.random().toString(36).slice(2)}`;
    await keytar.setPassword(SERVICE, account, secret);
    expect(await keytar.getPassword(SERVICE, account)).toBe(secret);
    // ... the tests' item lives in the test keyring's files, and the user keyring cannot see it.
    expect(readdirSync(keyringDir).some((f) => f.endsWith('.keyring'))).toBe(true);
    expect(readdirSync(keyringDir).some((f) => readFileSync(path.join(keyringDir, f)).length > 0)).toBe(true);
    expect(await keytarIn(user, 'getPassword', SERVICE, account)).toBeNull();
    expect(await keytar.deletePassword(SERVICE, account)).toBe(true);
    expect(await keytar.getPassword(SERVICE, account)).toBeNull();

    // The user keyring's files did not change, and its item is still there, unchanged.
    expect(fingerprint(user.keyringDir)).toBe(beforeUser);
    expect(await keytarIn(user, 'getPassword', SERVICE, userAccount)).toBe(userSecret);
    expect(fingerprint(homeDir)).toBe(beforeHome);
    expect(keyringDir.startsWith(path.join(homedir(), '.local'))).toBe(false);
  });
});
