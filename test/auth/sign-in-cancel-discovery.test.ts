/**
 * Cancelling a sign-in while discovery is failing: the user's cancel is what the session reports
 * (SIGN_IN_CANCELLED, signed out with no error), not the discovery's IDP_UNREACHABLE, and
 * cancelSignIn() does not wait for the hung discovery to reach its time bound. Against the local
 * user pool: its port is taken over, while it is suspended, by a server that accepts and never
 * answers (a hung IdP), which drops every connection only after the cancel; afterwards the pool itself is back and
 * a sign-in through it works (the failed discovery was not kept).
 */
import { createServer, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

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
      // A requestMs no other session of this process uses (discovery is shared per settings),
      // and far past this test's own bound: the discovery can end only when the "IdP" drops it.
      const session = h.newSession({ timeouts: { requestMs: 120_000, revokeMs: 1_000 } });
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

      // The pool is back: the same session signs in through it (the failed discovery was not kept).
      await h.pool.resumeListening();
      // A retry at once may still join the dropped discovery as it unwinds (it is shared, and
      // fails IDP_UNREACHABLE without a browser); a bounded retry reaches the pool.
      await expect
        .poll(
          () =>
            session.signIn().then(
              (s) => s.status,
              (e: unknown) => (e as AppError).code,
            ),
          {
            timeout: 20_000,
          },
        )
        .toBe('signed-in');
      h.secrets.add(await session.getAccessToken());
      await session.signOut({ endHostedUiSession: false });
    } finally {
      if (!dropped) await hung.drop();
      await h.pool.resumeListening().catch(() => undefined);
      await h.browserDone();
    }
  });
});
