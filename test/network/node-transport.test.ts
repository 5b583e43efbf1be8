import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyChromiumFailure, findNetworkError } from '../../src/main/net/network-errors';
import { createNodeTransport } from '../../src/main/net/node-transport';
import { bypassesProxy, chromiumProxyConfig } from '../../src/main/net/proxy-rules';
import { AppError } from '../../src/shared/errors';
import { freePort } from '../../tools/support/ports';
import { startRecordingProxy, type RecordingProxy } from './support/recording-proxy';
import { createTestCa, type TestCa } from './support/test-ca';

/**
 * The Node transport's promises, each against a real local server or proxy: typed errors (name
 * mismatch, untrusted, 407, proxy refused), loopback never proxied, the bypass list, no redirect
 * followed, the body cap, the caller's abort reason kept, a bad CA file refused.
 *
 * Proxies: the recording proxy (forward and 407 modes); a closed port as a dead proxy.
 * Certificates: a test CA; one server certificate for 127.0.0.1, one for "other.test" only.
 */
let ca: TestCa;
let server: https.Server;
let wrongName: https.Server;
let base: string;
let wrongNameBase: string;
let plain: http.Server;
let plainBase: string;
let forward: RecordingProxy;
let auth: RecordingProxy;

function listen(s: http.Server | https.Server): Promise<number> {
  return new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve((s.address() as AddressInfo).port)));
}

const handler: http.RequestListener = (req, res) => {
  if (req.url === '/redirect') {
    res.writeHead(302, { location: 'https://elsewhere.example/' }).end();
  } else if (req.url === '/big') {
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    res.end(Buffer.alloc(64 * 1024, 1)); // chunked: no declared length to refuse early
  } else if (req.url === '/bomb') {
    // 1 KB on the wire, 256 KB decoded: the declared length must not vouch for the decoded size.
    const packed = gzipSync(Buffer.alloc(256 * 1024, 0));
    res.writeHead(200, { 'content-encoding': 'gzip', 'content-length': String(packed.length) }).end(packed);
  } else if (req.url === '/slow') {
    setTimeout(() => res.end('late'), 5_000).unref();
  } else {
    res.writeHead(200, { 'content-type': 'text/plain' }).end('hello');
  }
};

beforeAll(async () => {
  ca = createTestCa();
  const good = ca.issue({ ip: ['127.0.0.1'], dns: ['localhost'] });
  const other = ca.issue({ dns: ['other.test'] });
  server = https.createServer({ key: good.key, cert: good.cert }, handler);
  wrongName = https.createServer({ key: other.key, cert: other.cert }, handler);
  plain = http.createServer(handler);
  base = `https://127.0.0.1:${await listen(server)}`;
  wrongNameBase = `https://127.0.0.1:${await listen(wrongName)}`;
  plainBase = `http://127.0.0.1:${await listen(plain)}`;
  forward = await startRecordingProxy();
  auth = await startRecordingProxy({ mode: 'auth' });
});
afterAll(async () => {
  for (const s of [server, wrongName, plain]) {
    s?.closeAllConnections();
    await new Promise<void>((resolve) => (s ? s.close(() => resolve()) : resolve()));
  }
  await forward?.close();
  await auth?.close();
  ca?.close();
});

async function failure(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error('expected a failure');
    },
    (err: unknown) => err,
  );
}

