/**
 * Cancelling a sign-in while discovery is failing: the user's cancel is what the session reports
 * (SIGN_IN_CANCELLED, signed out with no error), not the discovery's IDP_UNREACHABLE, and
 * cancelSignIn() does not wait for the hung discovery to reach its time bound. Against the local
 * user pool: its port is taken over, while it is suspended, by a server that accepts and never
 * answers (a hung IdP), which drops every connection only after the cancel; afterwards the pool itself is back and
 * the first sign-in through it works, with a discovery request of its own (the failed discovery
 * was not kept). The session's transport records each discovery request and how it ended.
 */
import { createServer, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { defaultNodeTransport } from '../../src/main/net/default-transport';
import type { NetTransport } from '../../src/main/net/transport';
import { AppError } from '../../src/shared/errors';
import type { SessionState } from '../../src/shared/session-state';
import { startHarness, type Harness } from './support/harness';
import { connectionOutcome } from './support/http';
import { closeNet } from '../../tools/support/ports';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

/** Accepts connections on `port` and never answers; drop() resets every one of them. */
async function hungServer(port: number) {
  const open = new Set<Socket>();
  let accepted = 0;
  const server = createServer((socket) => {
    accepted += 1;
    open.add(socket);
    socket.on('close', () => open.delete(socket));
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    accepted: () => accepted,
    open: () => open.size,
    async drop() {
      for (const socket of open) socket.resetAndDestroy();
      await closeNet(server);
    },
  };
}

describe('cancel while discovery is failing', () => {
  it('reports SIGN_IN_CANCELLED (signed out, no error), not IDP_UNREACHABLE, without waiting for discovery', async () => {
    await h.pool.suspendListening();
    const hung = await hungServer(h.pool.port);
    let dropped = false;
    try {
      // A transport of its own (discovery is shared per transport) that records each discovery
      // request; a requestMs far past this test's own bound: the discovery can end only when the
      // "IdP" drops it.
      const direct = defaultNodeTransport();
      const discoveries: Array<'pending' | 'answered' | 'failed'> = [];
      const transport: NetTransport = {
        kind: direct.kind,
        setProxy: (setting) => direct.setProxy(setting),
        describe: (url) => direct.describe(url),
        close: () => direct.close(),
        fetch: async (input, init) => {
          if (!String(input).endsWith('/.well-known/openid-configuration')) return direct.fetch(input, init);
          const at = discoveries.push('pending') - 1;
          try {
            const response = await direct.fetch(input, init);
            discoveries[at] = 'answered';
            return response;
          } catch (error) {
            discoveries[at] = 'failed';
            throw error;
          }
        },
      };
      const session = h.newSession({ transport, timeouts: { requestMs: 120_000, revokeMs: 1_000 } });
      const states: SessionState[] = h.track(session);
      const openedBefore = h.opened.length;
      const signIn = session.signIn().then(
        () => new Error('expected a rejection'),
        (err: unknown) => h.recordError(err),
      );
      await expect.poll(() => hung.accepted()).toBeGreaterThan(0);
      expect(session.getState().status).toBe('signing-in');

      // cancelSignIn() comes back while the discovery request still hangs (not when it fails).
      let cancelReturned = false;
      const cancelled = session.cancelSignIn().then(() => (cancelReturned = true));
      await expect.poll(() => cancelReturned, { timeout: 15_000 }).toBe(true);
      await cancelled;
      expect(hung.open()).toBeGreaterThan(0);
      expect(session.getState()).toMatchObject({ status: 'signed-out', reason: 'none' });

      // Now discovery fails (the "IdP" drops the connection): the cancel stays the outcome.
      await hung.drop();
      dropped = true;
      const err = await signIn;
      expect(err).toBeInstanceOf(AppError);
      expect([(err as AppError).code, (err as AppError).message]).toEqual([
        'SIGN_IN_CANCELLED',
        'Sign-in was cancelled.',
      ]);
      const final = session.getState();
      expect(final).toMatchObject({ status: 'signed-out', reason: 'none' });
      expect('error' in final ? final.error : undefined).toBeUndefined();
      expect(states.filter((s) => 'error' in s && s.error !== undefined)).toEqual([]);
      expect(h.emitted.join('\n')).not.toContain('IDP_UNREACHABLE');
      expect(h.opened.length).toBe(openedBefore); // no browser ever opened
      expect(await connectionOutcome(h.profile.redirect.loopback[0]!)).toBe('ECONNREFUSED');

      // The hung discovery has failed (the event, seen by the transport; the shared entry drops a
      // failure in the same turn of the event loop).
      await expect.poll(() => discoveries).toEqual(['failed']);
      // The pool is back: the first sign-in succeeds, through a discovery request of its own.
      await h.pool.resumeListening();
      expect(await session.signIn()).toMatchObject({ status: 'signed-in' });
      expect(discoveries).toEqual(['failed', 'answered']);
      h.secrets.add(await session.getAccessToken());
      await session.signOut({ endHostedUiSession: false });
    } finally {
      if (!dropped) await hung.drop();
      await h.pool.resumeListening().catch(() => undefined);
      await h.browserDone();
    }
  });
});
