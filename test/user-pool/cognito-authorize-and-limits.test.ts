/**
 * Issue 18, items 5, 6 and 8 and the throttling section against the pool over HTTP (and Chromium
 * for prompt=login on the login page): prompt values, resource binding, the missing-redirect_uri
 * rule, and the UserAuthentication rate limit's answer.
 */
import { decodeJwt } from 'jose';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startUserPool, type RunningUserPool } from '../../tools/user-pool';
import { launchBrowser } from '../../tools/support/browser';
import { startCallbackServer, type CallbackServer } from './support/callback-server';
import {
  API_IDENTIFIER,
  DEFAULT_CLIENT_ID,
  erin,
  fidelityPoolDefinition,
  FULL_CLIENT_ID,
  SINGLE_CLIENT_ID,
} from './support/fidelity-fixtures';
import {
  authorizeUrl,
  CookieJar,
  exchangeCode,
  get,
  httpSignIn,
  pkcePair,
  signInForTokens,
  tokenRequest,
} from './support/http-sign-in';
import { submitLogin } from './support/pool-fixtures';

describe('authorize, resource binding and rate limits as Cognito answers them', () => {
  let pool: RunningUserPool;
  let callbacks: CallbackServer;
  let browser: Browser | undefined;

  beforeAll(async () => {
    callbacks = await startCallbackServer();
    pool = await startUserPool({
      definition: fidelityPoolDefinition(callbacks.callbackUrl, callbacks.signedOutUrl),
    });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await pool?.close();
    await callbacks?.close();
  });

  const params = (extra: Record<string, string | undefined> = {}) => ({
    client_id: FULL_CLIENT_ID,
    response_type: 'code',
    redirect_uri: callbacks.callbackUrl,
    scope: 'openid email',
    state: 'st',
    code_challenge: pkcePair().challenge,
    code_challenge_method: 'S256',
    ...extra,
  });
  /** A cookie jar holding a live Hosted UI session for erin. */
  const signedInJar = async () => {
    const jar = new CookieJar();
    await httpSignIn(pool, { clientId: FULL_CLIENT_ID, redirectUri: callbacks.callbackUrl, ...erin, jar });
    return jar;
  };
  const firstHop = async (extra: Record<string, string | undefined>, jar?: CookieJar) => {
    const res = await get(authorizeUrl(pool, params(extra)), jar);
    return new URL(res.headers.get('location') ?? '', pool.domain);
  };

  describe('prompt (item 5)', () => {
    for (const prompt of ['select_account', 'consent', 'select_account consent']) {
      it(`prompt=${prompt} is accepted; with a Hosted UI session it returns a code without the form`, async () => {
        const jar = await signedInJar();
        const hop = await firstHop({ prompt }, jar);
        expect(hop.href.startsWith(callbacks.callbackUrl)).toBe(true);
        expect(hop.searchParams.get('code')).toBeTruthy();
        // Without a session: the login form, as any sign-in.
        expect((await firstHop({ prompt })).pathname).toMatch(/^\/(login|oauth2\/authorize)/);
      });
    }

    it('prompt=none: a code with a session, login_required without one', async () => {
      const jar = await signedInJar();
      expect((await firstHop({ prompt: 'none' }, jar)).searchParams.get('code')).toBeTruthy();
      const without = await firstHop({ prompt: 'none' });
      expect(without.href.startsWith(callbacks.callbackUrl)).toBe(true);
      expect(without.searchParams.get('error')).toBe('login_required');
      expect(without.searchParams.get('state')).toBe('st');
    });

    it('an unknown prompt value is invalid_request', async () => {
      const hop = await firstHop({ prompt: 'login bogus' });
      expect(hop.searchParams.get('error')).toBe('invalid_request');
    });

    it('prompt=login in Chromium: the login form again despite the session, then a code', async () => {
      const context = await browser!.newContext();
      const page = await context.newPage();
      try {
        await page.goto(authorizeUrl(pool, params({ state: 'one' })));
        await submitLogin(page, erin.username, erin.password);
        expect((await callbacks.next()).searchParams.get('state')).toBe('one');
        // Same browser, session cookie set: prompt=login still shows the form.
        await page.goto(authorizeUrl(pool, params({ state: 'two', prompt: 'login consent' })));
        await page.getByLabel('Username').waitFor({ state: 'visible', timeout: 10_000 });
        expect(new URL(page.url()).pathname).toBe('/login');
        await submitLogin(page, erin.username, erin.password);
        const callback = await callbacks.next();
        expect(callback.searchParams.get('state')).toBe('two');
        expect(callback.searchParams.get('code')).toBeTruthy();
      } finally {
        await context.close();
      }
    });
  });

  describe('resource binding (item 6)', () => {
    it("resource=<registered identifier>: the access token's aud; refreshes keep it; the ID token's aud stays the client", async () => {
      const signIn = await httpSignIn(pool, {
        clientId: FULL_CLIENT_ID,
        redirectUri: callbacks.callbackUrl,
        ...erin,
        scope: `openid ${API_IDENTIFIER}/read`,
        resource: API_IDENTIFIER,
      });
      const tokens = await exchangeCode(pool, signIn, FULL_CLIENT_ID);
      expect(tokens.status).toBe(200);
      const access = decodeJwt(String(tokens.body['access_token']));
      expect(access.aud).toBe(API_IDENTIFIER);
      expect(String(access['scope']).split(' ')).toContain(`${API_IDENTIFIER}/read`);
      expect(decodeJwt(String(tokens.body['id_token'])).aud).toBe(FULL_CLIENT_ID);
      const refreshed = await tokenRequest(pool, {
        grant_type: 'refresh_token',
        refresh_token: String(tokens.body['refresh_token']),
        client_id: FULL_CLIENT_ID,
      });
      expect(refreshed.status).toBe(200);
      expect(decodeJwt(String(refreshed.body['access_token'])).aud).toBe(API_IDENTIFIER);
    });

    it('an unregistered resource is invalid_target; no resource means no aud', async () => {
      const hop = await firstHop({ resource: 'https://elsewhere.example.test' });
      expect(hop.href.startsWith(callbacks.callbackUrl)).toBe(true);
      expect(hop.searchParams.get('error')).toBe('invalid_target');
      const plain = await signInForTokens(pool, {
        clientId: FULL_CLIENT_ID,
        redirectUri: callbacks.callbackUrl,
        ...erin,
      });
      expect(decodeJwt(plain.access_token)).not.toHaveProperty('aud');
    });
  });

  describe('a missing redirect_uri (item 8)', () => {
    it("uses the client's only callback URL, or its default redirect URI; otherwise redirect_mismatch", async () => {
      const single = await firstHop({ client_id: SINGLE_CLIENT_ID, redirect_uri: undefined });
      expect(single.pathname).not.toBe('/error');
      const jar = await signedInJar();
      const toSingle = await firstHop({ client_id: SINGLE_CLIENT_ID, redirect_uri: undefined }, jar);
      expect(toSingle.href.startsWith(`${callbacks.callbackUrl}?`)).toBe(true);
      expect(toSingle.searchParams.get('code')).toBeTruthy();
      const toDefault = await firstHop({ client_id: DEFAULT_CLIENT_ID, redirect_uri: undefined }, jar);
      expect(toDefault.href.startsWith(`${callbacks.callbackUrl}2?`)).toBe(true);
      const none = await firstHop({ client_id: FULL_CLIENT_ID, redirect_uri: undefined }, jar);
      expect(none.pathname).toBe('/error');
      expect(none.searchParams.get('error')).toBe('redirect_mismatch');
    });
  });

  describe('UserAuthentication rate limit (throttling)', () => {
    it('over the quota: HTTP 429 {"error":"too_many_requests"}, no Retry-After; the quota refills', async () => {
      const tokens = await signInForTokens(pool, {
        clientId: FULL_CLIENT_ID,
        redirectUri: callbacks.callbackUrl,
        ...erin,
      });
      pool.setRateLimit('userAuthentication', 2);
      pool.resetCounters();
      try {
        const refresh = () =>
          tokenRequest(pool, {
            grant_type: 'refresh_token',
            refresh_token: tokens.refresh_token,
            client_id: FULL_CLIENT_ID,
          });
        const answers = await Promise.all(Array.from({ length: 6 }, refresh));
        const throttled = answers.filter((a) => a.status === 429);
        expect(answers.filter((a) => a.status === 200).length).toBeLessThanOrEqual(2);
        expect(throttled.length).toBeGreaterThanOrEqual(4);
        for (const a of throttled) {
          expect(a.body).toEqual({ error: 'too_many_requests' });
          expect(a.headers.get('retry-after')).toBeNull();
          expect(a.headers.get('access-control-allow-origin')).toBe('*');
        }
        expect(pool.counters.throttled['userAuthentication']).toBe(throttled.length);
        // The refresh token survived being throttled, and a second later the quota has room again.
        await new Promise((r) => setTimeout(r, 1_100));
        expect((await refresh()).status).toBe(200);
      } finally {
        pool.setRateLimit('userAuthentication', undefined);
      }
    });

    it('sign-ins on the login page count too: the form answers 429 over the quota', async () => {
      const jar = new CookieJar();
      const hop = await firstHop({}, jar);
      const login = await get(hop.href, jar);
      const form = new URL(login.url || hop.href);
      pool.setRateLimit('userAuthentication', 1);
      try {
        const post = () =>
          fetch(form.href, {
            method: 'POST',
            redirect: 'manual',
            headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: jar.header() },
            body: new URLSearchParams({ username: erin.username, password: 'wrong' }),
          });
        const first = await post();
        expect(first.status).toBe(200); // the form again, "Incorrect username or password"
        const second = await post();
        expect(second.status).toBe(429);
      } finally {
        pool.setRateLimit('userAuthentication', undefined);
      }
    });

    it('the over-quota answer is configurable (rateLimits.throttledResponse)', async () => {
      const custom = await startUserPool({
        definition: fidelityPoolDefinition(callbacks.callbackUrl, callbacks.signedOutUrl, {
          rateLimits: {
            userAuthentication: 1,
            throttledResponse: { status: 400, error: 'TooManyRequestsException' },
          },
        }),
      });
      try {
        const bad = () =>
          tokenRequest(custom, {
            grant_type: 'refresh_token',
            refresh_token: 'x',
            client_id: FULL_CLIENT_ID,
          });
        expect((await bad()).body).toEqual({ error: 'invalid_grant' });
        const over = await bad();
        expect(over.status).toBe(400);
        expect(over.body).toEqual({ error: 'TooManyRequestsException' });
      } finally {
        await custom.close();
      }
    });
  });
});