describe('node transport', () => {
  it('trusts the CA file and reads a response', async () => {
    const t = createNodeTransport({ caFile: ca.caFile });
    const response = await t.fetch(`${base}/`);
    expect(await response.text()).toBe('hello');
    await t.close();
  });

  it('a certificate for another name is CERT_NAME_MISMATCH', async () => {
    const t = createNodeTransport({ caFile: ca.caFile });
    const error = (await failure(t.fetch(`${wrongNameBase}/`))) as AppError;
    expect(error).toBeInstanceOf(AppError);
    expect(error.code).toBe('CERT_NAME_MISMATCH');
    await t.close();
  });

  it('a proxy that answers 407 is PROXY_AUTH_REQUIRED (and saw only the CONNECT)', async () => {
    const t = createNodeTransport({ caFile: ca.caFile, proxy: { url: auth.url, bypass: [] } });
    const error = (await failure(t.fetch('https://service.example.com/'))) as AppError;
    expect(error.code).toBe('PROXY_AUTH_REQUIRED');
    expect(error.status).toBe(407);
    expect(auth.seen).toEqual([
      { method: 'CONNECT', target: 'service.example.com:443', authorization: false },
    ]);
    await t.close();
  });

  it('a proxy that refuses connections is PROXY_UNREACHABLE, naming it', async () => {
    const dead = `http://127.0.0.1:${await freePort()}`;
    const t = createNodeTransport({ proxy: { url: dead, bypass: [] } });
    const error = (await failure(t.fetch('https://service.example.com/'))) as AppError;
    expect(error.code).toBe('PROXY_UNREACHABLE');
    expect(error.message).toContain(dead);
    await t.close();
  });

  it('loopback never goes through the pinned proxy; the bypass list is honoured', async () => {
    forward.seen.length = 0;
    const t = createNodeTransport({
      caFile: ca.caFile,
      proxy: { url: forward.url, bypass: ['.corp.example'] },
    });
    expect(await (await t.fetch(`${base}/`)).text()).toBe('hello');
    expect(await (await t.fetch(`${plainBase}/`)).text()).toBe('hello');
    expect(await (await t.fetch(`https://localhost:${new URL(base).port}/`)).text()).toBe('hello');
    expect(forward.seen).toEqual([]);
    expect(t.describe(`${base}/`).proxy).toBe('direct (loopback)');
    expect(t.describe('https://api.corp.example/').proxy).toBe('direct (bypass list)');
    expect(t.describe('https://api.example.com/').proxy).toBe(`${forward.url} (pinned)`);
    await t.close();
  });

  it('a pinned proxy can be changed and removed at run time', async () => {
    forward.seen.length = 0;
    const t = createNodeTransport();
    await t.setProxy({ url: forward.url, bypass: [] });
    await failure(t.fetch('https://nowhere.invalid/')); // the recording proxy cannot reach it
    expect(forward.seen.map((s) => s.target)).toEqual(['nowhere.invalid:443']);
    await t.setProxy('system');
    expect(t.describe('https://nowhere.invalid/').proxy).toMatch(/^direct/);
    await t.close();
  });

  it('never follows a redirect: the 302 comes back', async () => {
    const t = createNodeTransport({ caFile: ca.caFile });
    const response = await t.fetch(`${base}/redirect`);
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('https://elsewhere.example/');
    await t.close();
  });

  it('caps the body: more than maxResponseBytes errors with RESPONSE_TOO_LARGE', async () => {
    const t = createNodeTransport({ caFile: ca.caFile, maxResponseBytes: 16 * 1024 });
    const response = await t.fetch(`${base}/big`);
    // Counted in the dispatcher: fetch hands the typed error on as its TypeError's cause.
    const error = findNetworkError(await failure(response.arrayBuffer()));
    expect(error?.code).toBe('RESPONSE_TOO_LARGE');
    const roomy = createNodeTransport({ caFile: ca.caFile, maxResponseBytes: 128 * 1024 });
    expect((await (await roomy.fetch(`${base}/big`)).arrayBuffer()).byteLength).toBe(64 * 1024);
    const bomb = await t.fetch(`${base}/bomb`);
    expect(Number(bomb.headers.get('content-length'))).toBeLessThan(16 * 1024);
    expect(((await failure(bomb.arrayBuffer())) as AppError).code).toBe('RESPONSE_TOO_LARGE');
    await t.close();
    await roomy.close();
  });

  it("keeps the caller's abort reason; its own deadline is a TimeoutError", async () => {
    const t = createNodeTransport({ caFile: ca.caFile, timeoutMs: 300 });
    const controller = new AbortController();
    const reason = new Error('cancelled by the caller');
    setTimeout(() => controller.abort(reason), 50);
    expect(await failure(t.fetch(`${base}/slow`, { signal: controller.signal }))).toBe(reason);
    expect(((await failure(t.fetch(`${base}/slow`))) as Error).name).toBe('TimeoutError');
    await t.close();
  });

  it("request(): the caller's abort reason kept; no signal, its deadline; a signal, an idle bound of the same length", async () => {
    const t = createNodeTransport({ caFile: ca.caFile, timeoutMs: 300 });
    const raw = t.request!;
    const controller = new AbortController();
    const reason = new Error('cancelled by the caller');
    setTimeout(() => controller.abort(reason), 50);
    expect(await failure(raw(`${base}/slow`, { signal: controller.signal }))).toBe(reason);
    expect(((await failure(raw(`${base}/slow`))) as Error).name).toBe('TimeoutError');
    // A signal that never fires: the server sends nothing for longer than the timeout.
    const idle = (await failure(raw(`${base}/slow`, { signal: new AbortController().signal }))) as {
      code?: string;
    };
    expect(idle.code).toBe('UND_ERR_HEADERS_TIMEOUT');
    const ok = await raw(`${base}/`);
    expect(ok.status).toBe(200);
    const chunks: Uint8Array[] = [];
    for await (const chunk of ok.body) chunks.push(chunk);
    expect(Buffer.concat(chunks).toString()).toBe('hello');
    await t.close();
  });

  it('refuses a CA file that is missing or holds no certificate, and a non-http proxy URL', () => {
    expect(() => createNodeTransport({ caFile: path.join(ca.dir, 'missing.pem') })).toThrow(/cannot be read/);
    const junk = path.join(ca.dir, 'junk.pem');
    writeFileSync(junk, 'not a certificate');
    expect(() => createNodeTransport({ caFile: junk })).toThrow(/no PEM certificate/);
    expect(() => createNodeTransport({ proxy: { url: 'socks5://127.0.0.1:1080', bypass: [] } })).toThrow(
      /http:\/\/ or https:\/\//,
    );
  });
});

