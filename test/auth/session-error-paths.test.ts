import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCredentialStore, type CredentialStore } from '../../src/main/auth/credential-store';
import type { Session } from '../../src/main/auth/session';
import { AppError } from '../../src/shared/errors';
import type { SessionState } from '../../src/shared/session-state';
import { signInWithBrowser } from '../../tools/support/pool-sign-in';
import { CLIENT_ID, leakedSecrets, startHarness, type Harness } from './support/harness';
import { connectionOutcome } from './support/http';
import { closeNet, occupy } from '../../tools/support/ports';

/**
 * The session engine's error paths, through its public API only, against the local user pool
 * and the private keychain: a refresh that hands back another user's tokens, sign-out racing a
 * keychain save, a hung revocation, a busy signed-out page port, a throwing listener, dispose
 * during a pending sign-in, resume()/online() with a fresh token, signIn() while signed in, and
 * cancel while discovery is still running (and then succeeds).
 */
let h: Harness;
const sessions: Session[] = [];
beforeAll(async () => {
  h = await startHarness({
    extraUsers: [{ username: 'bob', password: 'Bob-test-1!', email: 'bob@example.com', emailVerified: true }],
  });
});
afterAll(async () => {
  await h?.close();
});
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.dispose()));
  h.mode = 'login';
  await h.browserDone();
  h.pool.clearFaults();
});

function session(overrides: Parameters<Harness['newSession']>[0] = {}): Session {
  const s = h.newSession(overrides);
  sessions.push(s);
  h.track(s);
  return s;
}

async function errorOf(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => new Error('expected a rejection'),
    (e: unknown) => e,
  );
  h.recordError(err);
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

/** A server that accepts connections on `port` and never answers (a hung IdP). */
async function silentServer(port: number): Promise<{ server: Server; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    server,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await closeNet(server);
    },
  };
}

/**
 * Holds connections to `port` (the pool's, while it is suspended) without answering; release()
 * stops listening, lets the pool take its port back, and then forwards each held connection,
 * with what it already sent, to the pool: a slow IdP that does answer in the end.
 */
