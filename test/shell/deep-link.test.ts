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

  it('never throws and never accepts arbitrary strings', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.webUrl(), fc.anything()), (value) => {
        const parsed = parseDeepLink(value, targets);
        if (parsed !== undefined) {
          expect(typeof value).toBe('string');
          expect(String(value).startsWith('com.example.cognitodesktop:/')).toBe(true);
        }
      }),
      { numRuns: 500 },
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
