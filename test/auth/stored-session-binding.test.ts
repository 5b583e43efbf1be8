import keytar from 'keytar';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CHUNK_CHARS,
  createCredentialStore,
  keychainAccount,
  KEYCHAIN_SERVICE,
  sessionBindingOf,
  type SessionBinding,
} from '../../src/main/auth/credential-store';
import { compareBinding, encodeEnvelope, parseEnvelope } from '../../src/main/auth/credential-codec';
import { assertPrivateKeyring } from '../support/keyring-guard';

/**
 * Issue 24 item 1, the store's half: a stored session is bound to the issuer, token endpoint
 * origin and client id it was issued for (recorded in the keychain entry) and load(expected)
 * hands it only to a profile whose three values match exactly. Each field is changed on its own
 * here against the run's private gnome-keyring, inline and split (Windows) entry layouts alike.
 * The end-to-end attack against the local pool is renderer-steals-refresh-token.test.ts.
 */

let n = 0;
const uniqueProfile = () => `bind-${process.pid}-${Date.now()}-${n++}`;
const bound: SessionBinding = {
  issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123',
  tokenOrigin: 'https://login.example.com',
  clientId: 'client0000000000000000001',
};

beforeAll(() => assertPrivateKeyring());

describe('stored session bound to where it came from (issue 24 item 1)', () => {
  for (const layout of ['inline', 'split'] as const) {
    it(`records the binding in the ${layout} keychain entry and answers found only for an exact match`, async () => {
      const profileId = uniqueProfile();
      const options = {
        profileId,
        clientId: bound.clientId,
        ...(layout === 'split' ? { entryLimitChars: CHUNK_CHARS } : {}),
      };
      const store = createCredentialStore(options);
      await store.save({ refreshToken: `rt-${'x'.repeat(layout === 'split' ? 3000 : 10)}`, binding: bound });
      const head = await keytar.getPassword(KEYCHAIN_SERVICE, keychainAccount(profileId, bound.clientId));
      if (layout === 'inline') {
        expect(JSON.parse((JSON.parse(head as string) as { e: string }).e)).toMatchObject({
          b: { iss: bound.issuer, te: bound.tokenOrigin, cid: bound.clientId },
        });
      }
      expect(await createCredentialStore(options).load(bound)).toMatchObject({
        kind: 'found',
        credential: { binding: bound },
      });
      const changes: Array<[string, SessionBinding]> = [
        ['issuer', { ...bound, issuer: 'https://evil.example.net/eu-west-1_AbCdEf123' }],
        ['issuer, by a trailing slash', { ...bound, issuer: `${bound.issuer}/` }],
        ['token origin', { ...bound, tokenOrigin: 'https://login.example.com:8443' }],
        ['client id', { ...bound, clientId: 'client0000000000000000002' }],
      ];
      for (const [what, expected] of changes) {
        const loaded = await createCredentialStore(options).load(expected);
        expect({ what, kind: loaded.kind }).toEqual({ what, kind: 'mismatch' });
        expect(loaded).toMatchObject({ reason: 'mismatch', credential: { binding: bound } });
      }
      // Peeking without an expectation (tools) still reads it; the session always passes one.
      expect(await createCredentialStore(options).load()).toMatchObject({ kind: 'found' });
      await store.clear();
    });
  }

  it('an entry written before bindings existed is unbound: mismatch, never found', async () => {
    const profileId = uniqueProfile();
    const legacy = encodeEnvelope({ v: 1, rt: 'legacy-rt', t: 1 });
    await keytar.setPassword(
      KEYCHAIN_SERVICE,
      keychainAccount(profileId, bound.clientId),
      JSON.stringify({ v: 1, e: legacy }),
    );
    const store = createCredentialStore({ profileId, clientId: bound.clientId });
    expect(await store.load(bound)).toMatchObject({ kind: 'mismatch', reason: 'unbound' });
    await store.clear();
  });

  it('a binding that is present but broken makes the entry corrupt (removed), not unbound', async () => {
    expect(parseEnvelope('{"v":1,"rt":"r","t":1,"b":{"iss":"i","te":"","cid":"c"}}')).toBeUndefined();
    expect(parseEnvelope('{"v":1,"rt":"r","t":1,"b":"i"}')).toBeUndefined();
    const profileId = uniqueProfile();
    const account = keychainAccount(profileId, bound.clientId);
    await keytar.setPassword(
      KEYCHAIN_SERVICE,
      account,
      JSON.stringify({ v: 1, e: '{"v":1,"rt":"r","t":1,"b":{"iss":7}}' }),
    );
    expect(await createCredentialStore({ profileId, clientId: bound.clientId }).load(bound)).toEqual({
      kind: 'corrupt',
    });
    expect(await keytar.getPassword(KEYCHAIN_SERVICE, account)).toBeNull();
  });

  it('memory mode keeps and checks the binding the same way', async () => {
    const store = createCredentialStore({
      profileId: uniqueProfile(),
      clientId: bound.clientId,
      backend: () => Promise.reject(new Error('Cannot autolaunch D-Bus without X11 $DISPLAY')),
    });
    await store.save({ refreshToken: 'mem-rt', binding: bound });
    expect(store.storage.kind).toBe('memory');
    expect(await store.load(bound)).toMatchObject({ kind: 'found' });
    expect(await store.load({ ...bound, tokenOrigin: 'https://other.example.com' })).toMatchObject({
      kind: 'mismatch',
    });
  });

  it("a profile's expected binding is its issuer, its domain's origin and its client id", () => {
    expect(
      sessionBindingOf({
        issuer: bound.issuer,
        domain: 'https://login.example.com/',
        clientId: bound.clientId,
      }),
    ).toEqual(bound);
    expect(compareBinding(undefined, bound)).toBe('unbound');
    expect(compareBinding(bound, { ...bound })).toBe('match');
  });
});
