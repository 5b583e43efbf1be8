import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import keytar from 'keytar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createCredentialStore,
  keychainAccount,
  KEYCHAIN_SERVICE,
  REMOVALS_FILE,
} from '../../src/main/auth/credential-store';
import type { KeytarLike } from '../../src/main/auth/credential-store';
import { CLIENT_ID, leakedSecrets, startHarness } from './support/harness';
import type { Harness } from './support/harness';

/**
 * Defect 3 of issue 14: "sign-out can leave an old session in the keychain". After one failed
 * keychain call the store used to stay memory-only for the rest of the run, and clear() never
 * touched the keychain again: an entry from an earlier run survived sign-out, unrevoked, and was
 * restored at the next launch. Real pool, real gnome-keyring (private test keyring).
 */
const root = path.resolve(import.meta.dirname, '../..');

/** What a fresh process sees in the keychain for this account (keytar in a child node). */
function keychainSeenByFreshProcess(account: string): Promise<string | null> {
  const script = `require('keytar').getPassword(${JSON.stringify(KEYCHAIN_SERVICE)}, ${JSON.stringify(account)}).then((v) => process.stdout.write(JSON.stringify(v === null ? null : 'present')))`;
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['-e', script],
      { cwd: root, env: process.env, timeout: 20_000 },
      (error, stdout) => (error ? reject(error) : resolve(JSON.parse(stdout) as string | null)),
    );
  });
}

const refuse = () => Promise.reject(new Error('Cannot create an item in a locked collection'));

describe('sign-out removes the keychain entry even after a keychain failure earlier in the run', () => {
  let h: Harness;
  let dataDir: string;
  let account: string;
  beforeAll(async () => {
    h = await startHarness();
    account = keychainAccount(h.profile.id, CLIENT_ID);
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'leftover-'));
  });
  afterAll(async () => {
    await h?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** An earlier run's session: signed in, app quit (dispose keeps the entry). */
  async function earlierRunEntry(): Promise<string> {
    const earlier = h.newSession();
    await earlier.signIn();
    h.secrets.add(await earlier.getAccessToken());
    await earlier.dispose();
    const rt = await h.storedRefreshToken();
    expect(rt).toBeTruthy();
    return rt!;
  }

  it('first keychain read fails, later calls work: sign in, sign out -> a fresh process finds no entry', async () => {
    const oldRt = await earlierRunEntry();
    let calls = 0;
    const flaky: KeytarLike = {
      getPassword: (s, a) => (calls++ === 0 ? refuse() : keytar.getPassword(s, a)),
      setPassword: (s, a, p) => keytar.setPassword(s, a, p),
      deletePassword: (s, a) => keytar.deletePassword(s, a),
    };
    const credentialStore = createCredentialStore({
      profileId: h.profile.id,
      clientId: CLIENT_ID,
      backend: flaky,
    });
    const session = h.newSession({ credentialStore });
    expect(await session.start()).toMatchObject({ status: 'signed-out', storage: { kind: 'memory' } });
    await session.signIn();
    h.secrets.add(await session.getAccessToken());
    const state = await session.signOut({ endHostedUiSession: false });
    expect(state).toMatchObject({ status: 'signed-out', reason: 'user' });
    expect(state.status === 'signed-out' && state.warning).toBeFalsy();

    expect(await keychainSeenByFreshProcess(account)).toBeNull();
    const next = h.newSession();
    expect(await next.start()).toMatchObject({ status: 'signed-out', reason: 'none' });
    // The earlier run's token is not restorable by anyone (and was never handed out again).
    expect(await h.storedRefreshToken()).toBeUndefined();
    h.secrets.add(oldRt);
    await next.dispose();
  });

  it('keychain refuses the removal: the UI is told, the entry is recorded; the next start revokes and removes it', async () => {
    const oldRt = await earlierRunEntry();
    expect(await h.pool.isRefreshTokenActive(oldRt)).toBe(true);
    const broken: KeytarLike = { getPassword: refuse, setPassword: refuse, deletePassword: refuse };
    const credentialStore = createCredentialStore({
      profileId: h.profile.id,
      clientId: CLIENT_ID,
      backend: broken,
      dataDir,
    });
    const session = h.newSession({ credentialStore });
    const states = h.track(session);
    await session.start();
    await session.signIn();
    h.secrets.add(await session.getAccessToken());
    const state = await session.signOut({ endHostedUiSession: false });
    expect(state).toMatchObject({
      status: 'signed-out',
      reason: 'user',
      warning: { code: 'KEYCHAIN_ENTRY_LEFT' },
    });
    expect(state.status === 'signed-out' && state.warning?.message).toContain(
      'the saved sign-in could not be removed from the keychain',
    );
    expect(states.at(-1)).toMatchObject({ warning: { code: 'KEYCHAIN_ENTRY_LEFT' } });
    // Recorded, token-free, in the data folder.
    const record = readFileSync(path.join(dataDir, REMOVALS_FILE), 'utf8');
    expect(JSON.parse(record)).toEqual({ v: 1, accounts: [account] });
    expect(record).not.toContain(oldRt);
    expect(await keychainSeenByFreshProcess(account)).toBe('present');

    // Next launch, keychain working again: revoked at the pool and removed, not restored.
    const opened = h.opened.length;
    const nextRun = h.newSession({ dataDir });
    const restored = await nextRun.start();
    expect(restored).toMatchObject({ status: 'signed-out', reason: 'none' });
    expect(h.opened.length).toBe(opened);
    expect(await h.pool.isRefreshTokenActive(oldRt)).toBe(false);
    expect(await keychainSeenByFreshProcess(account)).toBeNull();
    expect(JSON.parse(readFileSync(path.join(dataDir, REMOVALS_FILE), 'utf8'))).toEqual({
      v: 1,
      accounts: [],
    });
    h.secrets.add(oldRt);
    await nextRun.dispose();
  });

  it('no token value or JWT appeared in any log line, event or error', () => {
    expect(leakedSecrets(h)).toEqual([]);
  });
});
