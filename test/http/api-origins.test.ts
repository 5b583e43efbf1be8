import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isAllowedOrigin,
  parseApiBase,
  resolveApiHref,
  resolveApiUrl,
} from '../../src/main/http/api-origins';
import {
  checkRequestHeaders,
  filterResponseHeaders,
  mayNeedRedaction,
} from '../../src/main/http/safe-headers';
import { redact } from '../../src/shared/redact';

const apis = [
  { name: 'demo', baseUrl: 'https://api.example.com' },
  { name: 'local', baseUrl: 'http://127.0.0.1:8787/base' },
];

describe('exact-origin allowlist', () => {
  it.each([
    ['https://api.example.com/x', true],
    ['https://api.example.com:443/x', true],
    ['HTTPS://API.EXAMPLE.COM/x', true],
    ['http://127.0.0.1:8787/anything', true],
    ['https://api.example.com.evil.test/x', false],
    ['https://api.example.com@evil.test/x', false],
    ['https://user:pw@api.example.com/x', false],
    ['https://evil.test/api.example.com', false],
    ['http://api.example.com/x', false],
    ['https://api.example.com:8443/x', false],
    ['http://127.0.0.1:8788/x', false],
    ['http://localhost:8787/x', false],
    ['https://xn--pi-7ld.example.com/x', false],
    ['//api.example.com/x', false],
    ['not a url', false],
  ])('%s -> %s', (url, allowed) => {
    expect(isAllowedOrigin(apis, url)).toBe(allowed);
  });

  it('builds URLs under the base path only', () => {
    expect(resolveApiUrl(apis, 'local', '/notes?a=b').href).toBe('http://127.0.0.1:8787/base/notes?a=b');
    expect(resolveApiUrl(apis, 'demo', '/').href).toBe('https://api.example.com/');
  });

  it.each([
    ['http://api.example.com', 'must use https'],
    ['ftp://127.0.0.1', 'must use https'],
    ['https://u:p@api.example.com', 'user name'],
    ['https://api.example.com/?q=1', 'query'],
    ['nonsense', 'invalid base URL'],
  ])('a profile base URL %s is a CONFIG_INVALID error', (baseUrl, words) => {
    expect(() => parseApiBase({ name: 'x', baseUrl })).toThrowError(
      expect.objectContaining({ code: 'CONFIG_INVALID' }),
    );
    expect(() => parseApiBase({ name: 'x', baseUrl })).toThrow(words);
  });
});

describe('header filters', () => {
  it('keeps safe request headers, lower-cased', () => {
    expect(checkRequestHeaders({ Accept: 'a', 'X-Trace-Id': 't', 'If-Match': '"e"' })).toEqual({
      accept: 'a',
      'x-trace-id': 't',
      'if-match': '"e"',
    });
  });

  it('refuses the same header given twice with different case', () => {
    expect(() => checkRequestHeaders({ 'x-a': '1', 'X-A': '2' })).toThrowError(
      expect.objectContaining({ code: 'HEADER_NOT_ALLOWED' }),
    );
  });

  it('shows only safe response headers, values redacted', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln';
    expect(
      filterResponseHeaders({
        'content-type': 'application/json',
        'set-cookie': ['a=b'],
        'x-amz-cf-id': 'abc',
        'x-auth-token': 'secret',
        'x-debug': `Bearer ${jwt}`,
        server: 'nginx',
      }),
    ).toEqual({ 'content-type': 'application/json', 'x-amz-cf-id': 'abc', 'x-debug': 'Bearer [REDACTED]' });
  });

  it('redacts a password in URL userinfo and a percent-encoded code in a redirect location', () => {
    const userinfo = filterResponseHeaders({ location: 'https://user:s3cretPassw0rd@proxy.example:8080/' });
    expect(userinfo['location']).toContain('proxy.example:8080');
    expect(userinfo['location']).not.toContain('s3cretPassw0rd');
    const encoded = filterResponseHeaders({
      location: 'https://app.example/next?to=https%3A%2F%2Fidp.example%2Fcb%3Fcode%3Dabc123xyz',
    });
    expect(encoded['location']).toContain('app.example/next');
    expect(encoded['location']).not.toContain('abc123xyz');
  });
});

describe('the redaction pre-check for response headers', () => {
  it('never skips a value that redact() would change', () => {
    const samples = [
      'Bearer abc',
      'basic dXNlcjpwYXNz',
      'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln',
      'a=1; access_token=xyz',
      '{"id_token":"x"}',
      'code=abc&state=def',
    ];
    for (const value of samples) {
      expect(redact(value)).not.toBe(value);
      expect(mayNeedRedaction(value), value).toBe(true);
    }
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc
            .array(
              fc.constantFrom('eyJ', 'a', '.', 'Bearer ', 'token', '=', '"', ':', ' ', 'code', 'state'),
              { maxLength: 8 },
            )
            .map((a) => a.join('')),
        ),
        (value) => mayNeedRedaction(value) || redact(value) === value,
      ),
      { numRuns: 2000 },
    );
  });
});

describe('the plain-path fast path', () => {
  it('builds exactly what the URL parser builds, under the base path', () => {
    const base = [{ name: 'b', baseUrl: 'https://api.example.com/v1/' }];
    fc.assert(
      fc.property(
        fc.array(fc.stringMatching(/^[A-Za-z0-9_~-]{1,12}$/), { minLength: 1, maxLength: 6 }),
        fc.boolean(),
        (segments, trailingSlash) => {
          const path = `/${segments.join('/')}${trailingSlash ? '/' : ''}`;
          const href = resolveApiHref(base, 'b', path);
          expect(href).toBe(new URL(`https://api.example.com/v1${path}`).href);
          expect(href.startsWith('https://api.example.com/v1/')).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });
});
