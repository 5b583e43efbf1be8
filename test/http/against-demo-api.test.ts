import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as oidc from 'openid-client';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccessTokenSource } from '../../src/main/auth/access-token-source';
import { apiRequestPipeline } from './support/api-pipeline';
import { AppError } from '../../src/shared/errors';
import type { IpcResult } from '../../src/shared/ipc-contract';
import { startDemoApi, type RunningDemoApi } from '../../tools/demo-api';
import { startUserPool, type RunningUserPool } from '../../tools/user-pool';
import { launchBrowser } from '../../tools/support/browser';
import { signInWithBrowser } from '../../tools/support/pool-sign-in';
import { startHarness, type Harness } from '../auth/support/harness';
import { freePort } from '../../tools/support/ports';

/**
 * The IPC pipeline and bearer client against the reference resource server (tools/demo-api),
 * with real access tokens from the local user pool and real refresh grants.
 */
const CLIENT = 'ipctestdesktopclient00001';
const SCOPES = ['openid', 'email', 'profile', 'aws.cognito.signin.user.admin'];

/** A small real token source: the pool's tokens, refreshed with openid-client's refresh grant. */
class PoolTokenSource implements AccessTokenSource {
  refreshes = 0;
  constructor(
    private readonly config: oidc.Configuration,
    public access: string,
    public refresh: string,
  ) {}
  async getAccessToken(): Promise<string> {
    return this.access;
  }
  async forceRefresh(rejected: string): Promise<string> {
    if (rejected !== this.access) return this.access;
    this.refreshes += 1;
    try {
      const tokens = await oidc.refreshTokenGrant(this.config, this.refresh);
      this.access = tokens.access_token;
      if (tokens.refresh_token) this.refresh = tokens.refresh_token;
      return this.access;
    } catch {
      throw new AppError('SIGN_IN_REQUIRED', 'The session has ended; sign in again.');
    }
  }
}

/** The same token with its signature altered: well-formed, but the API must reject it. */
function tamper(jwt: string): string {
  const last = jwt.at(-2) === 'A' ? 'B' : 'A';
  return `${jwt.slice(0, -2)}${last}${jwt.at(-1)}`;
}

describe('api:request against the demo API with tokens from the local user pool', () => {
  let pool: RunningUserPool;
  let browser: Browser;
  let demo: RunningDemoApi;
  let strangerApi: RunningDemoApi;
  let config: oidc.Configuration;
  let dir: string;
  let redirectUri: string;

  const signIn = async () => {
    const tokens = await signInWithBrowser(pool, {
      clientId: CLIENT,
      username: 'erin',
      password: 'Erin-test-1!',
      redirectUri,
      scopes: SCOPES,
      browser,
    });
    if (!tokens.refresh_token) throw new Error('the pool issued no refresh token');
    return new PoolTokenSource(config, tokens.access_token, tokens.refresh_token);
  };

  const pipeline = (tokens: AccessTokenSource, baseUrl: string) =>
    apiRequestPipeline({ tokens, api: { name: 'demo', baseUrl } });

  const refreshGrants = () => pool.counters.tokenRequests['refresh_token'] ?? 0;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'ipc-demo-api-'));
    redirectUri = `http://127.0.0.1:${await freePort()}/callback`;
    const base = { callbackUrls: [redirectUri], logoutUrls: [redirectUri], allowedScopes: SCOPES };
    pool = await startUserPool({
      definition: {
        region: 'us-east-1',
        userPoolId: 'us-east-1_IpcTest001',
        clients: [{ clientId: CLIENT, ...base, enableTokenRevocation: true }],
        users: [
          {
            username: 'erin',
            password: 'Erin-test-1!',
            email: 'erin@example.com',
            emailVerified: true,
            groups: ['admin'],
          },
        ],
      },
    });
    config = await oidc.discovery(new URL(pool.issuer), CLIENT, undefined, oidc.None(), {
      execute: [oidc.allowInsecureRequests],
    });
    browser = await launchBrowser();
    demo = await startDemoApi({ issuer: pool.issuer, clientId: CLIENT, dbPath: path.join(dir, 'a.sqlite') });
    // Accepts only another client's tokens: every token of ours is rejected as invalid_token.
    strangerApi = await startDemoApi({
      issuer: pool.issuer,
      clientId: 'someotherclient0000000001',
      dbPath: path.join(dir, 'b.sqlite'),
    });
  });
  afterAll(async () => {
    await demo?.close();
    await strangerApi?.close();
    await browser?.close();
    await pool?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('GET /me and POST then GET /notes round trip with the real bearer', async () => {
    const tokens = await signIn();
    const call = pipeline(tokens, demo.url);
    const me = await call({ path: '/me' });
    expect(me).toMatchObject({
      ok: true,
      value: { status: 200, body: { kind: 'json', value: { username: 'erin' } } },
    });
    const created = await call({
      method: 'POST',
      path: '/notes',
      body: { title: 'written over IPC', body: 'via the pipeline' },
    });
    expect(created).toMatchObject({ ok: true, value: { status: 201 } });
    const list = (await call({ path: '/notes' })) as IpcResult<{ body: { kind: string; value: unknown } }>;
    expect(JSON.stringify(list)).toContain('written over IPC');
    for (const result of [me, created, list]) {
      expect(JSON.stringify(result)).not.toContain(tokens.access);
      expect(JSON.stringify(result)).not.toContain(tokens.refresh);
    }
    expect(tokens.refreshes).toBe(0);
  });

  it('a rejected token: 401 invalid_token -> one refresh grant at the pool -> one retry that succeeds', async () => {
    const tokens = await signIn();
    tokens.access = tamper(tokens.access);
    const grants = refreshGrants();
    const me = await pipeline(tokens, demo.url)({ path: '/me' });
    expect(me).toMatchObject({ ok: true, value: { status: 200, retried: true } });
    expect(tokens.refreshes).toBe(1);
    expect(refreshGrants() - grants).toBe(1);
  });

  it('an API that rejects every token: TOKEN_INVALID after exactly one refresh (no loop)', async () => {
    const tokens = await signIn();
    const grants = refreshGrants();
    const result = await pipeline(tokens, strangerApi.url)({ path: '/me' });
    expect(result).toMatchObject({ ok: false, error: { code: 'TOKEN_INVALID', status: 401 } });
    expect(tokens.refreshes).toBe(1);
    expect(refreshGrants() - grants).toBe(1);
  });

  it('a revoked refresh token: the typed session error, no retry', async () => {
    const tokens = await signIn();
    await pool.revokeRefreshToken(tokens.refresh);
    tokens.access = tamper(tokens.access);
    const result = await pipeline(tokens, demo.url)({ path: '/me' });
    expect(result).toEqual({
      ok: false,
      error: { code: 'SIGN_IN_REQUIRED', message: 'The session has ended; sign in again.' },
    });
    expect(tokens.refreshes).toBe(1);
  });
});

