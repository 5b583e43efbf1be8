import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoApi, type RunningDemoApi } from '../../tools/demo-api';
import { startUserPool, type PoolDefinition, type RunningUserPool } from '../../tools/user-pool';
import { launchBrowser } from '../../tools/support/browser';
import { signInWithBrowser } from '../../tools/support/pool-sign-in';
import { call, tempDir } from './support/api-call';
import { decode } from './support/test-issuer';
import { freePort } from '../../tools/support/ports';

const API_CLIENT = 'demoapitestclient000000001';
const SHORT_CLIENT = 'demoapishortclient00000001';
const OTHER_CLIENT = 'demoapiotherclient00000001';
const SCOPES = ['openid', 'email', 'profile', 'aws.cognito.signin.user.admin'];

/** A free loopback port for the registered redirect URI (the sign-in helper intercepts it; nothing listens). */

function definition(userPoolId: string, redirectUri: string): PoolDefinition {
  const base = { callbackUrls: [redirectUri], logoutUrls: [redirectUri], allowedScopes: SCOPES };
  return {
    region: 'us-east-1',
    userPoolId,
    clients: [
      { clientId: API_CLIENT, ...base },
      { clientId: SHORT_CLIENT, ...base, accessTokenValiditySeconds: 5 },
      { clientId: OTHER_CLIENT, ...base },
    ],
    users: [
      {
        username: 'erin',
        password: 'Erin-test-1!',
        email: 'erin@example.com',
        emailVerified: true,
        groups: ['admin'],
      },
      { username: 'frank', password: 'Frank-test-1!', email: 'frank@example.com', emailVerified: true },
    ],
  };
}

/** The demo API against real tokens from the running local user pool, signed in with Chromium. */
describe('demo API against the local user pool', () => {
  let pool: RunningUserPool;
  let browser: Browser;
  let api: RunningDemoApi;
  let redirectUri: string;
  const tmp = tempDir();
  const extra: Array<() => Promise<void>> = [];

  const signIn = (clientId: string, username: string, password: string, from: RunningUserPool = pool) =>
    signInWithBrowser(from, { clientId, username, password, redirectUri, scopes: SCOPES, browser });

  beforeAll(async () => {
    redirectUri = `http://127.0.0.1:${await freePort()}/callback`;
    pool = await startUserPool({ definition: definition('us-east-1_ApiTest01', redirectUri) });
    browser = await launchBrowser();
    api = await startDemoApi({ issuer: pool.issuer, clientId: API_CLIENT, dbPath: tmp.dbPath });
  });
  afterAll(async () => {
    for (const close of extra.reverse()) await close();
    await api?.close();
    await browser?.close();
    await pool?.close();
    tmp.cleanup();
  });

  it('accepts a real access token from the pool and applies the admin group', async () => {
    const erin = await signIn(API_CLIENT, 'erin', 'Erin-test-1!');
    const me = await call(api.url, '/me', { token: erin.access_token });
    expect(me.status).toBe(200);
    expect(me.json).toMatchObject({
      username: 'erin',
      groups: ['admin'],
      clientId: API_CLIENT,
      issuer: pool.issuer,
    });
    expect(me.json['scopes']).toEqual(expect.arrayContaining(['openid', 'aws.cognito.signin.user.admin']));
    expect((await call(api.url, '/admin/users', { token: erin.access_token })).status).toBe(200);

    const frank = await signIn(API_CLIENT, 'frank', 'Frank-test-1!');
    expect((await call(api.url, '/me', { token: frank.access_token })).json['groups']).toEqual([]);
    const denied = await call(api.url, '/admin/users', { token: frank.access_token });
    expect(denied.status).toBe(403);
    expect(denied.json['error']).toBe('insufficient_scope');
    const note = await call(api.url, '/notes', {
      token: frank.access_token,
      method: 'POST',
      body: { title: 'pool note' },
    });
    expect(note.status).toBe(201);
  });

  it('refuses the ID token and a token of another app client', async () => {
    const erin = await signIn(API_CLIENT, 'erin', 'Erin-test-1!');
    const id = await call(api.url, '/me', { token: erin.id_token });
    expect(id.status).toBe(401);
    expect(id.json['error_description']).toBe('not an access token');

    const other = await signIn(OTHER_CLIENT, 'erin', 'Erin-test-1!');
    const res = await call(api.url, '/me', { token: other.access_token });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect(res.json['error_description']).toBe('client not accepted');
  });

  it('refuses the same access token once it has expired, cached or not', async () => {
    const shortApi = await startDemoApi({ issuer: pool.issuer, clientId: SHORT_CLIENT, dbPath: tmp.dbPath });
    extra.push(() => shortApi.close());
    const tokens = await signIn(SHORT_CLIENT, 'frank', 'Frank-test-1!');
    const exp = decode(tokens.access_token).payload['exp'] as number;
    expect(tokens.expires_in).toBeLessThanOrEqual(5);
    const first = await call(shortApi.url, '/me', { token: tokens.access_token });
    // Under heavy load the sign-in itself may outlast 5 s; then the first call is already refused.
    if (Date.now() < exp * 1000 - 200) expect(first.status).toBe(200);
    await new Promise((r) => setTimeout(r, Math.max(0, exp * 1000 - Date.now()) + 100));
    const after = await call(shortApi.url, '/me', { token: tokens.access_token });
    expect(after.status).toBe(401);
    expect(after.json['error_description']).toBe('token expired');
  });

  it('verifies tokens signed with a rotated key after one JWKS refetch', async () => {
    const before = await signIn(API_CLIENT, 'erin', 'Erin-test-1!');
    expect((await call(api.url, '/me', { token: before.access_token })).status).toBe(200);
    const fetches = api.jwksFetchCount();
    const { kid } = await pool.rotateAccessTokenKey();
    const after = await signIn(API_CLIENT, 'erin', 'Erin-test-1!');
    expect(decode(after.access_token).header['kid']).toBe(kid);
    expect(decode(after.access_token).header['kid']).not.toBe(decode(before.access_token).header['kid']);
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => call(api.url, '/me', { token: after.access_token })),
    );
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    expect(api.jwksFetchCount()).toBe(fetches + 1);
    // The old key stays published, so its tokens stay valid until they expire.
    expect((await call(api.url, '/me', { token: before.access_token })).status).toBe(200);
  });

  it('refuses a token from another pool (another issuer and keys)', async () => {
    const otherPool = await startUserPool({ definition: definition('us-east-1_ApiTest02', redirectUri) });
    extra.push(() => otherPool.close());
    // A fresh API, so the penalty box this forged kid triggers does not touch the other tests.
    const freshApi = await startDemoApi({ issuer: pool.issuer, clientId: API_CLIENT, dbPath: tmp.dbPath });
    extra.push(() => freshApi.close());
    const foreign = await signIn(API_CLIENT, 'erin', 'Erin-test-1!', otherPool);
    const res = await call(freshApi.url, '/me', { token: foreign.access_token });
    expect(res.status).toBe(401);
    expect(['unknown signing key', 'issuer not accepted', 'invalid signature']).toContain(
      res.json['error_description'],
    );
    expect(res.text).not.toContain(foreign.access_token);
  });

  it('sign-in helper: a wrong password fails with a message naming the user and the page', async () => {
    await expect(
      signInWithBrowser(pool, {
        clientId: API_CLIENT,
        username: 'erin',
        password: 'wrong-password-1!',
        redirectUri,
        scopes: SCOPES,
        browser,
        timeoutMs: 3000,
      }),
    ).rejects.toThrow(/sign-in as erin failed at http:\/\/127\.0\.0\.1:\d+\//);
  });
});
