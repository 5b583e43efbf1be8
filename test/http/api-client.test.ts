import axios from 'axios';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient, type ApiClient } from '../../src/main/http/api-client';
import { AppError } from '../../src/shared/errors';
import type { ApiRequest } from '../../src/shared/ipc-contract';
import {
  SIZE_CAP_TEST_BYTES,
  TestTokenAuthority,
  startRecordingListener,
  startTestApi,
  type Listener,
} from './loopback-servers';

let seq = 0;
const req = (partial: Partial<ApiRequest> & Pick<ApiRequest, 'path'>): ApiRequest => ({
  requestId: `r${++seq}`,
  api: 'demo',
  method: 'GET',
  ...partial,
});

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error('expected a rejection');
}

describe('api client against a loopback resource server', () => {
  let authority: TestTokenAuthority;
  let api: Listener;
  let evil: Listener;
  let client: ApiClient;
  let redirectTarget = '/me';

  beforeAll(async () => {
    authority = new TestTokenAuthority();
    evil = await startRecordingListener();
    api = await startTestApi(authority, { redirectTo: () => redirectTarget });
    client = createApiClient({
      apis: () => [{ name: 'demo', baseUrl: api.origin }],
      tokens: authority,
      maxResponseBytes: SIZE_CAP_TEST_BYTES,
    });
  });
  afterAll(async () => {
    await api.close();
    await evil.close();
  });
  afterEach(() => {
    authority.failWith = null;
    authority.refreshFailWith = null;
    authority.refreshCalls = [];
  });

  it('GET round trip: bearer attached, JSON parsed in main, response headers filtered', async () => {
    const before = api.requests.length;
    const res = await client.request(req({ path: '/me?x=1', headers: { 'X-Trace': 't-1' } }));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      kind: 'json',
      value: { sub: 'user-1', path: '/me', query: '?x=1', seenHeaders: 't-1' },
    });
    expect(res.headers).toMatchObject({ etag: '"v1"', 'x-request-id': 'req-1' });
    expect(res.headers).not.toHaveProperty('set-cookie');
    expect(res.headers).not.toHaveProperty('x-session-token');
    const seen = api.requests.slice(before);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.headers.authorization).toMatch(/^Bearer SENTINEL-TOKEN-/);
    expect(JSON.stringify(res)).not.toContain(TestTokenAuthority.SENTINEL);
  });

  it('POST round trip with a JSON body', async () => {
    const res = await client.request(
      req({ method: 'POST', path: '/notes', body: { text: 'hi', n: [1, 2] } }),
    );
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      kind: 'json',
      value: { method: 'POST', received: { text: 'hi', n: [1, 2] } },
    });
    expect(api.requests.at(-1)?.headers['content-type']).toBe('application/json');
  });

  it('401 invalid_token -> one forced refresh -> one retry that succeeds', async () => {
    authority.revokeCurrent();
    const rejected = authority.issued.at(-1);
    const before = api.requests.length;
    const res = await client.request(req({ path: '/me' }));
    expect(res.status).toBe(200);
    expect(res.retried).toBe(true);
    expect(authority.refreshCalls).toEqual([rejected]);
    const seen = api.requests.slice(before);
    expect(seen).toHaveLength(2);
    expect(seen[0]?.headers.authorization).toBe(`Bearer ${rejected}`);
    expect(seen[1]?.headers.authorization).toBe(`Bearer ${authority.issued.at(-1)}`);
    expect(seen[1]?.headers.authorization).not.toBe(seen[0]?.headers.authorization);
  });

  it('a second 401 gives TOKEN_INVALID after exactly two attempts (no loop)', async () => {
    authority.rejectAll = true;
    const before = api.requests.length;
    try {
      const error = await rejection(client.request(req({ path: '/me' })));
      expect(error.code).toBe('TOKEN_INVALID');
      expect(error.status).toBe(401);
      expect(error.message).not.toContain(TestTokenAuthority.SENTINEL);
      expect(api.requests.length - before).toBe(2);
      expect(authority.refreshCalls).toHaveLength(1);
    } finally {
      authority.rejectAll = false;
    }
  });

  it('a failed refresh surfaces the session error after one attempt', async () => {
    authority.revokeCurrent();
    authority.refreshFailWith = new AppError('SIGN_IN_REQUIRED', 'Sign in again.');
    const before = api.requests.length;
    const error = await rejection(client.request(req({ path: '/me' })));
    expect(error.code).toBe('SIGN_IN_REQUIRED');
    expect(api.requests.length - before).toBe(1);
    authority.refreshFailWith = null;
    await authority.forceRefresh(authority.issued.at(-1) ?? '');
  });

  it('no token available: typed error, nothing sent', async () => {
    authority.failWith = new AppError('SIGN_IN_REQUIRED', 'Sign in first.');
    const before = api.connections;
    const error = await rejection(client.request(req({ path: '/me' })));
    expect(error.code).toBe('SIGN_IN_REQUIRED');
    expect(api.connections).toBe(before);
  });

  it('403 insufficient_scope and 503 are responses with their status, no refresh', async () => {
    const forbidden = await client.request(req({ path: '/forbidden' }));
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers['www-authenticate']).toContain('insufficient_scope');
    const down = await client.request(req({ path: '/server-error' }));
    expect(down).toMatchObject({
      status: 503,
      headers: { 'retry-after': '3' },
      body: { kind: 'json', value: { error: 'down' } },
    });
    expect(authority.refreshCalls).toHaveLength(0);
  });

  it('text, binary (base64), empty and mislabelled JSON bodies', async () => {
    expect((await client.request(req({ path: '/text' }))).body).toEqual({
      kind: 'text',
      value: 'héllo text',
    });
    expect((await client.request(req({ path: '/binary' }))).body).toEqual({
      kind: 'binary',
      contentType: 'image/png',
      base64: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2]).toString('base64'),
    });
    expect((await client.request(req({ path: '/empty', method: 'DELETE' }))).body).toEqual({ kind: 'empty' });
    expect((await client.request(req({ path: '/not-json' }))).body).toEqual({
      kind: 'text',
      value: '<html>oops</html>',
    });
  });

  it('cross-origin redirect: not followed, reported, the other origin sees nothing', async () => {
    redirectTarget = `${evil.origin}/steal`;
    const res = await client.request(req({ path: '/redirect' }));
    expect(res.status).toBe(302);
    expect(res.redirect).toEqual({ location: `${evil.origin}/steal`, sameOrigin: false });
    expect(evil.connections).toBe(0);
    redirectTarget = '/me';
    const same = await client.request(req({ path: '/redirect' }));
    expect(same.redirect).toEqual({ location: `${api.origin}/me`, sameOrigin: true });
    expect(same.status).toBe(302);
  });

  it('size cap: exactly the cap passes; one byte more and an endless stream are refused', async () => {
    const ok = await client.request(req({ path: `/sized?bytes=${SIZE_CAP_TEST_BYTES}` }));
    expect(ok.body.kind === 'text' && ok.body.value.length).toBe(SIZE_CAP_TEST_BYTES);
    const over = await rejection(client.request(req({ path: `/sized?bytes=${SIZE_CAP_TEST_BYTES + 1}` })));
    expect(over.code).toBe('RESPONSE_TOO_LARGE');
    const endless = await rejection(client.request(req({ path: '/stream-forever' })));
    expect(endless.code).toBe('RESPONSE_TOO_LARGE');
  });

  it('timeout: a server that never answers ends with TIMEOUT and the connection is dropped', async () => {
    const aborted = api.abortedRequests;
    const error = await rejection(client.request(req({ path: '/hang', timeoutMs: 300 })));
    expect(error.code).toBe('TIMEOUT');
    await waitFor(() => api.abortedRequests > aborted);
  });

  it('cancellation by request id aborts the socket; unknown ids and duplicate ids are handled', async () => {
    const aborted = api.abortedRequests;
    const seenBefore = api.requests.length;
    const pending = client.request(req({ requestId: 'to-cancel', path: '/hang', timeoutMs: 30_000 }));
    await waitFor(() => api.requests.length > seenBefore);
    const duplicate = await rejection(client.request(req({ requestId: 'to-cancel', path: '/me' })));
    expect(duplicate.code).toBe('IPC_INVALID_ARGUMENT');
    expect(client.cancel('to-cancel')).toBe(true);
    const error = await rejection(pending);
    expect(error.code).toBe('CANCELLED');
    await waitFor(() => api.abortedRequests > aborted);
    expect(client.cancel('to-cancel')).toBe(false);
    expect(client.cancel('never-started')).toBe(false);
  });

  it('refuses unsafe request headers before any network call', async () => {
    const before = api.connections;
    const getsBefore = authority.getCalls;
    for (const name of [
      'Authorization',
      'cookie',
      'Host',
      'Connection',
      'Transfer-Encoding',
      'Proxy-Authorization',
      'X-Forwarded-For',
      'X-HTTP-Method-Override',
      'Content-Length',
      'Bad Name',
    ]) {
      const error = await rejection(client.request(req({ path: '/me', headers: { [name]: 'v' } })));
      expect(error.code, name).toBe('HEADER_NOT_ALLOWED');
    }
    const crlf = await rejection(
      client.request(req({ path: '/me', headers: { 'X-Ok': 'a\r\nInjected: 1' } })),
    );
    expect(crlf.code).toBe('HEADER_NOT_ALLOWED');
    expect(api.connections).toBe(before);
    expect(authority.getCalls).toBe(getsBefore);
    const fine = await client.request(
      req({ path: '/me', headers: { 'If-None-Match': '"v0"', Accept: 'application/json' } }),
    );
    expect(fine.status).toBe(200);
    expect(api.requests.at(-1)?.headers['if-none-match']).toBe('"v0"');
  });

  it('a refused connection is a NETWORK_ERROR naming the API, not a raw library message', async () => {
    const closed = await startRecordingListener();
    await closed.close();
    const offline = createApiClient({
      apis: () => [{ name: 'gone', baseUrl: closed.origin }],
      tokens: authority,
    });
    const error = await rejection(offline.request(req({ api: 'gone', path: '/me' })));
    expect(error.code).toBe('NETWORK_ERROR');
    expect(error.message).toBe('The API "gone" refused the connection.');
  });
});

