import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import keytar from 'keytar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCredentialStore, type KeytarLike } from '../../src/main/auth/credential-store';
import { createLogger } from '../../src/main/log/logger';
import { assertPrivateKeyring } from '../support/keyring-guard';
import { enterPrivateKeyring, type EnteredKeyring } from '../../tools/support/keyring';

/**
 * The credential store when the keychain fails: partway through a rotation write (at every
 * write step in turn), after a good start, and when the keytar module cannot load at all. The
 * keychain is a real gnome-keyring (a private one for this file); failures are injected by
 * wrapping real keytar, so every step that succeeds really wrote.
 */
const run = promisify(execFile);
let n = 0;
const uniqueProfile = () => `csf-${process.pid}-${Date.now()}-${n++}`;
const user = { sub: 'sub-1', username: 'alice', groups: ['admin'] };

/** Real keytar, except that write number `failAt` (1-based; set or delete) throws instead. */
function failingAt(failAt: number, error = 'Cannot create an item in a locked collection') {
  const ops: string[] = [];
  const backend: KeytarLike = {
    getPassword: (s, a) => keytar.getPassword(s, a),
    async setPassword(s, a, p) {
      ops.push(`set ${a}`);
      if (ops.length === failAt) throw new Error(error);
      await keytar.setPassword(s, a, p);
    },
    async deletePassword(s, a) {
      ops.push(`delete ${a}`);
      if (ops.length === failAt) throw new Error(error);
      return keytar.deletePassword(s, a);
    },
  };
  return { backend, ops };
}

