import http from 'node:http';
import type { AddressInfo } from 'node:net';
import axios, { AxiosError, CanceledError } from 'axios';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axiosTransportConfig } from '../../src/main/net/fetch-adapters';
import { findNetworkError } from '../../src/main/net/network-errors';
import { createNodeTransport } from '../../src/main/net/node-transport';
import type { NetTransport } from '../../src/main/net/transport';
import { freePort } from '../../tools/support/ports';

/**
 * The axios adapter over the NetTransport (src/main/net/fetch-adapters.ts), against a real
 * loopback server and the real Node transport: what the API client relies on, in axios's shapes.
 * Twice: through the transport's raw `request` (what the Node transport offers), and through its
 * `fetch` alone (what Electron's transport offers).
 */
describe.each(['request', 'fetch only'] as const)('axios transport adapter (%s)', (path) => {
  let server: http.Server;
  let base: string;
  const seen: Array<{ method: string; url: string; headers: http.IncomingHttpHeaders; body: string }> = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString(),
        });
        if (req.url === '/json') {
          res.writeHead(201, { 'content-type': 'application/json', 'set-cookie': ['a=1', 'b=2'] });
          res.end('{"ok":true}');
        } else if (req.url === '/big') {
          res.writeHead(200, { 'content-type': 'application/octet-stream' });
          res.write(Buffer.alloc(40_000, 1));
          res.end(Buffer.alloc(40_000, 2));
        } else if (req.url === '/hang') {
          res.writeHead(200);
          res.write('partial'); // never ends
        } else if (req.url === '/gzip') {
          res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
          res.end(gzipSync('{"zipped":true}'));
        } else if (req.url === '/bomb') {
          // 1 KB on the wire, 256 KB decoded: the cap counts what is decoded.
          const packed = gzipSync(Buffer.alloc(256 * 1024, 0));
          res
            .writeHead(200, { 'content-encoding': 'gzip', 'content-length': String(packed.length) })
            .end(packed);
        } else if (req.url === '/teapot') {
          res.writeHead(418).end('no');
        } else res.writeHead(404).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const client = (maxResponseBytes?: number) => {
    const node = createNodeTransport(maxResponseBytes === undefined ? {} : { maxResponseBytes });
    const transport: NetTransport =
      path === 'request'
        ? node
        : {
            kind: node.kind,
            fetch: (url, init) => node.fetch(url, init),
            setProxy: (setting) => node.setProxy(setting),
            describe: (url) => node.describe(url),
            close: () => node.close(),
          };
    expect(typeof transport.request).toBe(path === 'request' ? 'function' : 'undefined');
    return { transport, ax: axios.create(axiosTransportConfig(transport)) };
  };

  it('sends method, headers and body; reads JSON, text and arraybuffer; keeps every set-cookie', async () => {
    const { transport, ax } = client();
    const res = await ax.post(`${base}/json`, 'hello body', {
      headers: { 'x-trace': 't1', 'content-type': 'text/plain' },
    });
    expect(res.status).toBe(201);
    expect(res.data).toEqual({ ok: true });
    expect(res.headers['set-cookie']).toEqual(['a=1', 'b=2']);
    const last = seen.at(-1)!;
    expect(last).toMatchObject({ method: 'POST', url: '/json', body: 'hello body' });
    expect(last.headers['x-trace']).toBe('t1');
    const text = await ax.get('/json', {
      baseURL: `${base}/`,
      responseType: 'text',
      transformResponse: (d: unknown) => d,
    });
    expect(text.data).toBe('{"ok":true}');
    const bin = await ax.get(`${base}/big`, { responseType: 'arraybuffer' });
    // A Buffer over the received bytes, as axios's own Node http adapter gives for 'arraybuffer'.
    expect(Buffer.isBuffer(bin.data)).toBe(true);
    expect((bin.data as Buffer).byteLength).toBe(80_000);
    const bytes = bin.data as Buffer;
    expect([bytes[0], bytes[39_999], bytes[40_000], bytes[79_999]]).toEqual([1, 1, 2, 2]);
    await transport.close();
  });

  it('applies validateStatus, maxContentLength and maxBodyLength in axios error shapes', async () => {
    const { transport, ax } = client();
    const rejected = await ax.get(`${base}/teapot`).catch((e: unknown) => e);
    expect(rejected).toBeInstanceOf(AxiosError);
    expect((rejected as AxiosError).code).toBe(AxiosError.ERR_BAD_REQUEST);
    expect((rejected as AxiosError).response?.status).toBe(418);
    expect((await ax.get(`${base}/teapot`, { validateStatus: () => true })).status).toBe(418);
    const big = await ax.get(`${base}/big`, { maxContentLength: 50_000 }).catch((e: unknown) => e);
    expect((big as AxiosError).code).toBe(AxiosError.ERR_BAD_RESPONSE);
    expect((big as AxiosError).message).toMatch(/maxContentLength/);
    const before = seen.length;
    const body = await ax
      .post(`${base}/json`, 'x'.repeat(101), { maxBodyLength: 100 })
      .catch((e: unknown) => e);
    expect((body as AxiosError).code).toBe(AxiosError.ERR_BAD_REQUEST);
    expect(seen.length).toBe(before); // refused before anything was sent
    await transport.close();
  });

  it("passes the transport's body cap on as RESPONSE_TOO_LARGE, a refused connection as ERR_NETWORK with its code", async () => {
    const { transport, ax } = client(16 * 1024);
    const capped = await ax.get(`${base}/big`, { responseType: 'arraybuffer' }).catch((e: unknown) => e);
    expect((capped as AxiosError).code).toBe(AxiosError.ERR_NETWORK);
    expect(findNetworkError(capped)?.code).toBe('RESPONSE_TOO_LARGE');
    const closed = await freePort();
    const refused = await ax.get(`http://127.0.0.1:${closed}/`).catch((e: unknown) => e);
    expect((refused as AxiosError).code).toBe(AxiosError.ERR_NETWORK);
    expect(((refused as AxiosError).cause as { code?: string }).code).toBe('ECONNREFUSED');
    await transport.close();
  });

  it('decodes a gzip body, and caps what it decodes to (a small body that unpacks past the cap)', async () => {
    const { transport, ax } = client(16 * 1024);
    expect((await ax.get(`${base}/gzip`)).data).toEqual({ zipped: true });
    const bomb = await ax.get(`${base}/bomb`, { responseType: 'arraybuffer' }).catch((e: unknown) => e);
    expect((bomb as AxiosError).code).toBe(AxiosError.ERR_NETWORK);
    expect(findNetworkError(bomb)?.code).toBe('RESPONSE_TOO_LARGE');
    await transport.close();
  });

  it('an abort mid-body (a GenericAbortSignal as the API client gives) ends in CanceledError', async () => {
    const { transport, ax } = client();
    const listeners: Array<() => void> = [];
    const signal = {
      aborted: false,
      addEventListener: (_: string, l: () => void) => listeners.push(l),
      removeEventListener: () => undefined,
    };
    const pending = ax.get(`${base}/hang`, { signal }).catch((e: unknown) => e);
    await expect.poll(() => seen.some((s) => s.url === '/hang')).toBe(true);
    signal.aborted = true;
    for (const l of listeners) l();
    expect(await pending).toBeInstanceOf(CanceledError);
    await transport.close();
  });

  it('refuses what it does not implement instead of ignoring it', async () => {
    const { transport, ax } = client();
    const before = seen.length;
    for (const options of [
      { params: { a: 1 } },
      { timeout: 1000 },
      { auth: { username: 'u', password: 'p' } },
    ]) {
      const error = await ax.get(`${base}/json`, options).catch((e: unknown) => e);
      expect((error as AxiosError).code).toBe(AxiosError.ERR_NOT_SUPPORT);
    }
    expect(seen.length).toBe(before);
    await transport.close();
  });
});

describe('the transport idle bound, as the API client reports it', () => {
  it('an idle server past the transport timeout is TIMEOUT, not a network error', async () => {
    const { mapTransportError } = await import('../../src/main/http/transport-errors');
    const server = http.createServer(() => undefined); // answers nothing
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const transport = createNodeTransport({ timeoutMs: 200 });
    const ax = axios.create(axiosTransportConfig(transport));
    try {
      const error = await ax
        .get(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, {
          signal: new AbortController().signal,
        })
        .catch((e: unknown) => e);
      expect(mapTransportError(error, { api: 'demo', timeoutMs: 200, maxResponseBytes: 1 }).code).toBe(
        'TIMEOUT',
      );
    } finally {
      await transport.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
