import { describe, expect, it } from 'vitest';
import { parseProfile, type ResolvedProfile } from '../../src/main/config/profile';
import { confirmationText, describeProfileChange } from '../../src/main/config/profile-change-confirmation';

/**
 * Which profile changes need the person's confirmation in main (issue 24 item 1), and what the
 * native dialog says: the environment, every origin it will talk to, and the sign-out.
 */
const input = {
  id: 'corp',
  label: 'Example Corp',
  region: 'eu-west-1',
  userPoolId: 'eu-west-1_AbCdEf123',
  clientId: 'client0000000000000000001',
  domain: 'https://login.example.com',
  scopes: ['openid'],
  redirect: { loopback: ['http://127.0.0.1:53682/callback'], prefer: 'loopback' },
  apis: [{ name: 'orders', baseUrl: 'https://api.example.com' }],
};
const profile = (changes: Record<string, unknown> = {}): ResolvedProfile =>
  parseProfile({ ...input, ...changes }).profile;

describe('profile changes that need a confirmation in main', () => {
  it('each field that decides where tokens or credentials go, changed on its own', () => {
    const cases: Array<[string, Record<string, unknown>]> = [
      ['issuer', { issuer: 'https://evil.example.net/pool' }],
      ['domain', { domain: 'https://evil.example.net' }],
      ['clientId', { clientId: 'client0000000000000000002' }],
      ['clientSecret', { clientSecret: 's3cr3t' }],
      ['apis', { apis: [{ name: 'orders', baseUrl: 'https://evil.example.net' }] }],
      ['apis', { apis: [{ name: 'orders', baseUrl: 'https://api.example.com', token: 'id' }] }],
      ['proxy', { network: { proxy: { url: 'http://proxy.example.net:3128' } } }],
    ];
    for (const [field, change] of cases) {
      expect(describeProfileChange(profile(), profile(change), true)).toMatchObject({
        kind: 'edit',
        changed: [field],
        signsOut: true,
      });
    }
  });

  it('a new environment always asks; a label or scope change does not', () => {
    expect(describeProfileChange(undefined, profile())).toMatchObject({
      kind: 'add',
      origins: [
        'https://cognito-idp.eu-west-1.amazonaws.com',
        'https://login.example.com',
        'https://api.example.com',
      ],
    });
    expect(
      describeProfileChange(profile(), profile({ label: 'Renamed', scopes: ['openid', 'email'] })),
    ).toBeUndefined();
  });

  it('the dialog names the environment, the origins and the sign-out, in English and German, never the secret', () => {
    const request = describeProfileChange(
      profile(),
      profile({ clientSecret: 'sup3r-s3cr3t', network: { proxy: { url: 'http://proxy.example.net:3128' } } }),
      true,
    );
    if (!request) throw new Error('expected a request');
    const en = confirmationText(request, 'en');
    expect(en.message).toBe('Change where "Example Corp" signs in and sends requests?');
    expect(en.detail).toContain('Changed: client secret, proxy.');
    expect(en.detail).toContain('  http://proxy.example.net:3128');
    expect(en.detail).toContain('saving signs you out first');
    const de = confirmationText(request, 'de');
    expect(de.message).toBe('Ändern, wo sich „Example Corp“ anmeldet und wohin Anfragen gehen?');
    expect(de.detail).toContain('Beim Speichern werden Sie zuerst abgemeldet.');
    expect(de.apply).toBe('Übernehmen');
    for (const text of [en, de]) expect(JSON.stringify(text)).not.toContain('sup3r');
  });
});
