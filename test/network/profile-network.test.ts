import { describe, expect, it } from 'vitest';
import { parseProfile, type ProfileInput } from '../../src/main/config/profile';
import { AppError } from '../../src/shared/errors';

/** The profile's `network.proxy`: "system" by default, or a pinned { url, bypass }; bad values refused. */
const base: ProfileInput = {
  id: 'corp',
  label: 'Corp',
  region: 'eu-west-1',
  userPoolId: 'eu-west-1_AbCdEf123',
  clientId: 'abc123',
  domain: 'https://login.example.com',
  scopes: ['openid'],
  redirect: { loopback: ['http://127.0.0.1:53682/callback'], prefer: 'loopback' },
};

function refusal(input: unknown): string {
  try {
    parseProfile(input);
  } catch (err) {
    if (err instanceof AppError) return `${err.code}: ${err.message}`;
    throw err;
  }
  return 'accepted';
}

describe('profile network.proxy', () => {
  it('defaults to the system settings', () => {
    expect(parseProfile(base).profile.network).toEqual({ proxy: 'system' });
    expect(parseProfile({ ...base, network: {} }).profile.network).toEqual({ proxy: 'system' });
  });

  it('accepts a pinned proxy with a bypass list', () => {
    const { profile } = parseProfile({
      ...base,
      network: {
        proxy: { url: 'http://proxy.corp.example:3128', bypass: ['.corp.example', '<local>', '10.0.0.1'] },
      },
    });
    expect(profile.network.proxy).toEqual({
      url: 'http://proxy.corp.example:3128',
      bypass: ['.corp.example', '<local>', '10.0.0.1'],
    });
    expect(
      parseProfile({ ...base, network: { proxy: { url: 'https://proxy.corp.example' } } }).profile.network
        .proxy,
    ).toEqual({ url: 'https://proxy.corp.example', bypass: [] });
  });

  it.each([
    [{ proxy: { url: 'socks5://proxy:1080' } }, 'must be http://host:port'],
    [{ proxy: { url: 'http://user:secret@proxy:3128' } }, 'must not contain credentials'],
    [{ proxy: { url: 'http://proxy:3128/path' } }, 'just scheme, host and port'],
    [{ proxy: { url: 'http://proxy:3128', bypass: ['a b'] } }, 'bypass'],
    [{ proxy: 'direct' }, 'network.proxy'],
    [{ proxy: 'system', extra: 1 }, 'network'],
  ])('refuses %j', (network, words) => {
    const text = refusal({ ...base, network });
    expect(text).toMatch(/^CONFIG_INVALID: Invalid profile field network/);
    expect(text).toContain(words);
    expect(text).not.toContain('secret');
  });
});
