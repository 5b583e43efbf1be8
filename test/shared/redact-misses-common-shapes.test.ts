import { inspect } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mayNeedRedaction, redact, redactValue, REDACTED } from '../../src/shared/redact';

/**
 * Issue 24 item 4: redact() missed common shapes. In `key="value"` the value survived (a value
 * stopped at the quote), and key patterns matched only quoted keys, so these went through:
 * `client_secret="…"`, `--password="…"`, Node's util.inspect output (`{ refresh_token: '…' }`, also
 * inside an error message), `Cookie:` and `Set-Cookie:` header lines, `refresh_token: v`,
 * `code_verifier = v`, JSON array values and `Bearer%20…`. Each shape is generated here around
 * random secrets and random surrounding text; the secret must be gone, a second pass must change
 * nothing, and mayNeedRedaction() must not have said "nothing to do".
 */

const RUNS = { numRuns: 200 };
/** A distinctive start, so a secret is never part of the surrounding words by chance. */
const tagged = (body: fc.Arbitrary<string>) => body.map((b) => `Zq9${b}`);
/** Bare secrets: the characters tokens and verifiers use (RFC 7636 unreserved, base64url, JWE dots). */
const bare = tagged(fc.stringMatching(/^[A-Za-z0-9._~-]{8,60}$/));
/** Secrets a person types: spaces and punctuation included, no quote, backslash or line break. */
const typed = tagged(fc.stringMatching(/^[A-Za-z0-9 !#$%&()*+,./:;<=>?@^_{|}~-]{6,40}$/));
/** Anything printable, quotes and backslashes included (what util.inspect has to quote). */
const anything = tagged(fc.stringMatching(/^[\x20-\x7e]{6,40}$/));
const key = fc.constantFrom(
  'refresh_token',
  'access_token',
  'id_token',
  'client_secret',
  'password',
  'code_verifier',
);
const around = fc.constantFrom('', 'request failed: ', 'POST /oauth2/token ', '[session] ', 'debug ');
const after = fc.constantFrom('', ' (retrying)', '\nnext line', ', status 400', ' }');

function check(text: string, secret: string) {
  const out = redact(text);
  expect(out).not.toContain(secret);
  expect(out).toContain(REDACTED);
  expect(redact(out)).toBe(out);
  expect(mayNeedRedaction(text)).toBe(true);
}

describe('redact() misses common shapes (issue 24 item 4)', () => {
  it('key="value" and key=\'value\': the whole quoted value, spaces and separators included', () => {
    fc.assert(
      fc.property(key, typed, fc.constantFrom('"', "'"), around, after, (k, s, q, pre, post) => {
        check(`${pre}${k}=${q}${s}${q}${post}`, s);
      }),
      RUNS,
    );
  });

  it('--password="value" on a command line', () => {
    fc.assert(
      fc.property(
        typed,
        fc.constantFrom('"', "'"),
        fc.constantFrom('--password', '--client-secret', '--db-password'),
        (s, q, flag) => {
          check(`cognito-desktop ${flag}=${q}${s}${q} --verbose`, s);
        },
      ),
      RUNS,
    );
  });

  it("Node's util.inspect output of an object holding a secret, also inside an error message", () => {
    fc.assert(
      fc.property(key, anything, fc.boolean(), (k, s, nested) => {
        const value = nested ? { tokens: { [k]: s, expires_in: 3600 } } : { [k]: s, status: 400 };
        check(inspect(value), s);
        check(new Error(`refresh failed: ${inspect(value)}`).message, s);
        check(inspect(new Error(`refresh failed: ${inspect(value, { breakLength: Infinity })}`)), s);
      }),
      RUNS,
    );
  });

  it('Cookie: and Set-Cookie: header lines, every pair and attribute', () => {
    const cookieValue = tagged(fc.stringMatching(/^[A-Za-z0-9!#$%&'()*+./:<=>?@[\]^_`{|}~-]{8,40}$/));
    fc.assert(
      fc.property(cookieValue, fc.constantFrom('Cookie', 'cookie', 'Set-Cookie', 'set-cookie'), (s, name) => {
        check(`GET /api HTTP/1.1\r\n${name}: theme=dark; sid=${s}; lang=de\r\nAccept: */*`, s);
        check(`${name}: sid=${s}; Path=/; HttpOnly; Secure`, s);
      }),
      RUNS,
    );
  });

  it('refresh_token: value and code_verifier = value with the key unquoted', () => {
    fc.assert(
      fc.property(
        key,
        bare,
        fc.constantFrom(': ', ':', ' = ', ' =', '= '),
        around,
        after,
        (k, s, sep, pre, post) => {
          check(`${pre}${k}${sep}${s}${post}`, s);
        },
      ),
      RUNS,
    );
  });

  it('JSON array values under a secret key, compact or indented', () => {
    fc.assert(
      fc.property(
        key,
        fc.array(anything, { minLength: 1, maxLength: 3 }),
        fc.boolean(),
        (k, secrets, pretty) => {
          const text = JSON.stringify({ [k]: secrets, kept: 'yes' }, null, pretty ? 2 : undefined);
          const out = redact(text);
          for (const s of secrets) expect(out).not.toContain(s);
          expect(JSON.parse(out)).toEqual({ [k]: REDACTED, kept: 'yes' });
          expect(redact(out)).toBe(out);
        },
      ),
      RUNS,
    );
    expect(redactValue({ db_password: ['Zq9one-secret', 'Zq9two-secret'] })).toEqual({
      db_password: REDACTED,
    });
  });

  it('Bearer%20… and Bearer+… (percent- and form-encoded credentials)', () => {
    const token = tagged(fc.stringMatching(/^[A-Za-z0-9+/=._~-]{16,80}$/));
    fc.assert(
      fc.property(token, fc.constantFrom('Bearer', 'bearer', 'Basic'), (s, scheme) => {
        const encoded = encodeURIComponent(s);
        check(`https://api.example.com/proxy?auth=${scheme}%20${encoded}&next=1`, encoded);
        check(`header=Authorization%3A%20${scheme}%20${encoded}`, encoded);
        check(`auth=${scheme}+${encoded}&x=1`, encoded);
      }),
      RUNS,
    );
  });

  it('keeps harmless text that looks close: other keys, token_type, prose', () => {
    for (const text of [
      'token_type: Bearer',
      'expires_in: 3600',
      'the token expired at 10:30',
      'status: signed-in, reason: none',
      'Accept: */*',
      'zipcode=12345',
    ]) {
      expect(redact(text)).toBe(text);
    }
  });
});
