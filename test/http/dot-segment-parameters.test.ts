import http from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient } from '../../src/main/http/api-client';
import { resolveApiHref } from '../../src/main/http/api-origins';
import { AppError } from '../../src/shared/errors';

/**
 * Defect 5 of issue 14: "a `..;` segment gets past the API base-path check". Servers that strip
 * `;` path parameters (Tomcat, Jetty, some gateways) resolve `/orders/..;/billing` to `/billing`.
 * Generated variants (fast-check): "." or ".." followed by `;`, `%3b` or `%3B` and any
 * parameter text, anywhere in the path, are refused with ORIGIN_NOT_ALLOWED before any network
 * call; ordinary segments with `;` parameters or dots inside a name still pass.
 */
const API = { name: 'orders', baseUrl: 'https://gw.example.com/orders' };

const segmentChar = fc.constantFrom(...'abcxyzABC019-_~'.split(''));
const name = fc.string({ unit: segmentChar, minLength: 1, maxLength: 8 });
const paramText = fc.string({ unit: fc.constantFrom(...'abc=1-_.'.split('')), maxLength: 10 });
const separator = fc.constantFrom(';', '%3b', '%3B');
const dots = fc.constantFrom('.', '..');
/** A dot segment with a parameter: `..;`, `.%3Bjsessionid=1`, `..%3b..`, ... */
const dotWithParameter = fc.tuple(dots, separator, paramText).map(([d, sep, p]) => `${d}${sep}${p}`);
const pathAround = (segment: fc.Arbitrary<string>) =>
  fc
    .tuple(fc.array(name, { maxLength: 3 }), segment, fc.array(name, { maxLength: 3 }), fc.boolean())
    .map(([before, s, after, query]) => `/${[...before, s, ...after].join('/')}${query ? '?a=1' : ''}`);

function refusal(fn: () => unknown): AppError | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  return undefined;
}

describe('dot segments with ";" parameters or escaped ";"', () => {
  it('the examples from the report are refused', () => {
    for (const path of [
      '/..;/billing/invoices',
      '/..%3b/billing/invoices',
      '/..%3B/billing',
      '/a/.;x/b',
      '/..;jsessionid=1/x',
    ]) {
      expect(refusal(() => resolveApiHref([API], 'orders', path))?.code, path).toBe('ORIGIN_NOT_ALLOWED');
    }
  });

  it('every generated variant is refused (ORIGIN_NOT_ALLOWED)', () => {
    fc.assert(
      fc.property(pathAround(dotWithParameter), (path) => {
        expect(refusal(() => resolveApiHref([API], 'orders', path))?.code).toBe('ORIGIN_NOT_ALLOWED');
      }),
      { numRuns: 500 },
    );
  });

  it('ordinary segments with parameters or inner dots still pass (no over-blocking)', () => {
    const harmless = fc.oneof(
      fc.tuple(name, separator, paramText).map(([n, sep, p]) => `${n}${sep}${p}`),
      fc.tuple(name, name).map(([a, b]) => `${a}.${b}`),
      name.map((n) => `..${n}`),
    );
    fc.assert(
      fc.property(pathAround(harmless), (path) => {
        const href = resolveApiHref([API], 'orders', path);
        expect(new URL(href).pathname.startsWith('/orders/')).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('refused before any network call', () => {
  let server: http.Server;
  let connections = 0;
  let baseUrl: string;
  beforeAll(async () => {
    server = http.createServer((_req, res) => res.writeHead(200).end('{}'));
    server.on('connection', () => connections++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/orders`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('the API client sends nothing and fetches no token for a generated variant', async () => {
    let tokenCalls = 0;
    const client = createApiClient({
      apis: () => [{ name: 'orders', baseUrl }],
      tokens: {
        getAccessToken: async () => {
          tokenCalls++;
          return 'token-never-used';
        },
        forceRefresh: async () => 'token-never-used',
      },
    });
    const samples = fc.sample(pathAround(dotWithParameter), 40);
    for (const [i, path] of samples.entries()) {
      await expect(
        client.request({ requestId: `dot-${i}`, api: 'orders', method: 'GET', path }),
      ).rejects.toMatchObject({ code: 'ORIGIN_NOT_ALLOWED' });
    }
    expect(tokenCalls).toBe(0);
    expect(connections).toBe(0);
  });
});
