import { AxeBuilder } from '@axe-core/playwright';
import type { Browser } from 'playwright-core';
import { describe, expect, it, vi } from 'vitest';

import { startUserPool, type RunningUserPool } from '../../tools/user-pool';
import type { CallbackServer } from './support/callback-server';
import { usePoolWorld } from './support/pool-world';
import { authorizeUrl, exchangeCode, get, httpSignIn, pkcePair } from './support/http-sign-in';
import { submitLogin, TEST_CLIENT_ID } from './support/pool-fixtures';

describe('/oauth2/authorize and the Hosted UI login page', () => {
  let pool: RunningUserPool;
  let callbacks: CallbackServer;
  let browser: Browser;
  usePoolWorld({ browser: true }, (world) => {
    ({ pool, callbacks } = world);
    browser = world.browser!;
  });

  const validParams = () => {
    const { challenge } = pkcePair();
    return {
      client_id: TEST_CLIENT_ID,
      response_type: 'code',
      redirect_uri: callbacks.callbackUrl,
      scope: 'openid email',
      state: 'st-123',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    };
  };

  describe('redirect_uri must match a registered callback URL exactly', () => {
    const variants: Array<[string, (u: URL) => string]> = [
      [
        'another port',
        (u) =>
          `${u.protocol}//${u.hostname}:${Number(u.port) === 65535 ? 65534 : Number(u.port) + 1}${u.pathname}`,
      ],
      ['another path', (u) => `${u.origin}/callback2`],
      ['a trailing slash', (u) => `${u.origin}${u.pathname}/`],
      ['another case', (u) => `${u.origin}${u.pathname.toUpperCase()}`],
      ['localhost for 127.0.0.1', (u) => `http://localhost:${u.port}${u.pathname}`],
      ['an extra query', (u) => `${u.origin}${u.pathname}?x=1`],
    ];
    for (const [name, mutate] of variants) {
      it(`refuses ${name}: /error?error=redirect_mismatch, never the app`, async () => {
        const before = callbacks.received.length;
        const redirectUri = mutate(new URL(callbacks.callbackUrl));
        const res = await get(authorizeUrl(pool, { ...validParams(), redirect_uri: redirectUri }));
        expect(res.status).toBe(302);
        const location = new URL(res.headers.get('location') ?? '', pool.domain);
        expect(location.origin).toBe(pool.domain);
        expect(location.pathname).toBe('/error');
        expect(location.searchParams.get('error')).toBe('redirect_mismatch');
        expect(location.searchParams.get('client_id')).toBe(TEST_CLIENT_ID);
        expect(callbacks.received.length).toBe(before);
      });
    }

    it('sends an unknown client to /error too', async () => {
      const res = await get(authorizeUrl(pool, { ...validParams(), client_id: 'nosuchclient' }));
      const location = new URL(res.headers.get('location') ?? '', pool.domain);
      expect(location.pathname).toBe('/error');
      expect(location.searchParams.get('error')).toBe('redirect_mismatch');
      expect(location.searchParams.get('client_id')).toBe('nosuchclient');
    });

    it('sends a missing redirect_uri to /error', async () => {
      const res = await get(authorizeUrl(pool, { ...validParams(), redirect_uri: undefined }));
      expect(new URL(res.headers.get('location') ?? '', pool.domain).pathname).toBe('/error');
    });

    it('shows the browser the /error page, which names the error', async () => {
      const page = await browser.newPage();
      try {
        await page.goto(authorizeUrl(pool, { ...validParams(), redirect_uri: `${callbacks.callbackUrl}/` }));
        expect(new URL(page.url()).pathname).toBe('/error');
        await expect(page.locator('#error').textContent()).resolves.toBe('redirect_mismatch');
      } finally {
        await page.close();
      }
    });
  });

  describe('other errors redirect to the app with error and the echoed state', () => {
    const cases: Array<[string, Record<string, string | undefined>, string]> = [
      ['missing response_type', { response_type: undefined }, 'invalid_request'],
      ['response_type token (not allowed for the client)', { response_type: 'token' }, 'unauthorized_client'],
      ['code_challenge without method', { code_challenge_method: undefined }, 'invalid_request'],
      ['code_challenge_method plain', { code_challenge_method: 'plain' }, 'invalid_request'],
      ['method without challenge', { code_challenge: undefined }, 'invalid_request'],
      ['a scope the client may not ask for', { scope: 'openid phone' }, 'invalid_scope'],
      ['an unknown scope', { scope: 'openid nosuch/scope' }, 'invalid_scope'],
    ];
    for (const [name, change, error] of cases) {
      it(`${name} -> ${error}`, async () => {
        const res = await get(authorizeUrl(pool, { ...validParams(), ...change }));
        expect(res.status).toBe(302);
        const location = new URL(res.headers.get('location') ?? '');
        expect(`${location.origin}${location.pathname}`).toBe(callbacks.callbackUrl);
        expect(location.searchParams.get('error')).toBe(error);
        expect(location.searchParams.get('state')).toBe('st-123');
        expect(location.searchParams.has('code')).toBe(false);
      });
    }
  });

  it('answers success with 302 to the callback: code and echoed state in the query, no iss', async () => {
    const signIn = await httpSignIn(pool, {
      clientId: TEST_CLIENT_ID,
      redirectUri: callbacks.callbackUrl,
      username: 'carol',
      password: 'Carol-test-1!',
    });
    // A second authorize in the same session goes straight back with a code.
    const res = await get(authorizeUrl(pool, validParams()), signIn.jar);
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location') ?? '');
    expect(location.searchParams.get('code')).toBeTruthy();
    expect(location.searchParams.get('state')).toBe('st-123');
    expect(location.searchParams.has('iss')).toBe(false);
    expect(location.hash).toBe('');
  });

  it('the Hosted UI session lasts one hour from sign-in: after that, authorize asks for credentials again', async () => {
    const signIn = await httpSignIn(pool, {
      clientId: TEST_CLIENT_ID,
      redirectUri: callbacks.callbackUrl,
      username: 'carol',
      password: 'Carol-test-1!',
    });
    const start = Date.now();
    vi.useFakeTimers({ toFake: ['Date'], now: start + 50 * 60_000 });
    try {
      // Used at 50 minutes: still signed in (and the hour still counts from sign-in).
      const within = await get(authorizeUrl(pool, validParams()), signIn.jar);
      expect(new URL(within.headers.get('location') ?? '').searchParams.get('code')).toBeTruthy();
      vi.setSystemTime(start + 61 * 60_000);
      const after = await get(authorizeUrl(pool, validParams()), signIn.jar);
      expect(new URL(after.headers.get('location') ?? '', pool.domain).pathname).toBe('/login');
    } finally {
      vi.useRealTimers();
    }
  });

  it('login page: labelled Username/Password inputs, a Sign in button, an error on a wrong password, then success', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      const { challenge } = pkcePair();
      await page.goto(
        authorizeUrl(pool, { ...validParams(), state: 'browser-state', code_challenge: challenge }),
      );
      expect(new URL(page.url()).pathname).toBe('/login');
      await expect(page.getByLabel('Username').count()).resolves.toBe(1);
      await expect(page.getByLabel('Password').getAttribute('type')).resolves.toBe('password');
      // No demo passwords outside demo mode.
      await expect(page.getByText('Carol-test-1!').count()).resolves.toBe(0);

      const before = callbacks.received.length;
      await submitLogin(page, 'carol', 'wrong-password');
      await expect(page.getByRole('alert').textContent()).resolves.toContain(
        'Incorrect username or password',
      );
      expect(callbacks.received.length).toBe(before);

      await submitLogin(page, 'carol', 'Carol-test-1!');
      const callback = await callbacks.next();
      expect(callback.searchParams.get('state')).toBe('browser-state');
      expect(callback.searchParams.get('code')).toBeTruthy();

      // Session cookie: the next authorize returns a code without showing the form.
      const visited: string[] = [];
      page.on('request', (request) => visited.push(new URL(request.url()).pathname));
      await page.goto(authorizeUrl(pool, { ...validParams(), state: 'second' }));
      const second = await callbacks.next();
      expect(second.searchParams.get('state')).toBe('second');
      expect(second.searchParams.get('code')).toBeTruthy();
      expect(visited).toContain('/oauth2/authorize');
      expect(visited).not.toContain('/login');
      expect(new URL(page.url()).origin).toBe(callbacks.origin);
    } finally {
      await context.close();
    }
  });

  it('login page passes an axe accessibility scan (and loads nothing external)', async () => {
    // axe needs a page from an explicit context.
    const context = await browser.newContext();
    const page = await context.newPage();
    const external: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(pool.domain)) external.push(request.url());
    });
    try {
      await page.goto(authorizeUrl(pool, validParams()));
      expect(new URL(page.url()).pathname).toBe('/login');
      const results = await new AxeBuilder({ page }).analyze();
      expect(results.violations.map((v) => v.id)).toEqual([]);
      await submitLogin(page, 'carol', 'wrong');
      const withError = await new AxeBuilder({ page }).analyze();
      expect(withError.violations.map((v) => v.id)).toEqual([]);
      expect(external).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('demo mode shows the demo users and their passwords on the login page', async () => {
    const demo = await startUserPool({ demoMode: true });
    const page = await browser.newPage();
    try {
      const client = demo.definition.clients[0];
      const { challenge } = pkcePair();
      await page.goto(
        authorizeUrl(demo, {
          client_id: client?.clientId,
          response_type: 'code',
          redirect_uri: client?.callbackUrls[0],
          code_challenge: challenge,
          code_challenge_method: 'S256',
        }),
      );
      await expect(page.getByText('Alice-demo-1!').count()).resolves.toBe(1);
      await expect(page.getByText('Bob-demo-1!').count()).resolves.toBe(1);
    } finally {
      await page.close();
      await demo.close();
    }
  });

  it('no scope means all of the client scopes', async () => {
    const signIn = await httpSignIn(pool, {
      clientId: TEST_CLIENT_ID,
      redirectUri: callbacks.callbackUrl,
      username: 'dave',
      password: 'Dave-test-1!',
    });
    const tokens = await exchangeCode(pool, signIn, TEST_CLIENT_ID);
    const payload = JSON.parse(
      Buffer.from(String(tokens.body['access_token']).split('.')[1] ?? '', 'base64url').toString(),
    ) as { scope: string };
    expect(payload.scope.split(' ').sort()).toEqual([
      'aws.cognito.signin.user.admin',
      'email',
      'openid',
      'profile',
    ]);
  });
});
