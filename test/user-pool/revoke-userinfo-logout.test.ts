import { decodeJwt } from 'jose';
import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';

import { startUserPool, type RunningUserPool } from '../../tools/user-pool';
import { startCallbackServer, type CallbackServer } from './support/callback-server';
import { carolSignIn, usePoolWorld } from './support/pool-world';
import { authorizeUrl, get, pkcePair, signInForTokens, tokenRequest } from './support/http-sign-in';
import { localVerifiers } from './support/verifiers';
import {
  NO_REVOKE_CLIENT_ID,
  SECRET,
  SECRET_CLIENT_ID,
  submitLogin,
  testPoolDefinition,
  TEST_CLIENT_ID,
} from './support/pool-fixtures';

describe('/oauth2/revoke, /oauth2/userInfo and /logout', () => {
  let pool: RunningUserPool;
  let callbacks: CallbackServer;
  let browser: Browser;
  usePoolWorld({ browser: true }, (world) => {
    ({ pool, callbacks } = world);
    browser = world.browser!;
  });

  const carol = (clientId = TEST_CLIENT_ID) => carolSignIn(callbacks, clientId);

  async function revoke(params: Record<string, string>, headers: Record<string, string> = {}) {
    const res = await fetch(`${pool.domain}/oauth2/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(params),
    });
    return { status: res.status, text: await res.text(), headers: res.headers };
  }

  async function userInfo(accessToken: string) {
    const res = await fetch(`${pool.domain}/oauth2/userInfo`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    const text = await res.text();
    return {
      status: res.status,
      headers: res.headers,
      body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
    };
  }

  describe('revoke', () => {
    it('revokes the refresh token and its family: userInfo refuses the access tokens, they still verify offline', async () => {
      const tokens = await signInForTokens(pool, carol());
      const refreshed = await tokenRequest(pool, {
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token,
        client_id: TEST_CLIENT_ID,
      });
      const laterAccess = String(refreshed.body['access_token']);
      expect((await userInfo(tokens.access_token)).status).toBe(200);
      expect(await pool.isRefreshTokenActive(tokens.refresh_token)).toBe(true);

      const res = await revoke({ token: tokens.refresh_token, client_id: TEST_CLIENT_ID });
      expect(res.status).toBe(200);
      expect(res.text).toBe('');
      expect(await pool.isRefreshTokenActive(tokens.refresh_token)).toBe(false);

      for (const at of [tokens.access_token, laterAccess]) {
        const info = await userInfo(at);
        expect(info.status).toBe(401);
        expect(info.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
      }
      const { access } = localVerifiers(pool, TEST_CLIENT_ID);
      await expect(access.verify(tokens.access_token)).resolves.toMatchObject({ username: 'carol' });

      const later = await tokenRequest(pool, {
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token,
        client_id: TEST_CLIENT_ID,
      });
      expect(later.status).toBe(400);
      expect(later.body).toEqual({ error: 'invalid_grant' });
    });

    it('leaves the same user’s other sign-ins alone', async () => {
      const first = await signInForTokens(pool, carol());
      const second = await signInForTokens(pool, carol());
      expect((await revoke({ token: first.refresh_token, client_id: TEST_CLIENT_ID })).status).toBe(200);
      expect(await pool.isRefreshTokenActive(second.refresh_token)).toBe(true);
      expect((await userInfo(second.access_token)).status).toBe(200);
    });

    it('lets a client revoke only its own refresh tokens (another client’s: 200, no effect)', async () => {
      const tokens = await signInForTokens(pool, carol());
      const other = await revoke(
        { token: tokens.refresh_token },
        { authorization: `Basic ${Buffer.from(`${SECRET_CLIENT_ID}:${SECRET}`).toString('base64')}` },
      );
      expect(other.status).toBe(200);
      expect(await pool.isRefreshTokenActive(tokens.refresh_token)).toBe(true);
    });

    it('answers 200 for an unknown or already revoked token', async () => {
      expect((await revoke({ token: 'no-such-token', client_id: TEST_CLIENT_ID })).status).toBe(200);
      const tokens = await signInForTokens(pool, carol());
      expect((await revoke({ token: tokens.refresh_token, client_id: TEST_CLIENT_ID })).status).toBe(200);
      expect((await revoke({ token: tokens.refresh_token, client_id: TEST_CLIENT_ID })).status).toBe(200);
    });

    it('answers unsupported_token_type for an access token (and leaves it alive)', async () => {
      const tokens = await signInForTokens(pool, carol());
      const res = await revoke({ token: tokens.access_token, client_id: TEST_CLIENT_ID });
      expect(res.status).toBe(400);
      expect(JSON.parse(res.text)).toEqual({ error: 'unsupported_token_type' });
      expect((await userInfo(tokens.access_token)).status).toBe(200);
    });

    it('answers invalid_request without token, or when the client has revocation disabled', async () => {
      const missing = await revoke({ client_id: TEST_CLIENT_ID });
      expect(missing.status).toBe(400);
      expect(JSON.parse(missing.text)).toEqual({ error: 'invalid_request' });
      const tokens = await signInForTokens(pool, carol(NO_REVOKE_CLIENT_ID));
      const disabled = await revoke({ token: tokens.refresh_token, client_id: NO_REVOKE_CLIENT_ID });
      expect(disabled.status).toBe(400);
      expect(JSON.parse(disabled.text)).toEqual({ error: 'invalid_request' });
      expect(await pool.isRefreshTokenActive(tokens.refresh_token)).toBe(true);
    });

    it('answers 401 invalid_client for bad client credentials', async () => {
      const res = await revoke(
        { token: 'whatever' },
        { authorization: `Basic ${Buffer.from(`${SECRET_CLIENT_ID}:not-${SECRET}`).toString('base64')}` },
      );
      expect(res.status).toBe(401);
      expect(JSON.parse(res.text)).toEqual({ error: 'invalid_client' });
    });

    it('admin revocation and global sign-out end refresh tokens server-side', async () => {
      const one = await signInForTokens(pool, carol());
      await pool.revokeRefreshToken(one.refresh_token);
      expect(await pool.isRefreshTokenActive(one.refresh_token)).toBe(false);

      const two = await signInForTokens(pool, carol());
      const three = await signInForTokens(pool, carol());
      const dave = await signInForTokens(pool, { ...carol(), username: 'dave', password: 'Dave-test-1!' });
      await pool.globalSignOut('carol');
      expect(await pool.isRefreshTokenActive(two.refresh_token)).toBe(false);
      expect(await pool.isRefreshTokenActive(three.refresh_token)).toBe(false);
      expect(await pool.isRefreshTokenActive(dave.refresh_token)).toBe(true);
      const refused = await tokenRequest(pool, {
        grant_type: 'refresh_token',
        refresh_token: two.refresh_token,
        client_id: TEST_CLIENT_ID,
      });
      expect(refused.body).toEqual({ error: 'invalid_grant' });
    });
  });

  describe('userInfo', () => {
    it('answers sub and the attributes the scopes allow, Cognito style', async () => {
      const tokens = await signInForTokens(pool, carol());
      const info = await userInfo(tokens.access_token);
      expect(info.status).toBe(200);
      expect(info.body).toEqual({
        sub: decodeJwt(tokens.access_token).sub,
        email: 'carol@example.com',
        email_verified: 'true',
        'custom:team': 'blue',
        username: 'carol',
      });
    });

    it('refuses an ID token, a garbled token, no token, and an access token without openid', async () => {
      const tokens = await signInForTokens(pool, carol());
      expect((await userInfo(tokens.id_token)).status).toBe(401);
      expect((await userInfo(`${tokens.access_token.slice(0, -4)}AAAA`)).status).toBe(401);
      expect((await userInfo('not.a.jwt')).status).toBe(401);
      // No Authorization header: the userInfo page's documented 400, header form included.
      const none = await fetch(`${pool.domain}/oauth2/userInfo`);
      expect(none.status).toBe(400);
      expect(none.headers.get('www-authenticate')).toBe(
        'error="invalid_request", error_description="Bad OAuth2 request at UserInfo Endpoint"',
      );
      expect(await none.json()).toEqual({ error: 'invalid_request' });
      const empty = await fetch(`${pool.domain}/oauth2/userInfo`, { headers: { authorization: 'Bearer' } });
      expect(empty.status).toBe(401);
      expect(empty.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
      const noOpenid = await signInForTokens(pool, { ...carol(), scope: 'aws.cognito.signin.user.admin' });
      expect((await userInfo(noOpenid.access_token)).status).toBe(403);
    });

    it('refuses an expired access token', async () => {
      const cb = await startCallbackServer();
      const short = await startUserPool({
        definition: testPoolDefinition(cb.callbackUrl, cb.signedOutUrl, { accessTokenValiditySeconds: 1 }),
      });
      try {
        const tokens = await signInForTokens(short, { ...carol(), redirectUri: cb.callbackUrl });
        const exp = decodeJwt(tokens.access_token).exp ?? 0;
        // Wait for the second to roll past exp (bounded: lifetime is 1 s).
        while (Date.now() / 1000 < exp + 1) await new Promise((r) => setTimeout(r, 200));
        const res = await fetch(`${short.domain}/oauth2/userInfo`, {
          headers: { authorization: `Bearer ${tokens.access_token}` },
        });
        expect(res.status).toBe(401);
      } finally {
        await short.close();
        await cb.close();
      }
    });
  });

  describe('/logout', () => {
    it('clears the Hosted UI session and redirects to the registered logout_uri; tokens stay valid', async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      try {
        const { challenge } = pkcePair();
        const params = {
          client_id: TEST_CLIENT_ID,
          response_type: 'code',
          redirect_uri: callbacks.callbackUrl,
          code_challenge: challenge,
          code_challenge_method: 'S256',
          state: 'one',
        };
        await page.goto(authorizeUrl(pool, params));
        await submitLogin(page, 'carol', 'Carol-test-1!');
        expect((await callbacks.next()).searchParams.get('code')).toBeTruthy();
        const tokens = await signInForTokens(pool, carol());

        await page.goto(
          `${pool.domain}/logout?client_id=${TEST_CLIENT_ID}&logout_uri=${encodeURIComponent(callbacks.signedOutUrl)}`,
        );
        const landed = await callbacks.next();
        expect(landed.pathname).toBe('/signed-out');
        const cookies = await context.cookies(pool.domain);
        expect(cookies.map((c) => c.name)).not.toContain('_session');

        // The next authorize shows the form again.
        await page.goto(authorizeUrl(pool, { ...params, state: 'two' }));
        expect(new URL(page.url()).pathname).toBe('/login');
        await expect(page.getByLabel('Username').count()).resolves.toBe(1);

        // /logout revoked nothing.
        expect(await pool.isRefreshTokenActive(tokens.refresh_token)).toBe(true);
        expect((await userInfo(tokens.access_token)).status).toBe(200);
      } finally {
        await context.close();
      }
    });

    it('with redirect_uri and response_type: clears, then shows the login page', async () => {
      const signIn = await signInForTokens(pool, carol());
      const jar = signIn.signIn.jar;
      expect(jar.cookies.has('_session')).toBe(true);
      const res = await get(
        `${pool.domain}/logout?client_id=${TEST_CLIENT_ID}&response_type=code&redirect_uri=${encodeURIComponent(callbacks.callbackUrl)}`,
        jar,
      );
      expect(res.status).toBe(302);
      expect(jar.cookies.has('_session')).toBe(false);
      const location = new URL(res.headers.get('location') ?? '', pool.domain);
      expect(location.pathname).toBe('/login');
      // Following it starts a fresh flow that asks for credentials.
      const login = await get(location.href, jar);
      const authorize = await get(new URL(login.headers.get('location') ?? '', pool.domain).href, jar);
      expect(new URL(authorize.headers.get('location') ?? '', pool.domain).pathname).toBe('/login');
    });

    const bad: Array<[string, string]> = [
      [
        'an unregistered logout_uri',
        `client_id=${TEST_CLIENT_ID}&logout_uri=${encodeURIComponent('http://127.0.0.1:1/other')}`,
      ],
      ['a missing client_id', `logout_uri=${encodeURIComponent('http://127.0.0.1:1/signed-out')}`],
      [
        'OIDC post_logout_redirect_uri',
        `client_id=${TEST_CLIENT_ID}&post_logout_redirect_uri=x&id_token_hint=y`,
      ],
      ['neither logout_uri nor redirect_uri', `client_id=${TEST_CLIENT_ID}`],
    ];
    for (const [name, query] of bad) {
      it(`sends ${name} to /error`, async () => {
        const res = await get(`${pool.domain}/logout?${query}`);
        expect(res.status).toBe(302);
        expect(new URL(res.headers.get('location') ?? '', pool.domain).pathname).toBe('/error');
      });
    }

    it('sends an unregistered logout_uri to /error in the browser too', async () => {
      const page = await browser.newPage();
      try {
        await page.goto(
          `${pool.domain}/logout?client_id=${TEST_CLIENT_ID}&logout_uri=${encodeURIComponent(`${callbacks.signedOutUrl}/`)}`,
        );
        expect(new URL(page.url()).pathname).toBe('/error');
      } finally {
        await page.close();
      }
    });
  });
});
