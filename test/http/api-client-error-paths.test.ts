import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccessTokenSource } from '../../src/main/auth/access-token-source';
import { createApiClient } from '../../src/main/http/api-client';
import type { AppError } from '../../src/shared/errors';
import { fixedTokens, rejection, requestBuilder } from './support/api-client-fixtures';

/**
 * The API client's error paths that api-client.test.ts does not reach: the in-flight cap, raw
 * text bodies, the token wait racing the timeout and a cancel, redaction of statusText and of
 * a redirect's Location. Real sockets on 127.0.0.1. TLS and DNS: api-client-tls-dns.test.ts.
 */
const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEifQ.c2lnbmF0dXJlLXZhbHVl';

const req = requestBuilder('e');
const token = fixedTokens;

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A loopback server: records each request, answers through `route`; `hang` paths never answer. */
async function startServer(route: (seen: Seen, res: http.ServerResponse) => void) {
  const seen: Seen[] = [];
  const server = http.createServer((rq, res) => {
    const chunks: Buffer[] = [];
    rq.on('data', (c: Buffer) => chunks.push(c));
    rq.on('end', () => {
      const s = {
        method: rq.method ?? '',
        url: rq.url ?? '',
        headers: rq.headers,
        body: Buffer.concat(chunks).toString(),
      };
      seen.push(s);
      route(s, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('api client error paths', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  beforeAll(async () => {
    server = await startServer((s, res) => {
      const url = new URL(s.url, 'http://x');
      if (url.pathname === '/hang') return;
      if (url.pathname === '/echo') {
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ body: s.body, type: s.headers['content-type'] ?? null }));
        return;
      }
      if (url.pathname === '/leaky-status') {
        res.statusMessage = `Bad token Bearer ${JWT} access_token=opaque-access-token-123`;
        res.writeHead(400, { 'content-type': 'text/plain' }).end('no');
        return;
      }
      if (url.pathname === '/leaky-redirect') {
        res
          .writeHead(302, {
            location: `https://elsewhere.example/cb?access_token=${JWT}&code=abc123&state=s1&keep=yes`,
          })
          .end();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('the in-flight cap: one request over it is refused before a socket opens; a freed slot is usable again', async () => {
    const client = createApiClient({
      apis: () => [{ name: 'demo', baseUrl: server.origin }],
      tokens: token,
      maxInFlight: 3,
    });
    const before = server.seen.length;
    const ids = ['cap1', 'cap2', 'cap3'];
    const hanging = ids.map((requestId) =>
      client.request(req({ requestId, path: '/hang' })).catch((e: unknown) => e),
    );
    await expect.poll(() => server.seen.length - before).toBe(3);
    const over = await rejection(client.request(req({ path: '/ok' })));
    expect(over.code).toBe('IPC_INVALID_ARGUMENT');
    expect(over.message).toBe('Too many requests at once (at most 3).');
    expect(server.seen.length - before).toBe(3);
    expect(client.cancel('cap1')).toBe(true);
    expect(((await hanging[0]) as AppError).code).toBe('CANCELLED');
    expect((await client.request(req({ path: '/ok' }))).status).toBe(200);
    for (const id of ['cap2', 'cap3']) client.cancel(id);
    await Promise.all(hanging);
  });

  it('raw text bodies: a string with a non-JSON content type goes as is; otherwise it is JSON', async () => {
    const client = createApiClient({ apis: () => [{ name: 'demo', baseUrl: server.origin }], tokens: token });
    const echo = async (body: unknown, headers?: Record<string, string>) => {
      const res = await client.request(
        req({ method: 'POST', path: '/echo', body, ...(headers ? { headers } : {}) }),
      );
      expect(res.body.kind).toBe('json');
      return res.body.kind === 'json' ? res.body.value : undefined;
    };
    expect(await echo('plain, "quoted" text', { 'Content-Type': 'text/plain; charset=utf-8' })).toEqual({
      body: 'plain, "quoted" text',
      type: 'text/plain; charset=utf-8',
    });
    expect(await echo('a string', { 'Content-Type': 'application/json' })).toEqual({
      body: '"a string"',
      type: 'application/json',
    });
    expect(await echo('a string')).toEqual({ body: '"a string"', type: 'application/json' });
    expect(await echo({ n: 1 })).toEqual({ body: '{"n":1}', type: 'application/json' });
    const before = server.seen.length;
    const get = await rejection(client.request(req({ method: 'GET', path: '/echo', body: 'x' })));
    expect([get.code, get.message]).toEqual(['IPC_INVALID_ARGUMENT', 'A GET request cannot have a body.']);
    const big = await rejection(
      client.request(
        req({
          method: 'POST',
          path: '/echo',
          body: 'x'.repeat(512 * 1024 + 1),
          headers: { 'Content-Type': 'text/plain' },
        }),
      ),
    );
    expect([big.code, big.message]).toEqual([
      'IPC_INVALID_ARGUMENT',
      'The request body is larger than 524288 bytes.',
    ]);
    expect(server.seen.length).toBe(before);
  });

  it('a token that never comes: the request times out on its own deadline, or ends on cancel, and nothing is sent', async () => {
    const calls: string[] = [];
    const stuck: AccessTokenSource = {
      getAccessToken: () => {
        calls.push('get');
        return new Promise<string>(() => undefined);
      },
      forceRefresh: () => new Promise<string>(() => undefined),
    };
    const client = createApiClient({ apis: () => [{ name: 'demo', baseUrl: server.origin }], tokens: stuck });
    const before = server.seen.length;
    const started = performance.now();
    const timedOut = await rejection(client.request(req({ path: '/ok', timeoutMs: 300 })));
    const elapsed = performance.now() - started;
    expect([timedOut.code, timedOut.message]).toEqual([
      'TIMEOUT',
      'The API "demo" did not answer within 300 ms.',
    ]);
    // Not before its deadline; the upper bound is generous: the sweeper runs every 25 ms.
    expect(elapsed).toBeGreaterThanOrEqual(295);
    expect(elapsed).toBeLessThan(10_000);

    const pending = client.request(req({ requestId: 'wait-cancel', path: '/ok', timeoutMs: 60_000 }));
    await expect.poll(() => calls.length).toBe(2);
    expect(client.cancel('wait-cancel')).toBe(true);
    const cancelled = await rejection(pending);
    expect([cancelled.code, cancelled.message]).toEqual(['CANCELLED', 'The request was cancelled.']);
    expect(client.cancel('wait-cancel')).toBe(false);
    expect(server.seen.length).toBe(before);
  });

  it('a forced refresh that never comes after a 401 also ends at the deadline', async () => {
    const api = await startServer((_s, res) =>
      res.writeHead(401, { 'www-authenticate': 'Bearer error="invalid_token"' }).end(),
    );
    try {
      const slowRefresh: AccessTokenSource = {
        getAccessToken: async () => 'opaque-access-token-123',
        forceRefresh: () => new Promise<string>(() => undefined),
      };
      const client = createApiClient({
        apis: () => [{ name: 'demo', baseUrl: api.origin }],
        tokens: slowRefresh,
      });
      const err = await rejection(client.request(req({ path: '/me', timeoutMs: 300 })));
      expect(err.code).toBe('TIMEOUT');
      expect(api.seen).toHaveLength(1);
    } finally {
      await api.close();
    }
  });

  it('statusText and a redirect Location carrying tokens are redacted; the rest of them is kept', async () => {
    const client = createApiClient({ apis: () => [{ name: 'demo', baseUrl: server.origin }], tokens: token });
    const status = await client.request(req({ path: '/leaky-status' }));
    expect(status.status).toBe(400);
    expect(status.statusText).toMatch(/^Bad token Bearer \[REDACTED\]/);
    expect(status.statusText).toContain('access_token=[REDACTED]');
    expect(status.statusText).not.toContain(JWT);
    expect(status.statusText).not.toContain('opaque-access-token-123');

    const redirect = await client.request(req({ path: '/leaky-redirect' }));
    expect(redirect.status).toBe(302);
    expect(redirect.redirect?.sameOrigin).toBe(false);
    expect(redirect.redirect?.location).toBe(
      'https://elsewhere.example/cb?access_token=[REDACTED]&code=[REDACTED]&state=[REDACTED]&keep=yes',
    );
    expect(JSON.stringify(redirect)).not.toContain(JWT);
    expect(JSON.stringify(redirect)).not.toContain('abc123');
  });
});
