import http from 'node:http';
import type { AddressInfo } from 'node:net';
import axios from 'axios';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient } from '../../src/main/http/api-client';
import { createNodeTransport } from '../../src/main/net/node-transport';
import { AppError } from '../../src/shared/errors';
import { startRecordingProxy, type RecordingProxy } from './support/recording-proxy';
import { POOL_HOST, startTlsWorld, type TlsWorld } from './support/tls-world';

/**
 * Proxy environment variables are never followed. First the leak this guards against, reproduced
 * with bare axios (its http adapter reads http_proxy through proxy-from-env, even for loopback):
 * the bearer token of a call to a local http API travels in cleartext to whatever the variable
 * names. Then the app's transport with the same variables set: nothing reaches the proxy.
 *
 * Proxies: a recording forward proxy (test/network/support/recording-proxy.ts) named by
 * http_proxy, HTTP_PROXY, https_proxy, HTTPS_PROXY and all_proxy. Certificates: the TLS world's
 * test CA (for the https flow); none for the plain-http API.
 */
const ENV_NAMES = ['http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY', 'all_proxy', 'ALL_PROXY'];
const saved = new Map<string, string | undefined>();
let proxy: RecordingProxy;
let world: TlsWorld;
let localApi: http.Server;
let localApiUrl: string;
const bearersSeenByApi: string[] = [];

beforeAll(async () => {
  // The browser starts before the variables are set: it is not the subject here.
  world = await startTlsWorld({ host: '127.0.0.1' });
  proxy = await startRecordingProxy();
  localApi = http.createServer((req, res) => {
    bearersSeenByApi.push(req.headers.authorization ?? '');
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
  await new Promise<void>((resolve) => localApi.listen(0, '127.0.0.1', resolve));
  localApiUrl = `http://127.0.0.1:${(localApi.address() as AddressInfo).port}`;
  for (const name of ENV_NAMES) {
    saved.set(name, process.env[name]);
    process.env[name] = proxy.url;
  }
  delete process.env['NO_PROXY'];
  delete process.env['no_proxy'];
}, 60_000);

afterAll(async () => {
  for (const [name, value] of saved) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await new Promise<void>((resolve) => localApi?.close(() => resolve()));
  await proxy?.close();
  await world?.close();
});

const bearer = `Bearer leak-canary-${process.pid}`;

describe('proxy environment variables', () => {
  it('reproduces the leak: bare axios sends a loopback bearer call to the http_proxy', async () => {
    proxy.seen.length = 0;
    const response = await axios.create().get(`${localApiUrl}/me`, { headers: { authorization: bearer } });
    expect(response.status).toBe(200);
    expect(proxy.seen).toEqual([{ method: 'GET', target: `${localApiUrl}/me`, authorization: true }]);
  });

  it('the API client (default transport) sends nothing to it; the API gets the call directly', async () => {
    proxy.seen.length = 0;
    bearersSeenByApi.length = 0;
    const client = createApiClient({
      apis: () => [{ name: 'local', baseUrl: localApiUrl }],
      tokens: { getAccessToken: async () => 'leak-canary', forceRefresh: async () => 'leak-canary' },
    });
    const response = await client.request({ requestId: 'r1', api: 'local', method: 'GET', path: '/me' });
    expect(response.status).toBe(200);
    expect(bearersSeenByApi).toEqual(['Bearer leak-canary']);
    expect(proxy.seen).toEqual([]);
  });

  it('the whole https flow (sign-in, API, refresh, sign-out) sends nothing to it', async () => {
    proxy.seen.length = 0;
    const transport = createNodeTransport({ caFile: world.ca.caFile });
    const session = world.newSession(transport);
    const api = world.newApiClient(transport, session);
    expect((await session.signIn()).status).toBe('signed-in');
    expect((await api.request({ requestId: 'a', api: 'demo', method: 'GET', path: '/me' })).status).toBe(200);
    await session.forceRefresh(await session.getAccessToken());
    expect((await api.request({ requestId: 'b', api: 'demo', method: 'GET', path: '/me' })).status).toBe(200);
    expect((await session.signOut({ endHostedUiSession: false })).status).toBe('signed-out');
    expect(proxy.seen).toEqual([]);
    await transport.close();
  }, 60_000);

  it('a host only a proxy could resolve is tried directly (DNS_FAILED), not through the variable', async () => {
    proxy.seen.length = 0;
    const transport = createNodeTransport();
    const error = await transport.fetch(`https://${POOL_HOST}:${world.pool.port}/`).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('DNS_FAILED');
    expect(proxy.seen).toEqual([]);
    await transport.close();
  }, 30_000);
});