describe('credential store faults (real gnome-keyring)', () => {
  let own: EnteredKeyring | undefined;
  beforeAll(async () => {
    assertPrivateKeyring();
    own = await enterPrivateKeyring();
    assertPrivateKeyring();
  });
  afterAll(async () => {
    await own?.leave();
  });

  // Split layout (as on Windows): a rotation writes new parts, switches the head, removes old parts.
  const LIMIT = 200;
  const oldToken = `OLD-${'o'.repeat(700)}`;
  const newToken = `NEW-${'n'.repeat(900)}`;

  it('a rotation failing at any one of its write steps: a fresh start still reads the old or the new token, never nothing', async () => {
    // How many writes a clean rotation takes (old -> new), measured on a dry run.
    const dry = uniqueProfile();
    await createCredentialStore({ profileId: dry, clientId: 'c', entryLimitChars: LIMIT }).save({
      refreshToken: oldToken,
      user,
    });
    const counting = failingAt(Number.POSITIVE_INFINITY);
    await createCredentialStore({
      profileId: dry,
      clientId: 'c',
      entryLimitChars: LIMIT,
      backend: counting.backend,
    }).save({
      refreshToken: newToken,
      user,
    });
    const steps = counting.ops.length;
    // At least the new parts (5 of 200 chars) and the head.
    expect(steps).toBeGreaterThanOrEqual(6);
    expect(counting.ops.filter((o) => o === `set ${dry}:c`)).toHaveLength(1);
    await createCredentialStore({ profileId: dry, clientId: 'c' }).clear();

    const seen: string[] = [];
    for (let failAt = 1; failAt <= steps; failAt++) {
      const profileId = uniqueProfile();
      const first = createCredentialStore({ profileId, clientId: 'c', entryLimitChars: LIMIT });
      await first.save({ refreshToken: oldToken, user });

      const logs: string[] = [];
      const { backend } = failingAt(failAt);
      const rotating = createCredentialStore({
        profileId,
        clientId: 'c',
        entryLimitChars: LIMIT,
        backend,
        logger: createLogger({ sink: (l) => logs.push(l), level: 'debug' }),
      });
      await rotating.save({ refreshToken: newToken, user });
      // The failing store says it fell back to memory, and keeps the new token there.
      expect(rotating.storage.kind, `step ${failAt}`).toBe('memory');
      const inMemory = await rotating.load();
      expect(inMemory.kind === 'found' && inMemory.credential.refreshToken, `step ${failAt}`).toBe(newToken);

      // What the next start of the app finds in the keychain.
      const restart = await createCredentialStore({
        profileId,
        clientId: 'c',
        entryLimitChars: LIMIT,
      }).load();
      expect(restart.kind, `failure at write ${failAt} of ${steps}`).toBe('found');
      const token = restart.kind === 'found' ? restart.credential.refreshToken : '';
      expect([oldToken, newToken], `failure at write ${failAt}`).toContain(token);
      seen.push(token === oldToken ? 'old' : 'new');
      expect(logs.join('\n')).not.toContain('OLD-');
      expect(logs.join('\n')).not.toContain('NEW-');
      await createCredentialStore({ profileId, clientId: 'c' }).clear();
    }
    // Before the head switches the old token is what a restart reads; after it, the new one.
    const firstNew = seen.indexOf('new');
    expect(firstNew).toBeGreaterThan(0);
    expect(seen.slice(0, firstNew).every((s) => s === 'old')).toBe(true);
    expect(seen.slice(firstNew).every((s) => s === 'new')).toBe(true);
  });

  it('the keychain failing after a good start: memory only with a plain reason, the keychain keeps what it had', async () => {
    const profileId = uniqueProfile();
    await createCredentialStore({ profileId, clientId: 'c' }).save({ refreshToken: 'KEPT-rt-1', user });
    let broken = false;
    const backend: KeytarLike = {
      getPassword: async (s, a) => {
        if (broken) throw new Error('Cannot create an item in a locked collection');
        return keytar.getPassword(s, a);
      },
      setPassword: async (s, a, p) => {
        if (broken) throw new Error('Cannot create an item in a locked collection');
        await keytar.setPassword(s, a, p);
      },
      deletePassword: async (s, a) => {
        if (broken) throw new Error('Cannot create an item in a locked collection');
        return keytar.deletePassword(s, a);
      },
    };
    const store = createCredentialStore({ profileId, clientId: 'c', backend });
    expect(await store.init()).toEqual({ kind: 'keychain' });
    broken = true;
    await store.save({ refreshToken: 'NEW-rt-2', user });
    expect(store.storage).toEqual({
      kind: 'memory',
      reason: 'The login keyring is locked. Your sign-in is kept in memory only and ends when the app quits.',
    });
    const loaded = await store.load();
    expect(loaded.kind === 'found' && loaded.credential.refreshToken).toBe('NEW-rt-2');
    // The keychain was not touched by the failed write: the next start reads the previous token.
    const next = await createCredentialStore({ profileId, clientId: 'c' }).load();
    expect(next.kind === 'found' && next.credential.refreshToken).toBe('KEPT-rt-1');
    // A load failing after a good start: memory only too, and nothing is deleted.
    const reader = createCredentialStore({ profileId, clientId: 'c', backend });
    broken = false;
    await reader.init();
    // The first load reuses the head init() read; the second goes to the keychain again.
    const firstLoad = await reader.load();
    expect(firstLoad.kind === 'found' && firstLoad.credential.refreshToken).toBe('KEPT-rt-1');
    broken = true;
    expect(await reader.load()).toEqual({ kind: 'empty' });
    expect(reader.storage.kind).toBe('memory');
    broken = false;
    const still = await createCredentialStore({ profileId, clientId: 'c' }).load();
    expect(still.kind === 'found' && still.credential.refreshToken).toBe('KEPT-rt-1');
    await createCredentialStore({ profileId, clientId: 'c' }).clear();
  });

  it('a backend module that fails to load: memory only, "could not be loaded"', async () => {
    const store = createCredentialStore({
      profileId: uniqueProfile(),
      clientId: 'c',
      backend: () => Promise.reject(new Error("Cannot find module '/opt/app/keytar.node'")),
    });
    expect(await store.init()).toEqual({
      kind: 'memory',
      reason:
        'The keychain module could not be loaded. Your sign-in is kept in memory only and ends when the app quits.',
    });
    await store.save({ refreshToken: 'MEM-rt' });
    const loaded = await store.load();
    expect(loaded.kind === 'found' && loaded.credential.refreshToken).toBe('MEM-rt');
  });

  it('keytar itself failing to load (real import, in a child process): memory only, and the next store retries the load', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'csf-noload-'));
    try {
      // Resolution of 'keytar' fails once, as a missing native build would; later imports resolve.
      const hooks = join(dir, 'hooks.mjs');
      await writeFile(
        hooks,
        `let failed = false;
export async function resolve(specifier, context, next) {
  if (specifier === 'keytar' && !failed) { failed = true; throw new Error("Cannot find module 'keytar.node' (did not self-register)"); }
  return next(specifier, context);
}
`,
      );
      const register = join(dir, 'register.mjs');
      await writeFile(
        register,
        `import { register } from 'node:module';\nregister(${JSON.stringify(new URL(`file://${hooks}`).href)});\n`,
      );
      const script = join(dir, 'probe.mts');
      const storeModule = join(process.cwd(), 'src/main/auth/credential-store.ts');
      await writeFile(
        script,
        `import { createCredentialStore } from ${JSON.stringify(storeModule)};
const first = await createCredentialStore({ profileId: 'noload-${process.pid}', clientId: 'c' }).init();
const second = createCredentialStore({ profileId: 'noload-${process.pid}', clientId: 'c' });
const again = await second.init();
await second.clear();
console.log(JSON.stringify({ first, again }));
`,
      );
      const { stdout } = await run(process.execPath, ['--import', register, '--import', 'tsx', script], {
        env: { ...process.env },
        cwd: process.cwd(),
        timeout: 30_000,
      });
      expect(JSON.parse(stdout.trim().split('\n').pop()!)).toEqual({
        first: {
          kind: 'memory',
          reason:
            'The keychain module could not be loaded. Your sign-in is kept in memory only and ends when the app quits.',
        },
        again: { kind: 'keychain' },
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
