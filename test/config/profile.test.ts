import { describe, expect, it } from 'vitest';
import { cognitoIssuer, parseProfile, sessionLifetimeMs } from '../../src/main/config/profile';
import { isLoopbackHost } from '../../src/shared/loopback';
import { AppError } from '../../src/shared/errors';

const base = {
  id: 'demo',
  label: 'Local demo',
  region: 'us-east-1',
  userPoolId: 'us-east-1_LocalPool1',
  clientId: 'localdemo0desktop0client01',
  domain: 'http://127.0.0.1:9229',
  issuer: 'http://127.0.0.1:9229/us-east-1_LocalPool1',
  scopes: ['openid', 'email', 'profile', 'aws.cognito.signin.user.admin'],
  redirect: {
    loopback: ['http://127.0.0.1:53682/callback', 'http://localhost:53684/callback'],
    customScheme: 'com.example.cognitodesktop:/callback',
    prefer: 'loopback',
  },
  signOutUrl: 'http://127.0.0.1:53682/signed-out',
  apis: [{ name: 'demo', baseUrl: 'http://127.0.0.1:9230' }],
  demo: true,
};

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof AppError ? e.code : 'not-app-error';
  }
  return undefined;
}

describe('profile schema', () => {
  it('accepts the demo profile as is', () => {
    const { profile, warnings } = parseProfile(base);
    expect(profile.issuer).toBe('http://127.0.0.1:9229/us-east-1_LocalPool1');
    expect(profile.redirect.loopback).toHaveLength(2);
    expect(warnings).toEqual([]);
  });

  it('derives the Cognito issuer from region and pool id when absent', () => {
    const { issuer: _omit, ...rest } = base;
    const { profile } = parseProfile({ ...rest, domain: 'https://x.auth.us-east-1.amazoncognito.com/' });
    expect(profile.issuer).toBe('https://cognito-idp.us-east-1.amazonaws.com/us-east-1_LocalPool1');
    expect(profile.issuer).toBe(cognitoIssuer('us-east-1', 'us-east-1_LocalPool1'));
    expect(profile.domain).toBe('https://x.auth.us-east-1.amazoncognito.com');
  });

  it('refuses http on non-loopback hosts for domain, issuer and APIs', () => {
    for (const patch of [
      { domain: 'http://auth.example.com' },
      { issuer: 'http://cognito.example.com/pool' },
      { apis: [{ name: 'demo', baseUrl: 'http://api.example.com' }] },
      { domain: 'http://127.0.0.1.example.com' },
    ]) {
      expect(codeOf(() => parseProfile({ ...base, ...patch }))).toBe('CONFIG_INVALID');
    }
    expect(isLoopbackHost('127.0.0.1')).toBe(true);
    expect(isLoopbackHost('127.1.2.3')).toBe(true);
    expect(isLoopbackHost('localhost')).toBe(true);
    expect(isLoopbackHost('[::1]')).toBe(true);
    expect(isLoopbackHost('127.0.0.1.nip.io')).toBe(false);
    expect(isLoopbackHost('10.0.0.1')).toBe(false);
  });

  it('refuses non-loopback or port-less loopback redirect URIs', () => {
    for (const uri of [
      'https://example.com/callback',
      'http://127.0.0.1/callback',
      'http://10.0.0.2:5000/cb',
    ]) {
      expect(codeOf(() => parseProfile({ ...base, redirect: { loopback: [uri] } }))).toBe('CONFIG_INVALID');
    }
  });

  it('accepts a client secret with a warning that does not contain it', () => {
    const { profile, warnings } = parseProfile({ ...base, clientSecret: 'SENTINEL-SECRET-123' });
    expect(profile.clientSecret).toBe('SENTINEL-SECRET-123');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('cannot keep a secret');
    expect(warnings[0]).not.toContain('SENTINEL-SECRET-123');
  });

  it('names the offending field and refuses unknown keys', () => {
    try {
      parseProfile({ ...base, userPoolId: 'nope' });
      expect.unreachable();
    } catch (e) {
      expect((e as AppError).code).toBe('CONFIG_INVALID');
      expect((e as AppError).message).toContain('userPoolId');
    }
    expect(codeOf(() => parseProfile({ ...base, extra: 1 }))).toBe('CONFIG_INVALID');
    expect(codeOf(() => parseProfile({ ...base, scopes: ['email'] }))).toBe('CONFIG_INVALID');
    expect(codeOf(() => parseProfile({ ...base, redirect: { loopback: [] } }))).toBe('CONFIG_INVALID');
    expect(
      codeOf(() =>
        parseProfile({ ...base, redirect: { loopback: base.redirect.loopback, prefer: 'custom-scheme' } }),
      ),
    ).toBe('CONFIG_INVALID');
    expect(
      codeOf(() =>
        parseProfile({
          ...base,
          apis: [
            { name: 'a', baseUrl: 'https://a.example.com' },
            { name: 'a', baseUrl: 'https://b.example.com' },
          ],
        }),
      ),
    ).toBe('CONFIG_INVALID');
  });

  it('defaults redirect.prefer to loopback and apis to []', () => {
    const { apis: _a, ...rest } = base;
    const { profile } = parseProfile({ ...rest, redirect: { loopback: ['http://127.0.0.1:1234/callback'] } });
    expect(profile.redirect.prefer).toBe('loopback');
    expect(profile.apis).toEqual([]);
  });
});

describe('sessionLifetime (the refresh token validity: when the session must end)', () => {
  it('reads a number and a unit', () => {
    const ms = (v: string) => sessionLifetimeMs(parseProfile({ ...base, sessionLifetime: v }).profile);
    expect(ms('30d')).toBe(30 * 86_400_000);
    expect(ms('12h')).toBe(12 * 3_600_000);
    expect(ms('90m')).toBe(90 * 60_000);
    expect(ms('60s')).toBe(60_000);
    expect(sessionLifetimeMs(parseProfile(base).profile)).toBeUndefined();
  });

  it('refuses other forms and more than Cognito allows, naming the field', () => {
    for (const bad of ['30', '0d', '1.5h', '30 d', '3651d', '1w']) {
      expect(() => parseProfile({ ...base, sessionLifetime: bad })).toThrow(/sessionLifetime/);
    }
  });
});
