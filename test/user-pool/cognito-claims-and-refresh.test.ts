/**
 * Issue 18, items 1, 2, 3, 7 and 9 against the pool over HTTP: attributes per scope (ID token and
 * userInfo, ReadAttributes), rotation's retry grace period, Cognito-size JWE refresh tokens,
 * revocation-dependent jti/origin_jti and email_verified only when set, and the code lifetime.
 */
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startUserPool, type RunningUserPool } from '../../tools/user-pool';
import { startCallbackServer, type CallbackServer } from './support/callback-server';
import {
  erin,
  fidelityPoolDefinition,
  frank,
  FULL_CLIENT_ID,
  GRACE_CLIENT_ID,
  GRACE_SECONDS,
  READ_CLIENT_ID,
} from './support/fidelity-fixtures';
import { exchangeCode, httpSignIn, signInForTokens, tokenRequest } from './support/http-sign-in';
import { NO_REVOKE_CLIENT_ID, ROTATING_CLIENT_ID } from './support/pool-fixtures';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('claims, refresh tokens and codes as Cognito issues them', () => {
  let pool: RunningUserPool;
  let callbacks: CallbackServer;

  beforeAll(async () => {
    callbacks = await startCallbackServer();
    pool = await startUserPool({
      definition: fidelityPoolDefinition(callbacks.callbackUrl, callbacks.signedOutUrl),
    });
  });
  afterAll(async () => {
    await pool?.close();
    await callbacks?.close();
  });

  const signIn = (user: { username: string; password: string }, clientId: string, scope?: string) =>
    signInForTokens(pool, {
      clientId,
      redirectUri: callbacks.callbackUrl,
      ...user,
      ...(scope !== undefined ? { scope } : {}),
    });
  const userInfo = async (accessToken: string) => {
    const res = await fetch(`${pool.domain}/oauth2/userInfo`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    return (await res.json()) as Record<string, unknown>;
  };
  const attributesOf = (claims: Record<string, unknown>) =>
    Object.keys(claims)
      .filter((k) => /^(email|phone|name|given_name|custom:)/.test(k))
      .sort();

  describe('attributes per scope (item 1)', () => {
    const cases: Array<[string, string[]]> = [
      [
        'openid',
        [
          'custom:team',
          'email',
          'email_verified',
          'given_name',
          'name',
          'phone_number',
          'phone_number_verified',
        ],
      ],
      ['openid email', ['email', 'email_verified']],
      ['openid phone', ['phone_number', 'phone_number_verified']],
      ['openid profile', ['custom:team', 'given_name', 'name']],
      ['openid email phone', ['email', 'email_verified', 'phone_number', 'phone_number_verified']],
    ];
    for (const [scope, expected] of cases) {
      it(`scope "${scope}": the ID token and userInfo carry exactly ${expected.join(', ')}`, async () => {
        const tokens = await signIn(erin, FULL_CLIENT_ID, scope);
        const id = decodeJwt(tokens.id_token);
        expect(attributesOf(id)).toEqual(expected);
        const info = await userInfo(tokens.access_token);
        expect(attributesOf(info)).toEqual(expected);
        expect(info['username']).toBe('erin');
        if (expected.includes('phone_number_verified')) {
          expect(id['phone_number_verified']).toBe(false); // a boolean in the ID token
          expect(info['phone_number_verified']).toBe('false'); // a string from userInfo
        }
      });
    }

    it('aws.cognito.signin.user.admin changes nothing in userInfo', async () => {
      const plain = await signIn(erin, FULL_CLIENT_ID, 'openid email');
      const admin = await signIn(erin, FULL_CLIENT_ID, 'openid email aws.cognito.signin.user.admin');
      expect(attributesOf(await userInfo(admin.access_token))).toEqual(
        attributesOf(await userInfo(plain.access_token)),
      );
    });

    it("a client's readAttributes bound what it sees, whatever the scopes", async () => {
      const tokens = await signIn(erin, READ_CLIENT_ID, 'openid');
      expect(attributesOf(decodeJwt(tokens.id_token))).toEqual(['email', 'name']);
      expect(attributesOf(await userInfo(tokens.access_token))).toEqual(['email', 'name']);
    });
  });

  describe('refresh token rotation grace period (item 2)', () => {
    const refresh = (clientId: string, refreshToken: string, extra: Record<string, string> = {}) =>
      tokenRequest(pool, {
        grant_type: 'refresh_token',
        refresh_token: refreshToken,
        client_id: clientId,
        ...extra,
      });

    it(`within ${GRACE_SECONDS} s the rotated-away token still works; after it, invalid_grant for that token only`, async () => {
      const tokens = await signIn(erin, GRACE_CLIENT_ID);
      const first = await refresh(GRACE_CLIENT_ID, tokens.refresh_token);
      expect(first.status).toBe(200);
      const rt1 = String(first.body['refresh_token']);
      expect(rt1).not.toBe(tokens.refresh_token);
      // The response was "lost": the client retries with the old token inside the grace period.
      const retry = await refresh(GRACE_CLIENT_ID, tokens.refresh_token);
      expect(retry.status).toBe(200);
      const rt1b = String(retry.body['refresh_token']);
      // The first new token was not taken down by the retry.
      const viaRt1 = await refresh(GRACE_CLIENT_ID, rt1);
      expect(viaRt1.status).toBe(200);
      await sleep(GRACE_SECONDS * 1000 + 300);
      const late = await refresh(GRACE_CLIENT_ID, tokens.refresh_token);
      expect(late.status).toBe(400);
      expect(late.body).toEqual({ error: 'invalid_grant' });
      // Only that token: the family lives on.
      expect(await pool.isRefreshTokenActive(String(viaRt1.body['refresh_token']))).toBe(true);
      expect((await refresh(GRACE_CLIENT_ID, String(viaRt1.body['refresh_token']))).status).toBe(200);
      expect((await refresh(GRACE_CLIENT_ID, rt1b)).status).toBe(200);
    });

    it('refreshTokenRotation true: no grace, the old token is refused at once, the new one keeps working', async () => {
      const tokens = await signIn(erin, ROTATING_CLIENT_ID, 'openid email');
      const first = await refresh(ROTATING_CLIENT_ID, tokens.refresh_token);
      expect(first.status).toBe(200);
      const reuse = await refresh(ROTATING_CLIENT_ID, tokens.refresh_token);
      expect(reuse.body).toEqual({ error: 'invalid_grant' });
      expect((await refresh(ROTATING_CLIENT_ID, String(first.body['refresh_token']))).status).toBe(200);
    });

    it('scope on a refresh drops scopes the token does not hold instead of answering invalid_scope (item 8)', async () => {
      const tokens = await signIn(erin, FULL_CLIENT_ID, 'openid email profile');
      const narrowed = await refresh(FULL_CLIENT_ID, tokens.refresh_token, { scope: 'openid email phone' });
      expect(narrowed.status).toBe(200);
      expect(
        String(decodeJwt(String(narrowed.body['access_token']))['scope'])
          .split(' ')
          .sort(),
      ).toEqual(['email', 'openid']);
      const nothingHeld = await refresh(FULL_CLIENT_ID, tokens.refresh_token, { scope: 'phone' });
      expect(nothingHeld.status).toBe(200);
    });
  });

  it('refresh tokens are JWEs of 1,700-1,800 characters, opaque and distinct; a forged one is invalid_grant (item 3)', async () => {
    const tokens = await signIn(erin, ROTATING_CLIENT_ID, 'openid');
    const seen = [tokens.refresh_token];
    for (let i = 0; i < 4; i += 1) {
      const res = await tokenRequest(pool, {
        grant_type: 'refresh_token',
        refresh_token: seen[seen.length - 1] ?? '',
        client_id: ROTATING_CLIENT_ID,
      });
      seen.push(String(res.body['refresh_token']));
    }
    for (const rt of seen) {
      expect(rt).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\.[\w-]+\.[\w-]+$/);
      expect(rt.length).toBeGreaterThanOrEqual(1700);
      expect(rt.length).toBeLessThanOrEqual(1800);
      expect(decodeProtectedHeader(rt).alg).toBe('RSA-OAEP');
    }
    expect(new Set(seen).size).toBe(seen.length);
    const last = seen[seen.length - 1] ?? '';
    const forged = `${last.slice(0, -8)}AAAAAAAA`;
    const res = await tokenRequest(pool, {
      grant_type: 'refresh_token',
      refresh_token: forged,
      client_id: ROTATING_CLIENT_ID,
    });
    expect(res.body).toEqual({ error: 'invalid_grant' });
    expect(await pool.isRefreshTokenActive(last)).toBe(true);
  });

  it('jti and origin_jti only when token revocation is on (item 7)', async () => {
    const on = await signIn(erin, FULL_CLIENT_ID, 'openid');
    const off = await signIn(erin, NO_REVOKE_CLIENT_ID, 'openid');
    for (const token of [on.id_token, on.access_token]) {
      expect(decodeJwt(token)['jti']).toMatch(/^[0-9a-f-]{36}$/);
      expect(decodeJwt(token)['origin_jti']).toMatch(/^[0-9a-f-]{36}$/);
    }
    for (const token of [off.id_token, off.access_token]) {
      expect(decodeJwt(token)).not.toHaveProperty('jti');
      expect(decodeJwt(token)).not.toHaveProperty('origin_jti');
      expect(decodeJwt(token)['event_id']).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('email_verified only when set for the user (item 7)', async () => {
    const tokens = await signIn(frank, FULL_CLIENT_ID, 'openid email');
    const id = decodeJwt(tokens.id_token);
    expect(id['email']).toBe('frank@example.com');
    expect(id).not.toHaveProperty('email_verified');
    expect(await userInfo(tokens.access_token)).not.toHaveProperty('email_verified');
  });

  it('authorizationCodeValiditySeconds: an expired code is refused with invalid_grant (item 9)', async () => {
    const short = await startUserPool({
      definition: fidelityPoolDefinition(callbacks.callbackUrl, callbacks.signedOutUrl, {
        authorizationCodeValiditySeconds: 1,
      }),
    });
    try {
      const user = { clientId: FULL_CLIENT_ID, redirectUri: callbacks.callbackUrl, ...erin };
      const fresh = await httpSignIn(short, user);
      expect((await exchangeCode(short, fresh, FULL_CLIENT_ID)).status).toBe(200);
      const stale = await httpSignIn(short, user);
      await sleep(1_600);
      const res = await exchangeCode(short, stale, FULL_CLIENT_ID);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'invalid_grant' });
    } finally {
      await short.close();
    }
  });
});
