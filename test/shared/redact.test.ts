/**
 * redact(): what it must hide (URL userinfo passwords in any scheme, plain or percent-encoded;
 * secret key=value pairs in query, form, fragment, CLI and free-text style; JSON, single-quoted and
 * escaped-JSON pairs), what it must keep (the username, the host, harmless text), that a second
 * pass changes nothing, and that mayNeedRedaction() never says "no" to a text redact() would change.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { mayNeedRedaction, redact, redactValue, REDACTED } from '../../src/shared/redact';

/** Opaque secrets: no JWT shape, no dots, no separator redact() stops at; at least 8 characters. */
const opaque = fc
  .stringMatching(/^[A-Za-z0-9_~!*()+$-]{8,40}$/)
  .filter((s) => !s.startsWith('eyJ') && !/^(?:Bearer|Basic)$/i.test(s));
/** The same, percent-encoded in places (as a userinfo password must be when it holds @ : / ?). */
const encodedOpaque = fc
  .tuple(opaque, fc.constantFrom('%40', '%3A', '%2F', '%3F', '%23', '%25', '%20'), opaque)
  .map(([a, enc, b]) => `${a}${enc}${b}`);
const scheme = fc.constantFrom(
  'http',
  'https',
  'socks5',
  'socks5h',
  'ftp',
  'postgres',
  'redis',
  'git+ssh',
  'amqps',
);
const host = fc.constantFrom(
  'proxy.example:8080',
  'proxy.example',
  '127.0.0.1:3128',
  '[::1]:8888',
  'db.internal',
);
const username = fc.constantFrom('user', 'svc-build', 'alice%40corp.example', 'x-access-token', 'u');
const KEYS = ['password', 'client_secret', 'refresh_token', 'access_token', 'id_token', 'code'] as const;
const key = fc.constantFrom(...KEYS);

describe('redact(): URL userinfo', () => {
  it('hides the password of https://user:password@host, keeps the user and the host', () => {
    expect(redact('proxy is https://user:s3cretPassw0rd@proxy.example:8080/ now')).toBe(
      `proxy is https://user:${REDACTED}@proxy.example:8080/ now`,
    );
    expect(redact('HTTPS_PROXY=http://build:hunter2hunter2@10.0.0.1:3128')).not.toContain('hunter2');
    expect(redact('git remote: https://x-access-token:ghs_abcdef0123456789@github.com/o/r.git')).toBe(
      `git remote: https://x-access-token:${REDACTED}@github.com/o/r.git`,
    );
  });

  it('hides a password that holds an unencoded @ or : (up to the last @ of the authority)', () => {
    const out = redact('http://me:p@ss:w@rd99@proxy.example/');
    expect(out).toBe(`http://me:${REDACTED}@proxy.example/`);
  });

  it('hides the password in any scheme, plain or percent-encoded', () => {
    fc.assert(
      fc.property(scheme, username, fc.oneof(opaque, encodedOpaque), host, (s, u, pw, h) => {
        const url = `${s}://${u}:${pw}@${h}/path?x=1`;
        const out = redact(`connect ${url} failed`);
        expect(out).not.toContain(pw);
        expect(out).toBe(`connect ${s}://${u}:${REDACTED}@${h}/path?x=1 failed`);
      }),
      { numRuns: 400 },
    );
  });

  it('hides the password of a whole URL percent-encoded into another one (a query parameter)', () => {
    fc.assert(
      fc.property(scheme, username, fc.oneof(opaque, encodedOpaque), host, (s, u, pw, h) => {
        const inner = `${s}://${u}:${pw}@${h}/`;
        const encoded = encodeURIComponent(inner);
        const out = redact(`https://app.example/settings?proxy=${encoded}&x=1`);
        expect(out).not.toContain(encodeURIComponent(pw));
        expect(out).toContain(encodeURIComponent(`${s}://${u}:`));
        expect(out).toContain(`${encodeURIComponent(`@${h}/`)}&x=1`);
      }),
      { numRuns: 300 },
    );
  });

  it('leaves URLs without a password alone', () => {
    for (const text of [
      'https://proxy.example:8080/',
      'http://[::1]:8080/callback',
      'ssh://git@github.com/org/repo.git',
      'mailto:dana@corp.example',
      'git@github.com:org/repo.git',
      'http://127.0.0.1:9229/us-east-1_LocalPool1/.well-known/openid-configuration',
      'https://host.example/path/with:colon@sign?q=1',
      'see https://docs.example/a@b for details',
    ]) {
      expect(redact(text), text).toBe(text);
    }
  });
});

