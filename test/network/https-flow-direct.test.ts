import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isLoopbackHttpUrl } from '../../src/main/config/profile';
import { createNodeTransport } from '../../src/main/net/node-transport';
import type { NetTransport } from '../../src/main/net/transport';
import { AppError } from '../../src/shared/errors';
import { startTlsWorld, type TlsWorld } from './support/tls-world';

/**
 * The whole flow over https, openid-client in strict mode (the issuer is https, so the engine
 * passes no allowInsecureRequests), the app's requests going through the Node transport that
 * trusts the private test CA through its CA-file option and nothing else.
 *
 * Proxies: none. Certificates: one server certificate (127.0.0.1, localhost, pool.test, api.test)
 * from a test CA made at start; the transport trusts that CA's file; Chromium pins the server key.
 */
let world: TlsWorld;
beforeAll(async () => {
  world = await startTlsWorld({ host: '127.0.0.1' });
}, 60_000);
afterAll(async () => {
  await world?.close();
});

/** The transport, recording each request's method and path: what went through it. */
function recording(inner: NetTransport): NetTransport & { seen: string[] } {
  const seen: string[] = [];
  return {
    ...inner,
    seen,
    fetch(url, init) {
      seen.push(`${init?.method ?? 'GET'} ${new URL(url).pathname}`);
      return inner.fetch(url, init);
    },
    // The API client's axios adapter sends by the raw request where the transport has one.
    ...(inner.request === undefined
      ? {}
      : {
          request(url: string | URL, init?: Parameters<NonNullable<NetTransport['request']>>[1]) {
            seen.push(`${init?.method ?? 'GET'} ${new URL(url).pathname} (request)`);
            return inner.request!(url, init);
          },
        }),
  };
}

async function rejection(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected a rejection');
}

describe('https world, direct, test CA trusted through the transport', () => {
  it('is https end to end: no loopback-http exemption applies', () => {
    for (const url of [world.profile.issuer, world.profile.domain, world.profile.apis[0]!.baseUrl]) {
      expect(new URL(url).protocol).toBe('https:');
      expect(isLoopbackHttpUrl(new URL(url))).toBe(false);
    }
  });

  it('signs in through the Hosted UI, calls the API, refreshes, calls again, signs out with revocation', async () => {
    const transport = recording(createNodeTransport({ caFile: world.ca.caFile }));
    expect(transport.describe(world.profile.issuer)).toEqual({
      proxy: 'direct (no proxy configured; Node does not read the OS proxy settings)',
      trust: `Node's bundled root certificates + ${world.ca.caFile}`,
    });
    const session = world.newSession(transport);
    const api = world.newApiClient(transport, session);
    const before = { ...world.pool.counters.tokenRequests };

    const state = await session.signIn();
    expect(state).toMatchObject({ status: 'signed-in', user: { username: 'alice' } });
    expect(world.pool.counters.tokenRequests['authorization_code']).toBe(
      (before['authorization_code'] ?? 0) + 1,
    );
    expect(new URL(world.opened[0]!).origin).toBe(world.profile.domain);

    const me = await api.request({ requestId: 'me1', api: 'demo', method: 'GET', path: '/me' });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ kind: 'json', value: { username: 'alice', issuer: world.pool.issuer } });

    const first = await session.getAccessToken();
    const refreshed = await session.forceRefresh(first);
    expect(refreshed).not.toBe(first);
    expect(world.pool.counters.tokenRequests['refresh_token']).toBe((before['refresh_token'] ?? 0) + 1);
    const again = await api.request({ requestId: 'me2', api: 'demo', method: 'GET', path: '/me' });
    expect(again.status).toBe(200);

    const revokes = world.pool.counters.revokeRequests;
    const out = await session.signOut({ endHostedUiSession: true });
    expect(out.status).toBe('signed-out');
    expect(world.pool.counters.revokeRequests).toBe(revokes + 1);
    await world.browserDone();
    // Discovery, JWKS (jose), token and revoke (openid-client) and the API calls (axios): all
    // through the one transport.
    expect(new Set(transport.seen)).toEqual(
      new Set([
        'GET /us-east-1_NetTest01/.well-known/openid-configuration',
        'GET /us-east-1_NetTest01/.well-known/jwks.json',
        'POST /oauth2/token',
        'GET /me (request)',
        'POST /oauth2/revoke',
      ]),
    );
    await transport.close();
  }, 60_000);

  it('without the test CA the sign-in fails typed CERT_UNTRUSTED before any token request', async () => {
    const transport = createNodeTransport();
    const session = world.newSession(transport);
    const authorize = world.pool.counters.authorizeRequests;
    const tokens = world.pool.counters.tokenRequests['authorization_code'] ?? 0;
    const error = await rejection(session.signIn());
    expect(error.code).toBe('CERT_UNTRUSTED');
    expect(error.message).toContain(
      'Your network may inspect encrypted traffic; ask IT whether its root certificate is installed.',
    );
    expect(error.message).toContain(`127.0.0.1:${world.pool.port}`);
    expect(world.pool.counters.authorizeRequests).toBe(authorize);
    expect(world.pool.counters.tokenRequests['authorization_code'] ?? 0).toBe(tokens);
    await transport.close();
  }, 30_000);
});
