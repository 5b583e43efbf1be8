import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeTransport } from '../../src/main/net/node-transport';
import type { NetTransport } from '../../src/main/net/transport';
import { AppError } from '../../src/shared/errors';
import { startMitmdump, startSquid, type DebianProxy, type Mitmdump } from './support/debian-proxies';
import { API_HOST, POOL_HOST, startTlsWorld, type TlsWorld } from './support/tls-world';

/**
 * The whole flow over https through real Debian proxies, openid-client strict (https issuer).
 * The pool and API are addressed as pool.test / api.test, names only the proxies resolve (to
 * 127.0.0.1), so a request that did not go through the proxy could not succeed.
 *
 *  - squid 5 (forward proxy, CONNECT): transport CA = the test CA. Its access log must show the
 *    tunnels (TCP_TUNNEL ... CONNECT pool.test:PORT and api.test:PORT).
 *  - mitmdump 8 (TLS-inspecting, regular mode, its CA in a fresh confdir, upstream trusting the
 *    test CA only): transport CA = the test CA only -> CERT_UNTRUSTED and no token request; transport
 *    CA = mitmproxy's CA -> the flow works and mitmdump saw the token, revoke and API requests.
 */
let world: TlsWorld;
let squid: DebianProxy;
let mitm: Mitmdump;

beforeAll(async () => {
  world = await startTlsWorld({ host: POOL_HOST });
  [squid, mitm] = await Promise.all([startSquid(), startMitmdump({ upstreamCaFile: world.ca.caFile })]);
}, 90_000);
afterAll(async () => {
  await Promise.all([squid?.close(), mitm?.close()]);
  await world?.close();
});

async function fullFlow(transport: NetTransport): Promise<void> {
  const session = world.newSession(transport);
  const api = world.newApiClient(transport, session);
  const before = { ...world.pool.counters.tokenRequests };
  const revokes = world.pool.counters.revokeRequests;
  const state = await session.signIn();
  expect(state).toMatchObject({ status: 'signed-in', user: { username: 'alice' } });
  const me = await api.request({ requestId: 'p1', api: 'demo', method: 'GET', path: '/me' });
  expect(me.status).toBe(200);
  expect(me.body).toMatchObject({ kind: 'json', value: { username: 'alice' } });
  const first = await session.getAccessToken();
  expect(await session.forceRefresh(first)).not.toBe(first);
  const again = await api.request({ requestId: 'p2', api: 'demo', method: 'GET', path: '/me' });
  expect(again.status).toBe(200);
  expect((await session.signOut({ endHostedUiSession: true })).status).toBe('signed-out');
  expect(world.pool.counters.tokenRequests['authorization_code']).toBe(
    (before['authorization_code'] ?? 0) + 1,
  );
  expect(world.pool.counters.tokenRequests['refresh_token']).toBe((before['refresh_token'] ?? 0) + 1);
  expect(world.pool.counters.revokeRequests).toBe(revokes + 1);
  await world.browserDone();
}

/** Polls (bounded) until the log matches: squid writes a tunnel's line when the tunnel closes. */
async function logShows(proxy: DebianProxy, pattern: RegExp, ms = 10_000): Promise<boolean> {
  const end = Date.now() + ms;
  while (!pattern.test(proxy.log())) {
    if (Date.now() > end) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return true;
}

describe('through squid (CONNECT tunnels)', () => {
  it('runs the whole flow through the proxy, which saw a tunnel to the pool and one to the API', async () => {
    const transport = createNodeTransport({ caFile: world.ca.caFile, proxy: { url: squid.url, bypass: [] } });
    expect(transport.describe(world.profile.issuer).proxy).toBe(`http://127.0.0.1:${squid.port} (pinned)`);
    await fullFlow(transport);
    await transport.close(); // closes the tunnels, so squid writes their log lines
    const api = world.profile.apis[0]!;
    expect(
      await logShows(squid, new RegExp(`TCP_TUNNEL/200 .* CONNECT ${POOL_HOST}:${world.pool.port} `)),
    ).toBe(true);
    expect(
      await logShows(
        squid,
        new RegExp(`TCP_TUNNEL/200 .* CONNECT ${API_HOST}:${new URL(api.baseUrl).port} `),
      ),
    ).toBe(true);
    // Tunnels only: squid never saw a request line of the pool or the API in the clear.
    expect(squid.log()).not.toMatch(/ (GET|POST) https?:\/\/(pool|api)\.test/);
  }, 90_000);
});

describe('through mitmdump (TLS inspection)', () => {
  it("without mitmproxy's CA: sign-in fails with CERT_UNTRUSTED and no token request is sent", async () => {
    const transport = createNodeTransport({ caFile: world.ca.caFile, proxy: { url: mitm.url, bypass: [] } });
    const session = world.newSession(transport);
    const tokenRequests = world.pool.counters.tokenRequests['authorization_code'] ?? 0;
    const authorize = world.pool.counters.authorizeRequests;
    const opened = world.opened.length;
    const error = await session.signIn().then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('CERT_UNTRUSTED');
    expect((error as AppError).message).toContain('Your network may inspect encrypted traffic');
    expect(world.pool.counters.tokenRequests['authorization_code'] ?? 0).toBe(tokenRequests);
    expect(world.pool.counters.authorizeRequests).toBe(authorize);
    expect(world.opened.length).toBe(opened); // the browser was never sent anywhere
    expect(mitm.log()).not.toMatch(/\/oauth2\/token/);
    await transport.close();
  }, 30_000);

  it("with mitmproxy's CA: the whole flow works, and mitmdump saw token, revoke and API requests", async () => {
    const transport = createNodeTransport({ caFile: mitm.caFile, proxy: { url: mitm.url, bypass: [] } });
    await fullFlow(transport);
    await transport.close();
    // mitmdump prints the address its addon connected to (127.0.0.1) with the port of each server.
    const log = mitm.log();
    const apiPort = new URL(world.profile.apis[0]!.baseUrl).port;
    expect(log).toMatch(new RegExp(`POST https://[^/]+:${world.pool.port}/oauth2/token`));
    expect(log).toMatch(new RegExp(`POST https://[^/]+:${world.pool.port}/oauth2/revoke`));
    expect(log).toMatch(new RegExp(`GET https://[^/]+:${apiPort}/me`));
  }, 90_000);
});