describe('redact(): secret key=value and "key": "value" pairs', () => {
  const separators = fc.constantFrom(
    ' ',
    '?',
    '&',
    ';',
    '#',
    '(',
    ',',
    '"',
    "'",
    '--',
    '[',
    '{',
    '/',
    '\t',
    '\n',
  );

  it('hides the value after any non-word character, in query, form, fragment and CLI style', () => {
    fc.assert(
      fc.property(
        key,
        opaque,
        separators,
        fc.constantFrom('', '&next=1', ' trailing', '"', "'", ',x'),
        (k, v, pre, post) => {
          const text = `start${pre}${k}=${v}${post}`;
          const out = redact(text);
          expect(out, text).not.toContain(v);
          expect(out).toContain(`${pre}${k}=${REDACTED}${post}`);
        },
      ),
      { numRuns: 600 },
    );
  });

  it('hides the value when the pair is percent-encoded inside another URL', () => {
    fc.assert(
      fc.property(key, opaque, (k, v) => {
        const inner = `https://app.example/cb?state=s1&${k}=${v}&x=1`;
        const out = redact(`https://idp.example/logout?redirect=${encodeURIComponent(inner)}`);
        expect(out).not.toContain(v);
        expect(out).toContain(`${k}%3D${REDACTED}%26x%3D1`);
      }),
      { numRuns: 200 },
    );
  });

  it('hides JSON, single-quoted and escaped-JSON values, strings and numbers', () => {
    fc.assert(
      fc.property(key, opaque, fc.constantFrom('', ' ', '  '), (k, v, sp) => {
        for (const [text, rest] of [
          [`{"${k}":${sp}"${v}","a":1}`, '"a":1}'],
          [`{'${k}':${sp}'${v}', 'a': 1}`, "'a': 1}"],
          [JSON.stringify({ body: JSON.stringify({ [k]: v, a: 1 }) }), '\\"a\\":1}"}'],
        ] as const) {
          const out = redact(text);
          expect(out, text).not.toContain(v);
          expect(out.endsWith(rest), out).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
    expect(redact('{"password": 12345678, "ok": true}')).toBe(`{"password": "${REDACTED}", "ok": true}`);
    expect(redact('{"code":123456}')).toBe(`{"code":"${REDACTED}"}`);
  });

  it('hides keys that end in token, secret or password (aws_session_token, db_password, x_client_secret)', () => {
    for (const [text, secret] of [
      ['AWS_SESSION_TOKEN=FQoGZXIvYXdzEJr1234567890', 'FQoGZXIvYXdzEJr1234567890'],
      ['db_password=Tr0ub4dor&3', 'Tr0ub4dor'],
      ['{"x_client_secret":"abcdef123456"}', 'abcdef123456'],
      ['--client-secret=abcdef123456', 'abcdef123456'],
    ] as const) {
      expect(redact(text), text).not.toContain(secret);
    }
  });

  it('keeps harmless text: other keys, words that merely contain a secret key, prose', () => {
    for (const text of [
      'zipcode=12345&country_code=DE',
      'error_code=InvalidParameterException',
      'token_type=Bearer&expires_in=3600',
      'grant_type=authorization_code&client_id=abc&redirect_uri=http%3A%2F%2F127.0.0.1%3A53682%2Fcallback',
      '{"token_type":"Bearer","expires_in":3600,"scope":"openid email"}',
      'The password must be at least 8 characters.',
      'Enter the code we sent you.',
      'passwords=3 codes:2 hints=4',
      'Use a strong password; never share your code.',
      'sign-in failed: IDP_UNREACHABLE (connect ECONNREFUSED 127.0.0.1:9229)',
      'user dana@corp.example signed in through ExampleCorpSSO',
    ]) {
      expect(redact(text), text).toBe(text);
    }
  });

  it('what it already did: JWTs, Bearer/Basic values, state and nonce pairs', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl';
    expect(redact(`got ${jwt}`)).toBe(`got ${REDACTED}`);
    expect(redact('Authorization: Bearer abc.def-ghi')).toBe(`Authorization: Bearer ${REDACTED}`);
    expect(redact('basic dXNlcjpwYXNz')).toBe(`basic ${REDACTED}`);
    expect(redact('?state=S1&nonce=N1&x=1')).toBe(`?state=${REDACTED}&nonce=${REDACTED}&x=1`);
    expect(redact('{"refreshToken": "rt\\"x"}')).toBe(`{"refreshToken": "${REDACTED}"}`);
  });
});

describe('redact(): stability and the pre-check', () => {
  const secretish = fc
    .array(
      fc.constantFrom(
        'https://',
        'socks5%3A%2F%2F',
        'u',
        ':',
        '%3A',
        'pw',
        '@',
        '%40',
        '/',
        '?',
        '&',
        '%26',
        '=',
        '%3D',
        'password',
        'code',
        'token',
        '"',
        "'",
        '\\"',
        ': ',
        ' ',
        'eyJ',
        '.',
        'Bearer ',
        'abc123',
      ),
      { maxLength: 14 },
    )
    .map((a) => a.join(''));

  it('a second pass changes nothing', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), secretish), (text) => {
        const once = redact(text);
        expect(redact(once)).toBe(once);
      }),
      { numRuns: 2000 },
    );
  });

  it('mayNeedRedaction() is true for every text redact() changes', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), secretish),
        (text) => mayNeedRedaction(text) || redact(text) === text,
      ),
      { numRuns: 3000 },
    );
    for (const text of ['http://u:pw123456@h/', 'x%3Fcode%3Dabc', "{'password': 'x'}"]) {
      expect(redact(text)).not.toBe(text);
      expect(mayNeedRedaction(text), text).toBe(true);
    }
  });

  it('redactValue(): string values under *token / *secret / *password keys are hidden, flags kept', () => {
    expect(
      redactValue({
        sessionToken: 'abc',
        dbPassword: 'x',
        hasRefreshToken: true,
        proxy: 'http://u:p4ssw0rd1@h/',
      }),
    ).toEqual({
      sessionToken: REDACTED,
      dbPassword: REDACTED,
      hasRefreshToken: true,
      proxy: `http://u:${REDACTED}@h/`,
    });
    expect(redactValue({ refresh_token: 42, code: { nested: 1 } })).toEqual({
      refresh_token: REDACTED,
      code: REDACTED,
    });
  });
});