describe('proxy rules and Chromium errors', () => {
  it('bypass rules: loopback always, names, suffixes, ports, <local>', () => {
    const u = (s: string) => new URL(s);
    expect(bypassesProxy(u('http://127.0.0.5:80/'), [])).toBe(true);
    expect(bypassesProxy(u('http://[::1]:80/'), [])).toBe(true);
    expect(bypassesProxy(u('http://localhost/'), [])).toBe(true);
    expect(bypassesProxy(u('https://api.example.com/'), [])).toBe(false);
    expect(bypassesProxy(u('https://api.example.com/'), ['api.example.com'])).toBe(true);
    expect(bypassesProxy(u('https://a.b.corp.example/'), ['*.corp.example'])).toBe(true);
    expect(bypassesProxy(u('https://corp.example/'), ['.corp.example'])).toBe(true);
    expect(bypassesProxy(u('https://evilcorp.example/'), ['.corp.example'])).toBe(false);
    expect(bypassesProxy(u('https://api.example.com:8443/'), ['api.example.com:8443'])).toBe(true);
    expect(bypassesProxy(u('https://api.example.com/'), ['api.example.com:8443'])).toBe(false);
    expect(bypassesProxy(u('https://intranet/'), ['<local>'])).toBe(true);
    expect(bypassesProxy(u('https://10.1.2.3/'), ['10.1.2.3'])).toBe(true);
  });

  it('session.setProxy configs', () => {
    expect(chromiumProxyConfig('system')).toEqual({ mode: 'system' });
    expect(
      chromiumProxyConfig({ url: 'http://proxy.corp:3128', bypass: ['.corp.example', '<local>'] }),
    ).toEqual({
      mode: 'fixed_servers',
      proxyRules: 'http://proxy.corp:3128',
      proxyBypassRules: '.corp.example,<local>',
    });
  });

  it.each([
    ['net::ERR_PROXY_CONNECTION_FAILED', 'PROXY_UNREACHABLE'],
    ['net::ERR_PROXY_AUTH_REQUESTED', 'PROXY_AUTH_REQUIRED'],
    ['net::ERR_CERT_AUTHORITY_INVALID', 'CERT_UNTRUSTED'],
    ['net::ERR_CERT_COMMON_NAME_INVALID', 'CERT_NAME_MISMATCH'],
    ['net::ERR_NAME_NOT_RESOLVED', 'DNS_FAILED'],
    ['Redirect was cancelled', 'REDIRECT_BLOCKED'],
  ])('Chromium %s is %s', (message, code) => {
    const error = classifyChromiumFailure(new Error(message), { host: 'login.example.com' });
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe(code);
  });

  it('other Chromium failures look like Node fetch failures (refused stays refused)', () => {
    const error = classifyChromiumFailure(new Error('net::ERR_CONNECTION_REFUSED'), { host: 'h' });
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toBe('fetch failed');
    expect((error.cause as { code: string }).code).toBe('ECONNREFUSED');
  });
});
