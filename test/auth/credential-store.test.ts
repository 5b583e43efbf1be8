import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import keytar from 'keytar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CHUNK_CHARS,
  createCredentialStore,
  keychainAccount,
  KEYCHAIN_SERVICE,
} from '../../src/main/auth/credential-store';
import type { KeytarLike } from '../../src/main/auth/credential-store';
import { createLogger } from '../../src/main/log/logger';
import { assertPrivateKeyring } from '../support/keyring-guard';
import { enterPrivateKeyring, type EnteredKeyring } from '../../tools/support/keyring';

const run = promisify(execFile);
let n = 0;
const uniqueProfile = () => `cs-test-${process.pid}-${Date.now()}-${n++}`;

async function entriesOf(profileId: string, clientId: string) {
  const account = keychainAccount(profileId, clientId);
  return (await keytar.findCredentials(KEYCHAIN_SERVICE)).filter(
    (c) => c.account === account || c.account.startsWith(`${account}#`),
  );
}

const user = { sub: 'sub-1', username: 'alice', email: 'alice@example.com', groups: ['admin'] };

describe('credential store (real gnome-keyring)', () => {
  // This file lists keychain items (findCredentials) to prove nothing is left behind. libsecret's
  // search crashes when another process deletes an item meanwhile, so this file gets a keyring of
  // its own, apart from the run-wide one other test files write to in parallel.
  let own: EnteredKeyring | undefined;
  beforeAll(async () => {
    assertPrivateKeyring();
    own = await enterPrivateKeyring();
    assertPrivateKeyring();
  });
  afterAll(async () => {
    await own?.leave();
  });

  it('saves, loads and clears one entry under service/account <profileId>:<clientId>', async () => {
    const profileId = uniqueProfile();
    const store = createCredentialStore({ profileId, clientId: 'client1' });
    expect(await store.init()).toEqual({ kind: 'keychain' });
    expect(await store.load()).toEqual({ kind: 'empty' });
    await store.save({ refreshToken: 'rt-small-1', user });
    const entries = await entriesOf(profileId, 'client1');
    expect(entries.map((e) => e.account)).toEqual([`${profileId}:client1`]);
    expect(JSON.parse(entries[0]!.password)).toMatchObject({ v: 1 });
    const loaded = await store.load();
    expect(loaded).toMatchObject({ kind: 'found', credential: { refreshToken: 'rt-small-1', user } });
    // A fresh store object (next app start) reads the same entry.
    const again = await createCredentialStore({ profileId, clientId: 'client1' }).load();
    expect(again).toMatchObject({ kind: 'found', credential: { refreshToken: 'rt-small-1' } });
    await store.clear();
    expect(await entriesOf(profileId, 'client1')).toEqual([]);
    expect(await store.load()).toEqual({ kind: 'empty' });
  });

  it('splits a 2,600-byte refresh token into entries under the Windows 2,560-byte limit', async () => {
    const profileId = uniqueProfile();
    const prefix = 'eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIiwiYWxnIjoiUlNBLU9BRVAifQ.';
    const big = prefix + 'x'.repeat(2600 - prefix.length);
    expect(Buffer.byteLength(big)).toBe(2600);
    const store = createCredentialStore({ profileId, clientId: 'c', entryLimitChars: CHUNK_CHARS });
    await store.save({ refreshToken: big, user: { ...user, username: 'ålice-ünïcode' } });
    const entries = await entriesOf(profileId, 'c');
    expect(entries.length).toBeGreaterThan(2);
    for (const e of entries) {
      // UTF-16 is the worst case for a Windows credential blob.
      expect(Buffer.byteLength(e.password, 'utf16le')).toBeLessThanOrEqual(2560);
    }
    const loaded = await createCredentialStore({
      profileId,
      clientId: 'c',
      entryLimitChars: CHUNK_CHARS,
    }).load();
    expect(loaded.kind === 'found' && loaded.credential.refreshToken).toBe(big);
    expect(loaded.kind === 'found' && loaded.credential.user?.username).toBe('ålice-ünïcode');
    await store.clear();
    expect(await entriesOf(profileId, 'c')).toEqual([]);
  });

  it('off Windows the same token is one entry (one keychain read at restore), and either layout reads back', async () => {
    const profileId = uniqueProfile();
    const big = 'eyJjdHkiOiJKV1QifQ.' + 'y'.repeat(2600);
    const native = createCredentialStore({ profileId, clientId: 'c' });
    await native.save({ refreshToken: big, user });
    expect(await entriesOf(profileId, 'c')).toHaveLength(1);
    // An entry written by the other layout (e.g. a store from an older build) still loads.
    const windowsLayout = createCredentialStore({ profileId, clientId: 'c', entryLimitChars: CHUNK_CHARS });
    let loaded = await windowsLayout.load();
    expect(loaded.kind === 'found' && loaded.credential.refreshToken).toBe(big);
    await windowsLayout.save({ refreshToken: big + 'z', user });
    expect((await entriesOf(profileId, 'c')).length).toBeGreaterThan(2);
    loaded = await createCredentialStore({ profileId, clientId: 'c' }).load();
    expect(loaded.kind === 'found' && loaded.credential.refreshToken).toBe(big + 'z');
    // Saving again in the native layout removes the parts.
    await native.save({ refreshToken: big, user });
    expect(await entriesOf(profileId, 'c')).toHaveLength(1);
    await native.clear();
    expect(await entriesOf(profileId, 'c')).toEqual([]);
  });

  it('rotation replaces the old token (big -> big -> small) and leaves no stale parts', async () => {
    const profileId = uniqueProfile();
    const store = createCredentialStore({ profileId, clientId: 'c', entryLimitChars: CHUNK_CHARS });
    await store.save({ refreshToken: 'A'.repeat(3000) });
    const first = (await entriesOf(profileId, 'c')).length;
    await store.save({ refreshToken: 'B'.repeat(3000) });
    expect((await entriesOf(profileId, 'c')).length).toBe(first);
    let loaded = await store.load();
    expect(loaded.kind === 'found' && loaded.credential.refreshToken).toBe('B'.repeat(3000));
    await store.save({ refreshToken: 'L'.repeat(6000) });
    const longer = (await entriesOf(profileId, 'c')).length;
    expect(longer).toBeGreaterThan(first);
    await store.save({ refreshToken: 'S'.repeat(3000) });
    expect((await entriesOf(profileId, 'c')).length).toBe(first); // no leftover parts of the longer one
    loaded = await store.load();
    expect(loaded.kind === 'found' && loaded.credential.refreshToken).toBe('S'.repeat(3000));
    await store.save({ refreshToken: 'C-small' });
    expect((await entriesOf(profileId, 'c')).length).toBe(1);
    loaded = await store.load();
    expect(loaded.kind === 'found' && loaded.credential.refreshToken).toBe('C-small');
    await store.clear();
  });

  it('a corrupt entry is removed, reported as corrupt, and its value never logged', async () => {
    for (const garbage of [
      'SENTINEL-CORRUPT-not-json{',
      '{"v":1,"e":"{\\"v\\":1,\\"rt\\":5}"}',
      '{"v":9,"e":"x"}',
    ]) {
      const profileId = uniqueProfile();
      await keytar.setPassword(KEYCHAIN_SERVICE, keychainAccount(profileId, 'c'), garbage);
      const lines: string[] = [];
      const store = createCredentialStore({
        profileId,
        clientId: 'c',
        logger: createLogger({ sink: (l) => lines.push(l), level: 'debug' }),
      });
      expect(await store.load()).toEqual({ kind: 'corrupt' });
      expect(await entriesOf(profileId, 'c')).toEqual([]);
      expect(lines.join('\n')).not.toContain('SENTINEL-CORRUPT');
      expect(lines.join('\n')).toContain('unreadable');
    }
  });

  it('a split entry with a missing or altered part is corrupt and removed entirely', async () => {
    const profileId = uniqueProfile();
    const store = createCredentialStore({ profileId, clientId: 'c', entryLimitChars: CHUNK_CHARS });
    await store.save({ refreshToken: 'Z'.repeat(3000) });
    const part = (await entriesOf(profileId, 'c')).find((e) => e.account.includes('#'))!;
    await keytar.setPassword(KEYCHAIN_SERVICE, part.account, part.password.slice(0, -5) + 'YYYYY');
    expect(await store.load()).toEqual({ kind: 'corrupt' });
    expect(await entriesOf(profileId, 'c')).toEqual([]);
  });

  it('an injected failing keychain (locked) -> memory only with a plain reason, nothing persisted', async () => {
    const locked: KeytarLike = {
      getPassword: () => Promise.reject(new Error('Cannot create an item in a locked collection')),
      setPassword: () => Promise.reject(new Error('Cannot create an item in a locked collection')),
      deletePassword: () => Promise.reject(new Error('locked')),
    };
    const store = createCredentialStore({ profileId: uniqueProfile(), clientId: 'c', backend: locked });
    const storage = await store.init();
    expect(storage.kind).toBe('memory');
    expect(storage.kind === 'memory' && storage.reason).toMatch(/locked.*memory only/i);
    await store.save({ refreshToken: 'rt-mem' });
    const loaded = await store.load();
    expect(loaded.kind === 'found' && loaded.credential.refreshToken).toBe('rt-mem');
    // The keychain still refuses the removal: clear() says so (memory is wiped regardless).
    await expect(store.clear()).rejects.toMatchObject({ code: 'KEYCHAIN_UNAVAILABLE' });
    expect(await store.load()).toEqual({ kind: 'empty' });
  });

  it('without D-Bus (real keytar in a child process): memory only, sign-in data never written to disk', async () => {
    const home = await mkdtemp(join(tmpdir(), 'cs-nodbus-'));
    const scriptDir = await mkdtemp(join(tmpdir(), 'cs-nodbus-script-'));
    try {
      const script = join(scriptDir, 'probe.mts');
      const storeModule = join(process.cwd(), 'src/main/auth/credential-store.ts');
      await writeFile(
        script,
        `import { createCredentialStore } from ${JSON.stringify(storeModule)};
const store = createCredentialStore({ profileId: 'nodbus', clientId: 'c' });
const storage = await store.init();
await store.save({ refreshToken: 'SENTINEL-NODBUS-RT' });
const loaded = await store.load();
console.log(JSON.stringify({ storage, found: loaded.kind === 'found' && loaded.credential.refreshToken === 'SENTINEL-NODBUS-RT' }));
`,
      );
      const env: NodeJS.ProcessEnv = {
        PATH: process.env['PATH'],
        HOME: home,
        XDG_DATA_HOME: join(home, 'data'),
        XDG_CONFIG_HOME: join(home, 'config'),
        XDG_RUNTIME_DIR: join(home, 'run'),
        DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent',
      };
      const { stdout } = await run(join(process.cwd(), 'node_modules/.bin/tsx'), [script], {
        env,
        cwd: process.cwd(),
        timeout: 30_000,
      });
      const out = JSON.parse(stdout.trim().split('\n').pop()!) as {
        storage: { kind: string; reason?: string };
        found: boolean;
      };
      expect(out.storage.kind).toBe('memory');
      expect(out.storage.reason).toMatch(/memory only/);
      expect(out.found).toBe(true);
      // Nothing under the child's HOME/XDG folders holds the token.
      const files = await readdir(home, { recursive: true, withFileTypes: true });
      for (const f of files.filter((d) => d.isFile())) {
        expect(await readFile(join(f.parentPath, f.name), 'utf8')).not.toContain('SENTINEL-NODBUS-RT');
      }
    } finally {
      await rm(home, { recursive: true, force: true });
      await rm(scriptDir, { recursive: true, force: true });
    }
  });
});
