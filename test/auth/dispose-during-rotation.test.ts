import keytar from 'keytar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultNodeTransport } from '../../src/main/net/default-transport';
import type { NetTransport } from '../../src/main/net/transport';
import { createCredentialStore } from '../../src/main/auth/credential-store';
import type { KeytarLike } from '../../src/main/auth/credential-store';
import { CLIENT_ID, leakedSecrets, startHarness } from './support/harness';
import type { Harness } from './support/harness';

/**
 * Defect 2 of issue 14: "quitting or switching profile during a refresh with rotation loses the
 * session". A rotation client on the real local pool: the pool rotates the refresh token on every
 * refresh, so the old one is dead once the pool answered. dispose() (quit, profile switch) in the
 * middle of (a) the keychain write of the rotated token, (b) the token response itself, must
 * leave the rotated token in the keychain: a new session object's start() is signed in with it.
 */
function gate() {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

describe('dispose during a refresh with rotation keeps the rotated refresh token', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ client: { refreshTokenRotation: true } });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('(a) dispose while the rotated refresh token is being written to the keychain', async () => {
    const slow: { writes?: ReturnType<typeof gate> } = {};
    let writeStarted: () => void = () => undefined;
    const writing = new Promise<void>((resolve) => (writeStarted = resolve));
    const slowKeychain: KeytarLike = {
      getPassword: (s, a) => keytar.getPassword(s, a),
      deletePassword: (s, a) => keytar.deletePassword(s, a),
      async setPassword(s, a, p) {
        if (slow.writes) {
          writeStarted();
          await slow.writes.opened;
        }
        await keytar.setPassword(s, a, p);
      },
    };
    const credentialStore = createCredentialStore({
      profileId: h.profile.id,
      clientId: CLIENT_ID,
      backend: slowKeychain,
    });
    const session = h.newSession({ credentialStore });
    const states = h.track(session);
    await session.signIn();
    const rtBefore = await h.storedRefreshToken();
    const at = await session.getAccessToken();
    h.secrets.add(at);

    slow.writes = gate();
    const order: string[] = [];
    const refreshing = session.forceRefresh(at).catch(() => undefined);
    await writing; // the pool has rotated; the new token is on its way into the keychain
    const disposed = session.dispose().then(() => order.push('dispose resolved'));
    // Dispose has begun (the event: the session now refuses tokens); only then release the write.
    await expect(session.getAccessToken()).rejects.toMatchObject({ code: 'CANCELLED' });
    order.push('write released');
    slow.writes.open();
    await disposed;
    await refreshing;
    // dispose waited for the write it let through.
    expect(order).toEqual(['write released', 'dispose resolved']);
    expect(states.map((s) => s.status)).toContain('signed-in');

    const rtAfter = await h.storedRefreshToken();
    expect(rtAfter).toBeTruthy();
    expect(rtAfter).not.toBe(rtBefore);
    expect(await h.pool.isRefreshTokenActive(rtAfter!)).toBe(true);
    const next = h.newSession();
    expect(await next.start()).toMatchObject({ status: 'signed-in', connectivity: 'online' });
    h.secrets.add(await next.getAccessToken());
    await next.signOut({ endHostedUiSession: false });
  });

  it('(b) dispose while the token response (with the rotated refresh token) is still arriving', async () => {
    // The pool answers at once (and so rotates); the answer reaches the app only when released.
    // The hold sits in the session's own network transport (src/main/net), where every
    // discovery, token and revoke request of the engine goes.
    const direct = defaultNodeTransport();
    const held = gate();
    let holding = false;
    let answered: () => void = () => undefined;
    const poolAnswered = new Promise<void>((resolve) => (answered = resolve));
    const holdingTransport: NetTransport = {
      kind: direct.kind,
      setProxy: (setting) => direct.setProxy(setting),
      describe: (url) => direct.describe(url),
      close: () => direct.close(),
      fetch: async (input, init) => {
        const response = await direct.fetch(input, init);
        if (holding && new URL(String(input)).pathname.endsWith('/token')) {
          answered();
          await held.opened;
        }
        return response;
      },
    };
    const session = h.newSession({ transport: holdingTransport });
    const states = h.track(session);
    await session.signIn();
    const rtBefore = await h.storedRefreshToken();
    const at = await session.getAccessToken();
    h.secrets.add(at);

    holding = true;
    const order: string[] = [];
    const refreshing = session.forceRefresh(at).catch(() => undefined);
    await poolAnswered;
    expect(await h.pool.isRefreshTokenActive(rtBefore!)).toBe(false); // rotated away at the pool
    const disposed = session.dispose().then(() => order.push('dispose resolved'));
    // Dispose has begun (the session refuses tokens); only then does the held answer arrive.
    await expect(session.getAccessToken()).rejects.toMatchObject({ code: 'CANCELLED' });
    order.push('answer released');
    held.open();
    await disposed;
    await refreshing;
    expect(order).toEqual(['answer released', 'dispose resolved']);
    expect(states.map((s) => s.status)).toContain('signed-in');

    const rtAfter = await h.storedRefreshToken();
    expect(rtAfter).not.toBe(rtBefore);
    const next = h.newSession();
    expect(await next.start()).toMatchObject({ status: 'signed-in', connectivity: 'online' });
    h.secrets.add(await next.getAccessToken());
    await next.signOut({ endHostedUiSession: false });
  });

  it('after dispose the session hands out no token and requests none', async () => {
    const session = h.newSession();
    const states = h.track(session);
    await session.signIn();
    expect(states.at(-1)?.status).toBe('signed-in');
    const at = await session.getAccessToken();
    h.secrets.add(at);
    await session.dispose();
    const before = h.tokenRequests('refresh_token');
    await expect(session.getAccessToken()).rejects.toMatchObject({ code: 'CANCELLED' });
    await expect(session.forceRefresh(at)).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(h.tokenRequests('refresh_token')).toBe(before);
    // Dispose is not sign-out: the entry is still there for the next start.
    expect(await h.storedRefreshToken()).toBeTruthy();
    const next = h.newSession();
    expect(await next.start()).toMatchObject({ status: 'signed-in' });
    await next.signOut({ endHostedUiSession: false });
    expect(leakedSecrets(h)).toEqual([]);
  });

  it('no token value or JWT appeared in any log line, event or error', async () => {
    // Run alone, this file's own sign-in, refresh and sign-out fill what is searched: the
    // session's published states (tracked) and its log lines, with the tokens it handled.
    const session = h.newSession();
    const states = h.track(session);
    await session.signIn();
    const at = await session.getAccessToken();
    h.secrets.add(at);
    h.secrets.add((await h.storedRefreshToken()) ?? '');
    await session.forceRefresh(at).then((t) => h.secrets.add(t));
    await session.signOut({ endHostedUiSession: false });
    expect(states.map((s) => s.status)).toEqual(
      expect.arrayContaining(['signing-in', 'signed-in', 'signed-out']),
    );
    expect(h.emitted.some((line) => line.includes('"status":"signed-in"'))).toBe(true);
    expect(h.emitted.some((line) => line.includes('signed in'))).toBe(true);
    expect(leakedSecrets(h)).toEqual([]);
  });
});
