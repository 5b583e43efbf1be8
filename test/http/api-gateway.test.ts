/**
 * apis[].token and the demo API's API-Gateway-like mode, through the real IPC path and bearer
 * client, with real tokens from the local user pool and real refresh grants:
 *  - token "id" to a gateway-mode API works; token "access" is refused there with API Gateway's
 *    challenge-less `401 {"message":"Unauthorized"}`, which the client treats like invalid_token
 *    (one forced refresh, one retry, then TOKEN_INVALID);
 *  - an ID token that expired before the access token is refreshed once and the retry succeeds;
 *  - the bearer-mode API still wants the access token (an ID token there gets invalid_token).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import * as oidc from 'openid-client';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { AccessTokenSource } from '../../src/main/auth/access-token-source';
import { apiRequestPipeline } from './support/api-pipeline';
import type { ApiDefinition } from '../../src/main/http/api-origins';
import { startDemoApi, type RunningDemoApi } from '../../tools/demo-api';
import { startUserPool, type RunningUserPool } from '../../tools/user-pool';
import { launchBrowser } from '../../tools/support/browser';
import { signInWithBrowser } from '../../tools/support/pool-sign-in';
import { freePort } from '../../tools/support/ports';

const CLIENT = 'gatewaytestclient00000001';
const SHORT_ID_CLIENT = 'gatewayshortidclient00001';
const SCOPES = ['openid', 'email', 'profile'];

/** Real pool tokens, both kinds, refreshed with openid-client's refresh grant. */
class PoolTokens implements AccessTokenSource {
  refreshes = 0;
  constructor(
    private readonly config: oidc.Configuration,
    public access: string,
    public id: string,
    public refresh: string,
  ) {}
  async getAccessToken(): Promise<string> {
    return this.access;
  }
  async getIdToken(): Promise<string> {
    return this.id;
  }
  private async doRefresh(): Promise<void> {
    this.refreshes += 1;
    const tokens = await oidc.refreshTokenGrant(this.config, this.refresh);
    this.access = tokens.access_token;
    this.id = tokens.id_token ?? this.id;
  }
  async forceRefresh(rejected: string): Promise<string> {
    if (rejected === this.access) await this.doRefresh();
    return this.access;
  }
  async forceRefreshIdToken(rejected: string): Promise<string> {
    if (rejected === this.id) await this.doRefresh();
    return this.id;
  }
}

function tamper(jwt: string): string {
  const last = jwt.at(-2) === 'A' ? 'B' : 'A';
  return `${jwt.slice(0, -2)}${last}${jwt.at(-1)}`;
}

