/**
 * The app side of federated sign-in, main process: profile `signInOptions` / `apis[].token`
 * validation, the authorize URL a chosen option produces, "Copy sign-in link" (the pending
 * attempt's URL completes that same attempt in another browser), and the clock-skew message.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { authorizeParamsFor } from '../../src/main/auth/sign-in-options';
import { createTokenVerifier } from '../../src/main/auth/token-verifier';
import { parseProfile } from '../../src/main/config/profile';
import { AppError } from '../../src/shared/errors';
import { startHarness, type Harness } from './support/harness';

const BASE = {
  id: 'p1',
  label: 'Test',
  region: 'us-east-1',
  userPoolId: 'us-east-1_AbC123',
  clientId: 'client01',
  domain: 'https://auth.example.com',
  scopes: ['openid'],
  redirect: { loopback: ['http://127.0.0.1:53682/callback'] },
};

function profileError(extra: Record<string, unknown>): string {
  try {
    parseProfile({ ...BASE, ...extra });
  } catch (err) {
    if (err instanceof AppError) return `${err.code}: ${err.message}`;
    throw err;
  }
  return 'valid';
}

describe('profile: signInOptions and apis[].token', () => {
  it('accepts one option without a provider, several options each naming one, and token access|id', () => {
    expect(profileError({ signInOptions: [{ label: 'Sign in' }] })).toBe('valid');
    expect(
      profileError({
        signInOptions: [
          { label: 'Sign in with Example Corp SSO', identityProvider: 'ExampleCorpSSO' },
          { label: 'Sign in with email and password', identityProvider: 'COGNITO' },
          { label: 'Sign in with my company email', idpIdentifier: 'corp.example' },
        ],
      }),
    ).toBe('valid');
    expect(profileError({ apis: [{ name: 'gw', baseUrl: 'https://api.example.com', token: 'id' }] })).toBe(
      'valid',
    );
  });

  it('refuses both names in one option, or none when there are several, naming the field', () => {
    expect(
      profileError({
        signInOptions: [{ label: 'x', identityProvider: 'ExampleCorpSSO', idpIdentifier: 'corp.example' }],
      }),
    ).toMatch(/^CONFIG_INVALID: Invalid profile field signInOptions\.0: .*not both/);
    expect(
      profileError({
        signInOptions: [{ label: 'SSO', identityProvider: 'ExampleCorpSSO' }, { label: 'Plain' }],
      }),
    ).toMatch(/^CONFIG_INVALID: Invalid profile field signInOptions\.1: /);
    expect(profileError({ signInOptions: [{ label: 'x', identityProvider: 'has space' }] })).toMatch(
      /signInOptions\.0\.identityProvider/,
    );
    expect(
      profileError({ apis: [{ name: 'gw', baseUrl: 'https://api.example.com', token: 'bearer' }] }),
    ).toMatch(/Invalid profile field apis\.0\.token/);
  });
});

describe('authorizeParamsFor: only the four Cognito parameters, from the option, loginHint and lang', () => {
  const profile = {
    signInOptions: [
      { label: 'SSO', identityProvider: 'ExampleCorpSSO' },
      { label: 'Domain', idpIdentifier: 'corp.example' },
    ],
    loginHint: true,
  };
  it('maps the chosen option, the last username (when the profile allows) and a well-formed lang', () => {
    expect(authorizeParamsFor(profile, { signInOption: 1, lang: 'de' }, 'alice')).toEqual({
      idp_identifier: 'corp.example',
      login_hint: 'alice',
      lang: 'de',
    });
    expect(authorizeParamsFor(profile, {}, undefined)).toEqual({ identity_provider: 'ExampleCorpSSO' });
    expect(authorizeParamsFor({ ...profile, loginHint: false }, { lang: 'x"y' }, 'alice')).toEqual({
      identity_provider: 'ExampleCorpSSO',
    });
    expect(authorizeParamsFor({}, {}, 'alice')).toEqual({});
  });
  it('an option the profile does not have is a typed error', () => {
    expect(() => authorizeParamsFor(profile, { signInOption: 5 }, undefined)).toThrow(
      expect.objectContaining({ code: 'IPC_INVALID_ARGUMENT' }),
    );
  });
});

describe('sign-in options on the authorize URL, and the copied sign-in link', { timeout: 60_000 }, () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  it('the chosen option adds identity_provider / idp_identifier (and lang), never replacing the flow parameters', async () => {
    h.mode = 'ignore';
    const session = h.newSession({
      profile: {
        ...h.profile,
        signInOptions: [
          { label: 'Password', identityProvider: 'COGNITO' },
          { label: 'Corp', idpIdentifier: 'corp.example' },
        ],
      },
    });
    try {
      const before = h.opened.length;
      const pendingA = session.signIn({ signInOption: 1, lang: 'de' }).catch((e: unknown) => e);
      await expect.poll(() => h.opened.length).toBeGreaterThan(before);
      const url = new URL(h.opened.at(-1)!);
      expect(url.searchParams.get('idp_identifier')).toBe('corp.example');
      expect(url.searchParams.get('identity_provider')).toBeNull();
      expect(url.searchParams.get('lang')).toBe('de');
      expect(url.searchParams.get('code_challenge_method')).toBe('S256');
      // The link is exactly what the browser got, and carries no verifier.
      const link = await session.signInLink();
      expect(link).toBe(h.opened.at(-1));
      expect(link).not.toMatch(/code_verifier/);
      await session.cancelSignIn();
      await pendingA;
      await expect(session.signInLink()).resolves.toBeNull();
    } finally {
      await session.dispose();
      h.mode = 'login';
    }
  });

  it('"Copy sign-in link": the copied URL, opened in another browser, completes the same pending attempt', async () => {
    h.mode = 'ignore';
    const session = h.newSession({
      profile: { ...h.profile, signInOptions: [{ label: 'Password', identityProvider: 'COGNITO' }] },
    });
    const context = await h.browser.newContext();
    try {
      const before = h.opened.length;
      const signedIn = session.signIn({});
      signedIn.catch(() => undefined);
      await expect.poll(() => h.opened.length).toBeGreaterThan(before);
      const link = await session.signInLink();
      expect(new URL(link!).searchParams.get('identity_provider')).toBe('COGNITO');
      const page = await context.newPage();
      await page.goto(link!);
      await page.getByLabel('Username').fill('alice');
      await page.getByLabel('Password').fill('Alice-demo-1!');
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      const state = await signedIn;
      expect(state).toMatchObject({ status: 'signed-in', user: { username: 'alice' } });
    } finally {
      await context.close();
      await session.signOut({ endHostedUiSession: false }).catch(() => undefined);
      await session.dispose();
      h.mode = 'login';
    }
  });
});

describe('ID token iat beyond the allowed skew: the error says the clock is off, and by about how much', () => {
  let server: Server;
  let jwksUri: URL;
  let key: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
  const ISSUER = 'http://127.0.0.1/us-east-1_Skew0001';

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    key = pair.privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    server = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    jwksUri = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`);
  });
  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
  });

  const idToken = (iatSeconds: number) =>
    new SignJWT({ token_use: 'id', 'cognito:username': 'alice' })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer(ISSUER)
      .setAudience('client01')
      .setSubject('sub-1')
      .setIssuedAt(iatSeconds)
      .setExpirationTime(iatSeconds + 3600)
      .sign(key);

  const verifierAt = (offsetMs: number) =>
    createTokenVerifier({
      issuer: ISSUER,
      clientId: 'client01',
      jwksUri,
      now: () => Date.now() + offsetMs,
      timeoutMs: 2000,
    });

  it('a computer 20 minutes slow: "about 20 minutes behind"', async () => {
    const token = await idToken(Math.floor(Date.now() / 1000));
    await expect(verifierAt(-20 * 60_000).verifyIdToken(token)).rejects.toMatchObject({
      code: 'TOKEN_INVALID',
      message: expect.stringMatching(/clock is about 20 minutes behind/),
    });
  });

  it('a computer 3 hours fast: "about 3 hours ahead of"', async () => {
    const token = await idToken(Math.floor(Date.now() / 1000));
    await expect(verifierAt(3 * 3600_000).verifyIdToken(token)).rejects.toMatchObject({
      message: expect.stringMatching(/clock is about 3 hours ahead of/),
    });
  });

  it('within the tolerance the token is accepted; a bad signature stays a plain validation error', async () => {
    const token = await idToken(Math.floor(Date.now() / 1000));
    await expect(verifierAt(-60_000).verifyIdToken(token)).resolves.toMatchObject({ username: 'alice' });
    const tampered = `${token.slice(0, -4)}AAAA`;
    await expect(verifierAt(-20 * 60_000).verifyIdToken(tampered)).rejects.toMatchObject({
      message: 'The ID token from the sign-in service failed validation.',
    });
  });
});
