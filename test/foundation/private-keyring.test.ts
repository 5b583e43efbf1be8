import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import keytar from 'keytar';
import { assertPrivateKeyring } from '../support/keyring-guard';

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

describe('private keyring harness', () => {
  it('round-trips a secret through keytar in a temporary keyring and leaves the real one alone', async () => {
    const keyringDir = assertPrivateKeyring();
    const realDir = path.join(homedir(), '.local', 'share', 'keyrings');
    const before = fingerprint(realDir);

    const service = 'cognito-desktop-harness-test';
    const account = `acct-${process.pid}-${Date.now()}`;
    const secret = `secret-${Math.random().toString(36).slice(2)}`;
    await keytar.setPassword(service, account, secret);
    expect(await keytar.getPassword(service, account)).toBe(secret);
    // The item lives in the temporary keyring's files, not anywhere else.
    expect(readdirSync(keyringDir).some((f) => f.endsWith('.keyring'))).toBe(true);
    expect(await keytar.deletePassword(service, account)).toBe(true);
    expect(await keytar.getPassword(service, account)).toBeNull();

    expect(fingerprint(realDir)).toBe(before);
    expect(keyringDir.startsWith(path.join(homedir(), '.local'))).toBe(false);
  });
});