describe('API Gateway tokens: apis[].token and the demo API gateway mode', { timeout: 60_000 }, () => {
  let pool: RunningUserPool;
  let browser: Browser;
  let gateway: RunningDemoApi;
  let gatewayShort: RunningDemoApi;
  let bearer: RunningDemoApi;
  const configs = new Map<string, oidc.Configuration>();
  let dir: string;
  let redirectUri: string;

  const signIn = async (clientId = CLIENT) => {
    const tokens = await signInWithBrowser(pool, {
      clientId,
      username: 'gina',
      password: 'Gina-test-1!',
      redirectUri,
      scopes: SCOPES,
      browser,
    });
    if (!tokens.refresh_token) throw new Error('no refresh token');
    return new PoolTokens(configs.get(clientId)!, tokens.access_token, tokens.id_token, tokens.refresh_token);
  };

  const pipeline = (tokens: AccessTokenSource, api: ApiDefinition) => apiRequestPipeline({ tokens, api });
  const refreshGrants = () => pool.counters.tokenRequests['refresh_token'] ?? 0;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'api-gateway-'));
    redirectUri = `http://127.0.0.1:${await freePort()}/callback`;
    const base = { callbackUrls: [redirectUri], logoutUrls: [redirectUri], allowedScopes: SCOPES };
    pool = await startUserPool({
      definition: {
        region: 'us-east-1',
        userPoolId: 'us-east-1_GwTest0001',
        clients: [
          { clientId: CLIENT, ...base },
          // An ID token that dies long before the access token (Cognito allows 5 min vs 1 day).
          { clientId: SHORT_ID_CLIENT, ...base, idTokenValiditySeconds: 2, accessTokenValiditySeconds: 3600 },
        ],
        users: [{ username: 'gina', password: 'Gina-test-1!', email: 'gina@example.com', groups: ['admin'] }],
      },
    });
    for (const id of [CLIENT, SHORT_ID_CLIENT]) {
      configs.set(
        id,
        await oidc.discovery(new URL(pool.issuer), id, undefined, oidc.None(), {
          execute: [oidc.allowInsecureRequests],
        }),
      );
    }
    browser = await launchBrowser();
    const common = { issuer: pool.issuer, tokenCacheSize: 0 };
    gateway = await startDemoApi({
      ...common,
      clientId: CLIENT,
      authorizer: 'api-gateway',
      dbPath: path.join(dir, 'g.sqlite'),
    });
    gatewayShort = await startDemoApi({
      ...common,
      clientId: SHORT_ID_CLIENT,
      authorizer: 'api-gateway',
      dbPath: path.join(dir, 's.sqlite'),
    });
    bearer = await startDemoApi({ ...common, clientId: CLIENT, dbPath: path.join(dir, 'b.sqlite') });
  });
  afterAll(async () => {
    await gateway?.close();
    await gatewayShort?.close();
    await bearer?.close();
    await browser?.close();
    await pool?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('gateway mode answers like API Gateway: 401 {"message":"Unauthorized"}, no WWW-Authenticate, for no, bad or access tokens', async () => {
    const tokens = await signIn();
    for (const authorization of [
      undefined,
      `Bearer ${tokens.access}`,
      `Bearer ${tamper(tokens.id)}`,
      'Bearer x.y.z',
    ]) {
      const res = await fetch(`${gateway.url}/me`, { headers: authorization ? { authorization } : {} });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBeNull();
      await expect(res.json()).resolves.toEqual({ message: 'Unauthorized' });
    }
    const ok = await fetch(`${gateway.url}/me`, { headers: { authorization: `Bearer ${tokens.id}` } });
    expect(ok.status).toBe(200);
  });

  it('token "id" through IPC: the API gets the ID token and answers; nothing of either token reaches the renderer', async () => {
    const tokens = await signIn();
    const result = await pipeline(tokens, { name: 'gw', baseUrl: gateway.url, token: 'id' })({ path: '/me' });
    expect(result).toMatchObject({
      ok: true,
      value: { status: 200, body: { kind: 'json', value: { username: 'gina' } } },
    });
    expect(JSON.stringify(result)).not.toContain(tokens.id);
    expect(JSON.stringify(result)).not.toContain(tokens.access);
    expect(tokens.refreshes).toBe(0);
  });

  it('token "access" to the gateway: the challenge-less 401 counts as invalid_token: one refresh, one retry, then TOKEN_INVALID', async () => {
    const tokens = await signIn();
    const grants = refreshGrants();
    const result = await pipeline(tokens, { name: 'gw', baseUrl: gateway.url })({ path: '/me' });
    expect(result).toMatchObject({ ok: false, error: { code: 'TOKEN_INVALID', status: 401 } });
    expect(tokens.refreshes).toBe(1);
    expect(refreshGrants() - grants).toBe(1);
  });

  it('a bad ID token: one forced refresh, the retry with the new ID token succeeds', async () => {
    const tokens = await signIn();
    tokens.id = tamper(tokens.id);
    const grants = refreshGrants();
    const result = await pipeline(tokens, { name: 'gw', baseUrl: gateway.url, token: 'id' })({ path: '/me' });
    expect(result).toMatchObject({ ok: true, value: { status: 200, retried: true } });
    expect(refreshGrants() - grants).toBe(1);
  });

  it('an ID token that expired before the access token: refreshed once, then accepted', async () => {
    const tokens = await signIn(SHORT_ID_CLIENT);
    await new Promise((resolve) => setTimeout(resolve, 3_100));
    const before = await fetch(`${gatewayShort.url}/me`, {
      headers: { authorization: `Bearer ${tokens.id}` },
    });
    expect(before.status).toBe(401);
    const result = await pipeline(tokens, { name: 'gw', baseUrl: gatewayShort.url, token: 'id' })({
      path: '/me',
    });
    expect(result).toMatchObject({ ok: true, value: { status: 200, retried: true } });
    expect(tokens.refreshes).toBe(1);
  });

  it('bearer mode still takes the access token; an ID token there is invalid_token (with its challenge)', async () => {
    const tokens = await signIn();
    const withAccess = await pipeline(tokens, { name: 'api', baseUrl: bearer.url, token: 'access' })({
      path: '/me',
    });
    expect(withAccess).toMatchObject({ ok: true, value: { status: 200 } });
    const raw = await fetch(`${bearer.url}/me`, { headers: { authorization: `Bearer ${tokens.id}` } });
    expect(raw.status).toBe(401);
    expect(raw.headers.get('www-authenticate')).toContain('invalid_token');
    const withId = await pipeline(tokens, { name: 'api', baseUrl: bearer.url, token: 'id' })({ path: '/me' });
    expect(withId).toMatchObject({ ok: false, error: { code: 'TOKEN_INVALID' } });
    expect(tokens.refreshes).toBe(1);
  });
});