describe('allowlist attacks never reach the network and never carry a token', () => {
  // Every request from this client goes through the recording listener as an HTTP proxy, so
  // any request that left the process, to whatever host name, would be seen there.
  let sniffer: Listener;
  let local: Listener;
  let authority: TestTokenAuthority;
  let client: ApiClient;

  beforeAll(async () => {
    sniffer = await startRecordingListener();
    local = await startRecordingListener();
    authority = new TestTokenAuthority();
    client = createApiClient({
      apis: () => [
        { name: 'prod', baseUrl: 'https://api.example.com' },
        { name: 'v1', baseUrl: 'https://api.example.com/v1/' },
        { name: 'local', baseUrl: local.origin },
        { name: 'loopback-name', baseUrl: 'http://localhost:1/api' },
      ],
      tokens: authority,
      http: axios.create({ proxy: { protocol: 'http', host: '127.0.0.1', port: sniffer.port } }),
    });
  });
  afterAll(async () => {
    await sniffer.close();
    await local.close();
  });

  const attacks = [
    '.evil.test/x', // https://api.example.com + .evil.test -> a look-alike host
    '@evil.test/x', // userinfo trick
    ':8443/x', // another port
    'https://api.example.com.evil.test/x',
    'https://api.example.com@evil.test/x',
    'http://api.example.com/x', // http for an https origin
    'https://api.example.com:444/x',
    '//evil.test/x',
    '/\\evil.test/x',
    '\\\\evil.test/x',
    '/%2f%2fevil.test/x',
    '/%2F%2Fevil.test',
    '/%5cevil.test',
    '/..//evil.test/x',
    '/a/../../x',
    '/a/%2e%2e/%2e%2e/x',
    '/a/.%2e/x',
    '/%252e%252e/x',
    '/x%00',
    '/x%zz',
    '/x#frag',
    '/ x',
    '/x\ny',
    '/\u0430pi', // Cyrillic a
    '\t/x',
    '',
  ];

  it.each(attacks)('path %j is refused with ORIGIN_NOT_ALLOWED before any network call', async (path) => {
    for (const api of ['prod', 'v1', 'local']) {
      const getCalls = authority.getCalls;
      const error = await rejection(client.request(req({ api, path })));
      expect(error.code, `${api} ${JSON.stringify(path)}`).toBe('ORIGIN_NOT_ALLOWED');
      expect(authority.getCalls, 'no token was even fetched').toBe(getCalls);
    }
    expect(sniffer.connections).toBe(0);
    expect(local.connections).toBe(0);
  });

  it('an API name not in the profile is refused', async () => {
    const error = await rejection(client.request(req({ api: 'evil', path: '/x' })));
    expect(error.code).toBe('ORIGIN_NOT_ALLOWED');
    expect(sniffer.connections).toBe(0);
  });

  it('control: an allowed request does reach the recording proxy, addressed to the exact origin', async () => {
    const res = await client.request(req({ api: 'loopback-name', path: '/notes?q=%2F' }));
    expect(res.status).toBe(502); // the recording listener's answer
    expect(sniffer.requests).toHaveLength(1);
    expect(sniffer.requests[0]?.url).toBe('http://localhost:1/api/notes?q=%2F');
    expect(sniffer.requests[0]?.headers.authorization).toMatch(/^Bearer SENTINEL-TOKEN-/);
    // An https origin opens a (TLS) connection to the proxy: also visible to the listener.
    const connections = sniffer.connections;
    await client.request(req({ api: 'v1', path: '/notes', timeoutMs: 500 })).catch(() => undefined);
    expect(sniffer.connections).toBe(connections + 1);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
