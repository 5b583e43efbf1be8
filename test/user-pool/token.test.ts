import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { startUserPool, type RunningUserPool } from '../../tools/user-pool';
import { startCallbackServer, type CallbackServer } from './support/callback-server';
import { carolSignIn, usePoolWorld } from './support/pool-world';
import { exchangeCode, httpSignIn, signInForTokens, tokenRequest } from './support/http-sign-in';
import {
  ROTATING_CLIENT_ID,
  SECRET,
  SECRET_CLIENT_ID,
  testPoolDefinition,
  TEST_CLIENT_ID,
} from './support/pool-fixtures';

describe('/oauth2/token', () => {
  let pool: RunningUserPool;
  let callbacks: CallbackServer;
  usePoolWorld({}, (world) => ({ pool, callbacks } = world));

  afterEach(() => {
    vi.useRealTimers();
  });

  const carol = () => carolSignIn(callbacks);

  it('answers the code grant in Cognito shape, with Access-Control-Allow-Origin: *', async () => {
    const signIn = await httpSignIn(pool, carol());
    const res = await exchangeCode(pool, signIn, TEST_CLIENT_ID);
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(Object.keys(res.body).sort()).toEqual([
      'access_token',
      'expires_in',
      'id_token',
      'refresh_token',
      'token_type',
    ]);
    expect(res.body['token_type']).toBe('Bearer');
    expect(res.body['expires_in']).toBe(3600);
    // Cognito's refresh tokens are JWEs (five segments, RSA-OAEP + A256GCM) of ~1,700-1,800 chars.
    const rt = String(res.body['refresh_token']);
    expect(rt.split('.')).toHaveLength(5);
    expect(rt.length).toBeGreaterThanOrEqual(1700);
    expect(rt.length).toBeLessThanOrEqual(1800);
    expect(decodeProtectedHeader(rt)).toEqual({ cty: 'JWT', enc: 'A256GCM', alg: 'RSA-OAEP' });
  });

  it('access token: RS256, Cognito claims, no aud', async () => {
    const tokens = await signInForTokens(pool, carol());
    const header = decodeProtectedHeader(tokens.access_token);
    expect(header.alg).toBe('RS256');
    expect(header.kid).toBeTruthy();
    const claims = decodeJwt(tokens.access_token);
    expect(claims.aud).toBeUndefined();
    expect('aud' in claims).toBe(false);
    expect(claims['token_use']).toBe('access');
    expect(claims['client_id']).toBe(TEST_CLIENT_ID);
    expect(claims['username']).toBe('carol');
    expect(claims['cognito:groups']).toEqual(['admin', 'editors']);
    expect(claims['version']).toBe(2);
    expect(claims.iss).toBe(pool.issuer);
    expect(claims.sub).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    for (const name of ['origin_jti', 'event_id', 'jti']) {
      expect(claims[name]).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect(typeof claims['auth_time']).toBe('number');
    expect(String(claims['scope']).split(' ')).toContain('openid');
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(3600);
  });

  it('ID token: aud, token_use id, cognito:username, boolean email_verified, nonce, at_hash; another kid', async () => {
    const tokens = await signInForTokens(pool, carol());
    const claims = decodeJwt(tokens.id_token);
    expect(claims.aud).toBe(TEST_CLIENT_ID);
    expect(claims['token_use']).toBe('id');
    expect(claims['cognito:username']).toBe('carol');
    expect(claims['email']).toBe('carol@example.com');
    expect(claims['email_verified']).toBe(true);
    expect(claims['nonce']).toBe(tokens.signIn.nonce);
    expect(claims['custom:team']).toBe('blue');
    expect(claims['origin_jti']).toBe(decodeJwt(tokens.access_token)['origin_jti']);
    expect(typeof claims['auth_time']).toBe('number');
    // at_hash: left half of SHA-256 of the access token, base64url.
    const { createHash } = await import('node:crypto');
    const digest = createHash('sha256').update(tokens.access_token).digest();
    expect(claims['at_hash']).toBe(digest.subarray(0, 16).toString('base64url'));
    expect(decodeProtectedHeader(tokens.id_token).kid).not.toBe(
      decodeProtectedHeader(tokens.access_token).kid,
    );

    const dave = await signInForTokens(pool, { ...carol(), username: 'dave', password: 'Dave-test-1!' });
    const daveClaims = decodeJwt(dave.id_token);
    expect(daveClaims['email_verified']).toBe(false);
    expect(daveClaims['cognito:groups']).toBeUndefined();
    expect(decodeJwt(dave.access_token)['cognito:groups']).toBeUndefined();
  });

  it('no ID token without the openid scope', async () => {
    const tokens = await signInForTokens(pool, { ...carol(), scope: 'aws.cognito.signin.user.admin' });
    expect(tokens.id_token).toBeUndefined();
    expect(decodeJwt(tokens.access_token)['scope']).toBe('aws.cognito.signin.user.admin');
  });

  it('refresh grant: no refresh_token in the answer; auth_time and origin_jti stay, jti is new', async () => {
    const tokens = await signInForTokens(pool, carol());
    const res = await tokenRequest(pool, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token,
      client_id: TEST_CLIENT_ID,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(Object.keys(res.body).sort()).toEqual(['access_token', 'expires_in', 'id_token', 'token_type']);
    const before = decodeJwt(tokens.access_token);
    const after = decodeJwt(String(res.body['access_token']));
    expect(after['origin_jti']).toBe(before['origin_jti']);
    expect(after['auth_time']).toBe(before['auth_time']);
    expect(after['jti']).not.toBe(before['jti']);
    expect(decodeJwt(String(res.body['id_token']))['origin_jti']).toBe(before['origin_jti']);
    // The same refresh token keeps working (no rotation).
    const again = await tokenRequest(pool, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token,
      client_id: TEST_CLIENT_ID,
    });
    expect(again.status).toBe(200);
  });

  it('a client with rotation gets a new refresh token each time; the old one is then refused', async () => {
    const tokens = await signInForTokens(pool, { ...carol(), clientId: ROTATING_CLIENT_ID });
    const first = await tokenRequest(pool, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token,
      client_id: ROTATING_CLIENT_ID,
    });
    expect(first.status).toBe(200);
    const rotated = String(first.body['refresh_token']);
    expect(rotated).toBeTruthy();
    expect(rotated).not.toBe(tokens.refresh_token);
    const second = await tokenRequest(pool, {
      grant_type: 'refresh_token',
      refresh_token: rotated,
      client_id: ROTATING_CLIENT_ID,
    });
    expect(second.status).toBe(200);
    expect(second.body['refresh_token']).toBeTruthy();
    // Grace period 0: the replaced refresh token is refused at once.
    const old = await tokenRequest(pool, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token,
      client_id: ROTATING_CLIENT_ID,
    });
    expect(old.status).toBe(400);
    expect(old.body).toEqual({ error: 'invalid_grant' });
  });

  it('a rotated refresh token keeps the original absolute expiry', async () => {
    const cb = await startCallbackServer();
    const short = await startUserPool({
      definition: testPoolDefinition(cb.callbackUrl, cb.signedOutUrl, {
        refreshTokenRotation: true,
        refreshTokenValiditySeconds: 100,
      }),
    });
    try {
      const tokens = await signInForTokens(short, { ...carol(), redirectUri: cb.callbackUrl });
      const start = Date.now();
      vi.useFakeTimers({ toFake: ['Date'], now: start + 60_000 });
      const rotated = await tokenRequest(short, {
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token,
        client_id: TEST_CLIENT_ID,
      });
      expect(rotated.status).toBe(200);
      const next = String(rotated.body['refresh_token']);
      expect(await short.isRefreshTokenActive(next)).toBe(true);
      // 110 s after sign-in: past the first token's 100 s, though only 50 s after the rotation.
      vi.setSystemTime(start + 110_000);
      const late = await tokenRequest(short, {
        grant_type: 'refresh_token',
        refresh_token: next,
        client_id: TEST_CLIENT_ID,
      });
      expect(late.status).toBe(400);
      expect(late.body).toEqual({ error: 'invalid_grant' });
    } finally {
      vi.useRealTimers();
      await short.close();
      await cb.close();
    }
  });

  describe('invalid_grant', () => {
    it('for a code used twice, which also revokes what the code gave', async () => {
      const signIn = await httpSignIn(pool, carol());
      const first = await exchangeCode(pool, signIn, TEST_CLIENT_ID);
      expect(first.status).toBe(200);
      expect(await pool.isRefreshTokenActive(String(first.body['refresh_token']))).toBe(true);
      const reuse = await exchangeCode(pool, signIn, TEST_CLIENT_ID);
      expect(reuse.status).toBe(400);
      expect(reuse.body).toEqual({ error: 'invalid_grant' });
      expect(await pool.isRefreshTokenActive(String(first.body['refresh_token']))).toBe(false);
    });

    it('for a wrong code_verifier', async () => {
      const signIn = await httpSignIn(pool, carol());
      const wrong = await exchangeCode(pool, signIn, TEST_CLIENT_ID, { code_verifier: 'x'.repeat(43) });
      expect(wrong.status).toBe(400);
      expect(wrong.body).toEqual({ error: 'invalid_grant' });
    });

    it('for a missing code_verifier when the code had a challenge', async () => {
      const signIn = await httpSignIn(pool, carol());
      const res = await tokenRequest(pool, {
        grant_type: 'authorization_code',
        code: signIn.code,
        redirect_uri: signIn.redirectUri,
        client_id: TEST_CLIENT_ID,
      });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'invalid_grant' });
    });

    it('for another redirect_uri than the authorize one', async () => {
      const signIn = await httpSignIn(pool, carol());
      const res = await exchangeCode(pool, signIn, TEST_CLIENT_ID, {
        redirect_uri: 'com.example.cognitodesktop.test:/callback',
      });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'invalid_grant' });
    });

    it('for an unknown code and an unknown refresh token', async () => {
      const signIn = await httpSignIn(pool, carol());
      const code = await exchangeCode(pool, { ...signIn, code: 'not-a-code' }, TEST_CLIENT_ID);
      expect(code.body).toEqual({ error: 'invalid_grant' });
      const refresh = await tokenRequest(pool, {
        grant_type: 'refresh_token',
        refresh_token: 'not-a-refresh-token',
        client_id: TEST_CLIENT_ID,
      });
      expect(refresh.status).toBe(400);
      expect(refresh.body).toEqual({ error: 'invalid_grant' });
    });

    it('for a code older than 5 minutes (a code younger than that still works)', async () => {
      const young = await httpSignIn(pool, carol());
      const old = await httpSignIn(pool, carol());
      vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 4 * 60_000 });
      expect((await exchangeCode(pool, young, TEST_CLIENT_ID)).status).toBe(200);
      vi.setSystemTime(Date.now() + 61_000 + 1000);
      const res = await exchangeCode(pool, old, TEST_CLIENT_ID);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'invalid_grant' });
    });

    it('for a refresh token presented by another client', async () => {
      const tokens = await signInForTokens(pool, carol());
      const res = await tokenRequest(pool, {
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token,
        client_id: ROTATING_CLIENT_ID,
      });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'invalid_grant' });
    });

    it('for an expired refresh token', async () => {
      const tokens = await signInForTokens(pool, carol());
      vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 30 * 24 * 3600_000 + 60_000 });
      const res = await tokenRequest(pool, {
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token,
        client_id: TEST_CLIENT_ID,
      });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'invalid_grant' });
    });
  });

  describe('other errors', () => {
    it('unsupported_grant_type', async () => {
      const res = await tokenRequest(pool, { grant_type: 'password', client_id: TEST_CLIENT_ID });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'unsupported_grant_type' });
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
    });

    it('invalid_request for a missing code', async () => {
      const res = await tokenRequest(pool, {
        grant_type: 'authorization_code',
        client_id: TEST_CLIENT_ID,
        redirect_uri: callbacks.callbackUrl,
      });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'invalid_request' });
    });

    it('invalid_client (HTTP 400, no WWW-Authenticate, as Cognito) for an unknown client or a wrong secret', async () => {
      const unknown = await tokenRequest(pool, {
        grant_type: 'refresh_token',
        refresh_token: 'x',
        client_id: 'nosuch',
      });
      expect(unknown.status).toBe(400);
      expect(unknown.headers.get('www-authenticate')).toBeNull();
      expect(unknown.body).toEqual({ error: 'invalid_client' });
      const wrongSecret = await tokenRequest(
        pool,
        { grant_type: 'refresh_token', refresh_token: 'x' },
        { authorization: `Basic ${Buffer.from(`${SECRET_CLIENT_ID}:wrong`).toString('base64')}` },
      );
      expect(wrongSecret.status).toBe(400);
      expect(wrongSecret.headers.get('www-authenticate')).toBeNull();
      expect(wrongSecret.body).toEqual({ error: 'invalid_client' });
    });

    it('a confidential client authenticates with client_secret_basic', async () => {
      const signIn = await httpSignIn(pool, { ...carol(), clientId: SECRET_CLIENT_ID });
      const basic = `Basic ${Buffer.from(`${SECRET_CLIENT_ID}:${SECRET}`).toString('base64')}`;
      const res = await tokenRequest(
        pool,
        {
          grant_type: 'authorization_code',
          code: signIn.code,
          redirect_uri: signIn.redirectUri,
          code_verifier: signIn.verifier,
        },
        { authorization: basic },
      );
      expect(res.status).toBe(200);
      expect(decodeJwt(String(res.body['access_token']))['client_id']).toBe(SECRET_CLIENT_ID);
    });

    it('a confidential client authenticates with client_secret_post too', async () => {
      const signIn = await httpSignIn(pool, { ...carol(), clientId: SECRET_CLIENT_ID });
      const res = await exchangeCode(pool, signIn, SECRET_CLIENT_ID, { client_secret: SECRET });
      expect(res.status).toBe(200);
      const refresh = await tokenRequest(pool, {
        grant_type: 'refresh_token',
        refresh_token: String(res.body['refresh_token']),
        client_id: SECRET_CLIENT_ID,
        client_secret: 'wrong',
      });
      expect(refresh.status).toBe(400);
      expect(refresh.body).toEqual({ error: 'invalid_client' });
    });
  });

  it('token lifetimes follow the client definition, down to seconds', async () => {
    const cb = await startCallbackServer();
    const short = await startUserPool({
      definition: testPoolDefinition(cb.callbackUrl, cb.signedOutUrl, {
        accessTokenValiditySeconds: 5,
        idTokenValiditySeconds: 7,
      }),
    });
    try {
      const tokens = await signInForTokens(short, { ...carol(), redirectUri: cb.callbackUrl });
      const at = decodeJwt(tokens.access_token);
      const id = decodeJwt(tokens.id_token);
      expect((at.exp ?? 0) - (at.iat ?? 0)).toBe(5);
      expect((id.exp ?? 0) - (id.iat ?? 0)).toBe(7);
    } finally {
      await short.close();
      await cb.close();
    }
  });
});
