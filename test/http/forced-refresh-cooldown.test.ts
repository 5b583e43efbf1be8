import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../../src/main/auth/session';
import { createApiClient } from '../../src/main/http/api-client';
import type { ApiClient } from '../../src/main/http/api-client';
import { AppError } from '../../src/shared/errors';
import { leakedSecrets, startHarness } from '../auth/support/harness';
import type { Harness } from '../auth/support/harness';

/**
 * Defect 6 of issue 14: "no cooldown on forced refreshes". An allow-listed API that keeps
 * answering 401 invalid_token used to cost one refresh grant per API call. Now at most one forced
 * refresh per access-token lifetime, shared by every request that saw the token rejected: the
 * real session engine on the real local pool (with rotation on, where each refresh would also
 * rotate the refresh token), the real API client, a real always-401 API.
 */
let h: Harness;
let server: http.Server;
let baseUrl: string;
let seen = 0;

beforeAll(async () => {
  h = await startHarness({ client: { refreshTokenRotation: true } });
  server = http.createServer((req, res) => {
    seen++;
    res.writeHead(401, { 'www-authenticate': 'Bearer error="invalid_token", error_description="nope"' });
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => server?.close(() => resolve()));
  await h?.close();
});

async function signedInClient(): Promise<{ session: Session; api: ApiClient }> {
  const session = h.newSession();
  h.track(session); // its published states go into what the leak check searches
  await session.signIn();
  h.secrets.add(await session.getAccessToken());
  const api = createApiClient({
    apis: () => [{ name: 'rejecting', baseUrl }],
    tokens: session,
    maxInFlight: 256,
  });
  return { session, api };
}

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'resolved',
    (error: unknown) => {
      h.recordError(error); // and the rejections, as the UI would show them
      return error instanceof AppError ? `${error.code}/${String(error.status)}` : String(error);
    },
  );

describe('forced refresh cooldown: a persistently rejecting API', () => {
  it('20 calls in a row -> exactly 1 token request at the pool, each call TOKEN_INVALID (401)', async () => {
    const { session, api } = await signedInClient();
    const before = h.tokenRequests('refresh_token');
    const seenBefore = seen;
    const codes: string[] = [];
    for (let i = 0; i < 20; i++) {
      codes.push(
        await codeOf(api.request({ requestId: `seq-${i}`, api: 'rejecting', method: 'GET', path: '/x' })),
      );
    }
    // Exactly one: the first 401 forces the one refresh of this lifetime, the rest reuse it.
    expect(h.tokenRequests('refresh_token') - before).toBe(1);
    expect(new Set(codes)).toEqual(new Set(['TOKEN_INVALID/401']));
    // The first call sent the old token and the refreshed one; the rest sent one request each.
    expect(seen - seenBefore).toBe(21);
    expect(session.getState()).toMatchObject({ status: 'signed-in', connectivity: 'online' });
    await session.signOut({ endHostedUiSession: false });
  });

  it('200 concurrent calls -> exactly 1 token request at the pool', async () => {
    const { session, api } = await signedInClient();
    const before = h.tokenRequests('refresh_token');
    const codes = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        codeOf(api.request({ requestId: `par-${i}`, api: 'rejecting', method: 'GET', path: '/x' })),
      ),
    );
    expect(h.tokenRequests('refresh_token') - before).toBe(1);
    expect(new Set(codes)).toEqual(new Set(['TOKEN_INVALID/401']));
    await session.signOut({ endHostedUiSession: false });
  });

  it('the session itself refuses a second forced refresh in the same token lifetime', async () => {
    const { session } = await signedInClient();
    const t1 = await session.getAccessToken();
    const before = h.tokenRequests('refresh_token');
    const t2 = await session.forceRefresh(t1); // the one forced refresh of this lifetime
    h.secrets.add(t2);
    expect(t2).not.toBe(t1);
    // Another request that saw t1 rejected gets t2, without a request.
    expect(await session.forceRefresh(t1)).toBe(t2);
    await expect(session.forceRefresh(t2)).rejects.toMatchObject({ code: 'TOKEN_INVALID', status: 401 });
    expect(h.tokenRequests('refresh_token') - before).toBe(1);
    await session.signOut({ endHostedUiSession: false });
  });

  it('no token value or JWT appeared in any log line, event or error', async () => {
    // Run alone, it makes its own: a signed-in session (states, log lines) and a rejected call.
    const { session, api } = await signedInClient();
    expect(
      await codeOf(api.request({ requestId: 'leak', api: 'rejecting', method: 'GET', path: '/x' })),
    ).toBe('TOKEN_INVALID/401');
    await session.signOut({ endHostedUiSession: false });
    expect(h.emitted.some((line) => line.includes('"status":"signed-in"'))).toBe(true);
    expect(h.emitted.some((line) => line.startsWith('AppError: '))).toBe(true);
    expect(leakedSecrets(h)).toEqual([]);
  });
});