async function holdingServer(port: number) {
  const held: Array<{ socket: Socket; chunks: Buffer[] }> = [];
  const upstreams: Socket[] = [];
  const server = createServer((socket) => {
    const entry = { socket, chunks: [] as Buffer[] };
    socket.on('data', (c: Buffer) => entry.chunks.push(c));
    socket.on('error', () => undefined);
    held.push(entry);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    connections: () => held.length,
    async release(resume: () => Promise<void>) {
      server.close(); // stop accepting; the held connections stay open
      await resume();
      for (const { socket, chunks } of held) {
        socket.removeAllListeners('data');
        const upstream = connect(port, '127.0.0.1');
        upstreams.push(upstream);
        upstream.on('error', () => socket.destroy());
        for (const c of chunks) upstream.write(c);
        socket.pipe(upstream);
        upstream.pipe(socket);
      }
    },
    destroy() {
      for (const { socket } of held) socket.destroy();
      for (const u of upstreams) u.destroy();
    },
  };
}

describe('session error paths', () => {
  it("a refresh answered with another user's (valid, signed) tokens -> TOKEN_INVALID; the session stays alice's", async () => {
    const s = session();
    await s.signIn();
    await h.browserDone();
    const aliceToken = await s.getAccessToken();
    h.secrets.add(aliceToken);
    const bob = await signInWithBrowser(h.pool, {
      clientId: CLIENT_ID,
      username: 'bob',
      password: 'Bob-test-1!',
      redirectUri: h.profile.redirect.loopback[0]!,
      scopes: h.profile.scopes,
      browser: h.browser,
    });
    for (const t of [bob.access_token, bob.id_token ?? '', bob.refresh_token ?? '']) h.secrets.add(t);
    h.pool.injectTokenFaults({
      kind: 'status',
      status: 200,
      contentType: 'application/json',
      body: JSON.stringify({
        access_token: bob.access_token,
        id_token: bob.id_token,
        token_type: 'Bearer',
        expires_in: 3600,
      }),
    });
    const rtBefore = await h.storedRefreshToken();
    const err = await errorOf(s.forceRefresh(aliceToken));
    expect([err.code, err.message]).toEqual([
      'TOKEN_INVALID',
      'The refreshed session belongs to another user.',
    ]);
    const state = s.getState();
    expect(state.status === 'signed-in' && state.user.username).toBe('alice');
    expect(await s.getAccessToken()).toBe(aliceToken);
    expect(await h.storedRefreshToken()).toBe(rtBefore);
  });

  it('sign-out while the keychain save of a new sign-in is in flight: the sign-out wins, nothing is left stored', async () => {
    const real = createCredentialStore({ profileId: h.profile.id, clientId: CLIENT_ID });
    let releaseSave!: () => void;
    const saveGate = new Promise<void>((resolve) => (releaseSave = resolve));
    let saveStarted!: () => void;
    const saving = new Promise<void>((resolve) => (saveStarted = resolve));
    const slowStore: CredentialStore = {
      get storage() {
        return real.storage;
      },
      init: () => real.init(),
      load: () => real.load(),
      clear: () => real.clear(),
      async save(credential) {
        saveStarted();
        await saveGate;
        await real.save(credential);
      },
    };
    const s = session({ credentialStore: slowStore });
    const signingIn = s.signIn().catch((e: unknown) => e);
    await saving;
    const out = await s.signOut({ endHostedUiSession: false });
    expect(out).toMatchObject({ status: 'signed-out', reason: 'user' });
    releaseSave();
    const result = await signingIn;
    await h.browserDone();
    // Whatever the sign-in call resolves with, the session ends signed out and the keychain empty.
    expect(s.getState()).toMatchObject({ status: 'signed-out' });
    if (result instanceof AppError) expect(result.code).toBe('SIGN_IN_REQUIRED');
    await expect.poll(() => h.keychainEntries()).toBe(0);
    expect(await h.storedRefreshToken()).toBeUndefined();
  });

  it('a revocation that hangs: sign-out still finishes by its time bound, everything wiped locally', async () => {
    const revokeMs = 1_500;
    const s = session({ timeouts: { requestMs: 10_000, revokeMs } });
    await s.signIn();
    await h.browserDone();
    const rt = await h.storedRefreshToken();
    await h.pool.suspendListening();
    const hung = await silentServer(h.pool.port);
    try {
      const started = performance.now();
      const out = await s.signOut({ endHostedUiSession: false });
      const elapsed = performance.now() - started;
      expect(out).toMatchObject({ status: 'signed-out', reason: 'user' });
      // Bounded by revokeMs (not the 10 s request timeout): at least the bound, not much more.
      expect(elapsed).toBeGreaterThanOrEqual(revokeMs - 50);
      expect(elapsed).toBeLessThan(revokeMs + 5_000);
      expect(await h.keychainEntries()).toBe(0);
      await expect(s.getAccessToken()).rejects.toMatchObject({ code: 'SIGN_IN_REQUIRED' });
    } finally {
      await hung.close();
      await h.pool.resumeListening();
    }
    // Never revoked (the request hung): the pool still considers it active.
    expect(await h.pool.isRefreshTokenActive(rt!)).toBe(true);
    await h.pool.revokeRefreshToken(rt!);
  });

  it('the signed-out page port busy: sign-out completes and still opens the Hosted UI logout', async () => {
    const s = session();
    await s.signIn();
    await h.browserDone();
    const port = Number(new URL(h.profile.signOutUrl!).port);
    const blocker = await occupy(port);
    try {
      const before = h.opened.length;
      h.mode = 'ignore';
      const out = await s.signOut({ endHostedUiSession: true });
      expect(out).toMatchObject({ status: 'signed-out', reason: 'user' });
      expect(h.opened.slice(before)).toHaveLength(1);
      expect(h.opened.at(-1)).toMatch(new RegExp(`^${h.pool.domain}/logout\\?`));
      expect(h.emitted.join('\n')).toContain('sign-out page port busy');
      expect(await h.keychainEntries()).toBe(0);
    } finally {
      await closeNet(blocker);
    }
  });

  it('a throwing listener is isolated: the engine and the other listeners go on', async () => {
    const s = session();
    let thrown = 0;
    s.onChanged(() => {
      thrown++;
      throw new Error('listener bug');
    });
    const seen: SessionState['status'][] = [];
    s.onChanged((state) => seen.push(state.status));
    const state = await s.signIn();
    await h.browserDone();
    expect(state.status).toBe('signed-in');
    expect(thrown).toBeGreaterThanOrEqual(2);
    expect(seen).toContain('signing-in');
    expect(seen.at(-1)).toBe('signed-in');
    await s.signOut({ endHostedUiSession: false });
    expect(seen.at(-1)).toBe('signed-out');
  });

  it('dispose() during a pending sign-in cancels it and closes its listener; nothing is stored', async () => {
    h.mode = 'ignore';
    const s = session();
    const before = h.opened.length;
    const pending = s.signIn();
    await expect.poll(() => h.opened.length).toBe(before + 1);
    const err = errorOf(pending);
    await s.dispose();
    expect((await err).code).toBe('SIGN_IN_CANCELLED');
    expect(await connectionOutcome(h.profile.redirect.loopback[0]!)).toBe('ECONNREFUSED');
    expect(await h.keychainEntries()).toBe(0);
  });

  it('resume() and online() with a fresh token make no token request', async () => {
    const s = session();
    await s.signIn();
    await h.browserDone();
    const grants = h.tokenRequests('refresh_token');
    const token = await s.getAccessToken();
    s.resume();
    s.online();
    await new Promise((r) => setTimeout(r, 300));
    expect(h.tokenRequests('refresh_token')).toBe(grants);
    expect(await s.getAccessToken()).toBe(token);
    expect(s.getState()).toMatchObject({ status: 'signed-in', connectivity: 'online' });
    // Control: after a failed refresh (offline), online() does retry at once.
    h.pool.injectTokenFaults({ kind: 'status', status: 503, body: 'down' });
    await errorOf(s.forceRefresh(token));
    expect(s.getState()).toMatchObject({ connectivity: 'offline' });
    const afterFault = h.tokenRequests('refresh_token');
    s.online();
    await expect.poll(() => h.tokenRequests('refresh_token')).toBe(afterFault + 1);
    await expect.poll(() => s.getState()).toMatchObject({ connectivity: 'online' });
  });

  it('signIn() while signed in returns the state: no browser, no token request', async () => {
    const s = session();
    const first = await s.signIn();
    await h.browserDone();
    const opened = h.opened.length;
    const codes = h.tokenRequests('authorization_code');
    const again = await s.signIn();
    expect(again).toEqual(first.status === 'signed-in' ? s.getState() : first);
    expect(again.status).toBe('signed-in');
    expect(h.opened.length).toBe(opened);
    expect(h.tokenRequests('authorization_code')).toBe(codes);
  });

  it('cancel while discovery is still running: SIGN_IN_CANCELLED, and no browser opens when discovery then succeeds', async () => {
    // A requestMs no other session uses: discovery is shared per settings, so this one is fresh.
    await h.pool.suspendListening();
    const held = await holdingServer(h.pool.port);
    const before = h.opened.length;
    let released = false;
    try {
      const s = session({ timeouts: { requestMs: 8_765, revokeMs: 1_000 } });
      const pending = errorOf(s.signIn());
      await expect.poll(() => held.connections()).toBeGreaterThan(0);
      const cancelled = s.cancelSignIn();
      // Discovery is answered, successfully, only after the cancel.
      await held.release(() => h.pool.resumeListening());
      released = true;
      await cancelled;
      const err = await pending;
      expect([err.code, err.message]).toEqual(['SIGN_IN_CANCELLED', 'Sign-in was cancelled.']);
      expect(s.getState()).toMatchObject({ status: 'signed-out', reason: 'none' });
      await new Promise((r) => setTimeout(r, 300));
      expect(h.opened.length).toBe(before);
      expect(await connectionOutcome(h.profile.redirect.loopback[0]!)).toBe('ECONNREFUSED');
    } finally {
      if (!released) await held.release(() => h.pool.resumeListening());
      held.destroy();
    }
  });

  it('no token value or JWT appeared in any log line, event or error of this file', () => {
    expect(leakedSecrets(h)).toEqual([]);
  });
});