describe('a token-bearing failure at the pool, through the real session and IPC pipeline', () => {
  let h: Harness;
  let stranger: RunningDemoApi;
  let dir: string;

  beforeAll(async () => {
    h = await startHarness();
    dir = mkdtempSync(path.join(tmpdir(), 'ipc-leak-'));
    // Accepts another client's tokens only: every request of ours gets 401 invalid_token, so the
    // client asks the real session for a refresh, which meets the injected faults below.
    stranger = await startDemoApi({
      issuer: h.pool.issuer,
      clientId: 'someotherclient0000000001',
      dbPath: path.join(dir, 'c.sqlite'),
    });
  });
  afterAll(async () => {
    await stranger?.close();
    await h?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the pool echoing the refresh and access tokens in its error bodies: none reaches the renderer or the log', async () => {
    const signedIn = h.newSession();
    h.track(signedIn);
    await signedIn.signIn();
    await h.browserDone();
    const refresh = await h.storedRefreshToken();
    expect(refresh).toBeTruthy();
    const secrets = new Set([refresh!, await signedIn.getAccessToken()]);
    await signedIn.dispose();

    const echo = (access: string) => `refresh_token ${refresh} (presented with Bearer ${access}) ${refresh}`;
    const faults = [
      (access: string) => ({
        kind: 'status' as const,
        status: 400,
        contentType: 'application/json',
        body: JSON.stringify({
          error: 'invalid_request',
          error_description: echo(access),
          error_uri: `https://x/?t=${refresh}`,
        }),
      }),
      (access: string) => ({
        kind: 'status' as const,
        status: 502,
        contentType: 'text/html',
        body: `<h1>Bad gateway</h1><pre>${echo(access)}</pre>`,
      }),
      (access: string) => ({
        kind: 'status' as const,
        status: 401,
        contentType: 'application/json',
        body: JSON.stringify({ error: 'invalid_client', error_description: echo(access) }),
      }),
      (access: string) => ({
        kind: 'status' as const,
        status: 200,
        contentType: 'application/json',
        body: `{"access_token":"${access}","token_type":"Bearer","x":"${refresh}`,
      }),
    ];
    const results: unknown[] = [];
    const logs: string[] = [];
    for (const [i, fault] of faults.entries()) {
      // A fresh start each time (restored from the keychain, a new access-token lifetime), so each
      // fault meets that lifetime's first forced refresh.
      const session = h.newSession();
      h.track(session);
      await session.start();
      const access = await session.getAccessToken();
      secrets.add(access);
      const send = apiRequestPipeline({
        tokens: session,
        session,
        api: { name: 'demo', baseUrl: stranger.url },
        log: (line) => logs.push(line),
      });
      h.pool.injectTokenFaults(fault(access));
      const before = h.tokenRequests('refresh_token');
      results.push(await send({ path: '/me' }));
      // The fault really was met by a refresh the session made (not answered from a cache).
      expect(h.tokenRequests('refresh_token') - before, `fault ${i}`).toBe(1);
      await session.dispose();
    }
    for (const result of results) {
      expect(result).toMatchObject({
        ok: false,
        error: { code: expect.stringMatching(/^(IDP_ERROR|IDP_UNREACHABLE|TOKEN_INVALID)$/) },
      });
    }
    const seen = JSON.stringify(results) + '\n' + logs.join('\n') + '\n' + h.emitted.join('\n');
    for (const secret of secrets) expect(seen).not.toContain(secret);
    // The refresh token survived every one of these faults (none is proof it is dead).
    expect(await h.storedRefreshToken()).toBe(refresh);
  });
});
