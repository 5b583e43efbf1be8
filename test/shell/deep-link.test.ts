import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findDeepLinkInArgv, parseDeepLink } from '../../src/main/deep-link';

const targets = {
  callback: 'com.example.cognitodesktop:/callback',
  signedOut: 'com.example.cognitodesktop:/signed-out',
};

describe('deep-link parsing', () => {
  it('accepts a callback with code and state and keeps the parameters', () => {
    const link = parseDeepLink('com.example.cognitodesktop:/callback?code=abc-123&state=xyz_789', targets);
    expect(link?.kind).toBe('callback');
    if (link?.kind !== 'callback') return;
    expect(link.params.get('code')).toBe('abc-123');
    expect(link.params.get('state')).toBe('xyz_789');
    expect(link.redirectUri).toBe(targets.callback);
  });

  it('accepts an error callback (user cancelled at the Hosted UI)', () => {
    const link = parseDeepLink('com.example.cognitodesktop:/callback?error=access_denied&state=s1', targets);
    expect(link?.kind).toBe('callback');
  });

  it('accepts the sign-out link only without a query', () => {
    expect(parseDeepLink('com.example.cognitodesktop:/signed-out', targets)?.kind).toBe('signed-out');
    expect(parseDeepLink('com.example.cognitodesktop:/signed-out?next=https://evil.example', targets)).toBe(
      undefined,
    );
  });

  it.each([
    ['other scheme', 'com.example.other:/callback?code=a&state=b'],
    ['look-alike scheme', 'com.example.cognitodesktop.evil:/callback?code=a&state=b'],
    ['host form instead of path form', 'com.example.cognitodesktop://callback?code=a&state=b'],
    ['other path', 'com.example.cognitodesktop:/callback/extra?code=a&state=b'],
    ['trailing slash', 'com.example.cognitodesktop:/callback/?code=a&state=b'],
    ['unknown parameter', 'com.example.cognitodesktop:/callback?code=a&state=b&redirect=https://x'],
    ['duplicate code', 'com.example.cognitodesktop:/callback?code=a&code=b&state=c'],
    ['duplicate state', 'com.example.cognitodesktop:/callback?code=a&state=b&state=c'],
    ['no state', 'com.example.cognitodesktop:/callback?code=a'],
    ['nothing', 'com.example.cognitodesktop:/callback'],
    ['fragment', 'com.example.cognitodesktop:/callback?code=a&state=b#frag'],
    ['credentials', 'com.example.cognitodesktop://user:pw@callback?code=a&state=b'],
    ['space (argument injection)', 'com.example.cognitodesktop:/callback?code=a&state=b --gpu-launcher=calc'],
    ['quote', 'com.example.cognitodesktop:/callback?code=a"&state=b'],
    ['newline', 'com.example.cognitodesktop:/callback?code=a\n&state=b'],
    ['switch', '--inspect=9229'],
    ['https URL', 'https://127.0.0.1/callback?code=a&state=b'],
    ['too long', `com.example.cognitodesktop:/callback?code=${'a'.repeat(5000)}&state=b`],
  ])('refuses %s', (_name, raw) => {
    expect(parseDeepLink(raw, targets)).toBeUndefined();
  });

  it('refuses a callback when the profile has no custom-scheme redirect', () => {
    expect(parseDeepLink('com.example.cognitodesktop:/callback?code=a&state=b', {})).toBeUndefined();
  });

  it('never throws, and accepts an arbitrary string only when it is our scheme', () => {
    let accepted = 0;
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.webUrl(), fc.anything()), (value) => {
        const parsed = parseDeepLink(value, targets);
        if (parsed === undefined) return;
        accepted++;
        expect(typeof value).toBe('string');
        expect(String(value).startsWith('com.example.cognitodesktop:/')).toBe(true);
      }),
      { numRuns: 500 },
    );
    // Random strings essentially never form one of our links: this property is the "never throws"
    // half; the generated links below are the half that must parse.
    expect(accepted).toBe(0);
  });

  // Values a real redirect carries: URL-safe characters, percent-encoded when needed.
  const paramValue = fc.string({ minLength: 1, maxLength: 64, unit: 'grapheme' });
  const callbackParams = fc.oneof(
    fc.record({ code: paramValue, state: paramValue }, { requiredKeys: ['code', 'state'] }),
    fc.record(
      { code: paramValue, state: paramValue, iss: fc.webUrl() },
      { requiredKeys: ['code', 'state', 'iss'] },
    ),
    fc.record(
      {
        error: fc.constantFrom('access_denied', 'invalid_request', 'server_error'),
        state: paramValue,
        error_description: paramValue,
      },
      { requiredKeys: ['error'] },
    ),
  );
  const linkOf = (params: Record<string, string>) =>
    `${targets.callback}?${new URLSearchParams(Object.entries(params)).toString()}`;

  it('accepts every well-formed callback, in any parameter order, and hands back exactly its parameters', () => {
    fc.assert(
      fc.property(callbackParams, fc.boolean(), (params, reversed) => {
        const entries = Object.entries(params);
        const raw = linkOf(Object.fromEntries(reversed ? entries.reverse() : entries));
        const parsed = parseDeepLink(raw, targets);
        expect(parsed?.kind, raw).toBe('callback');
        if (parsed?.kind !== 'callback') return;
        expect(parsed.redirectUri).toBe(targets.callback);
        expect(Object.fromEntries(parsed.params)).toEqual(params);
        // The signed-out target never matches a callback link.
        expect(parseDeepLink(raw, { signedOut: targets.signedOut })).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });

  it('refuses each well-formed callback once one thing is wrong with it', () => {
    const spoil = fc.oneof(
      fc.record({
        kind: fc.constant('unknown parameter' as const),
        name: fc.stringMatching(/^[a-z_]{1,12}$/),
      }),
      fc.record({ kind: fc.constant('duplicate' as const) }),
      fc.record({
        kind: fc.constant('forbidden character' as const),
        char: fc.constantFrom(' ', '"', "'", '<', '>', '\\', '`', '\n', '\t', '\u0000'),
      }),
      fc.record({ kind: fc.constant('fragment' as const) }),
      fc.record({ kind: fc.constant('other path' as const), suffix: fc.constantFrom('/', '/x', 'x', '/..') }),
      fc.record({ kind: fc.constant('too long' as const) }),
    );
    fc.assert(
      fc.property(callbackParams, spoil, (params, fault) => {
        const good = linkOf(params);
        let raw: string;
        switch (fault.kind) {
          case 'unknown parameter':
            fc.pre(!['code', 'state', 'error', 'error_description', 'error_uri', 'iss'].includes(fault.name));
            raw = `${good}&${fault.name}=x`;
            break;
          case 'duplicate': {
            const [key, value] = Object.entries(params)[0]!;
            raw = `${good}&${key}=${encodeURIComponent(value)}`;
            break;
          }
          case 'forbidden character':
            raw = `${good}${fault.char}`;
            break;
          case 'fragment':
            raw = `${good}#x`;
            break;
          case 'other path':
            raw = good.replace('/callback?', `/callback${fault.suffix}?`);
            break;
          case 'too long':
            raw = `${good}&error_uri=${'a'.repeat(4096)}`;
            break;
        }
        expect(parseDeepLink(good, targets)?.kind).toBe('callback');
        expect(parseDeepLink(raw, targets), `${fault.kind}: ${raw}`).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });
});

describe('deep link in argv', () => {
  it('finds the one argument with our scheme, ignoring switches', () => {
    const argv = [
      '/opt/app/cognito-desktop',
      '--no-sandbox',
      'com.example.cognitodesktop:/callback?code=a&state=b',
    ];
    expect(findDeepLinkInArgv(argv)).toBe('com.example.cognitodesktop:/callback?code=a&state=b');
  });

  it('ignores argv without a link, and argv with two links', () => {
    expect(findDeepLinkInArgv(['/usr/bin/electron', '.', '--profile=x.json'])).toBeUndefined();
    expect(
      findDeepLinkInArgv([
        'app',
        'com.example.cognitodesktop:/callback?code=a&state=b',
        'com.example.cognitodesktop:/callback?code=c&state=d',
      ]),
    ).toBeUndefined();
  });

  it('does not pick up a switch that merely contains the scheme', () => {
    expect(
      findDeepLinkInArgv(['app', '--x=com.example.cognitodesktop:/callback?code=a&state=b']),
    ).toBeUndefined();
  });
});
