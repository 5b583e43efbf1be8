/**
 * Session management against the real local pool (token-sessions.ts, idp-api/session-operations.ts):
 * 21 sign-ins with a limit of 20 evict the first (its refresh token then fails with invalid_grant),
 * least recently used first; ListUserSessions through the AWS SDK with DeviceType from the
 * User-Agent of the last sign-in or refresh and the caller's own session marked; RevokeUserSession;
 * the Hosted UI session's reuse window (ssoSessionMaxValidityMinutes); off when absent.
 */
import {
  CognitoIdentityProviderClient,
  ListUserSessionsCommand,
  RevokeUserSessionCommand,
  type SessionDescriptionType,
} from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

import { startUserPool, type RunningUserPool } from '../../tools/user-pool';
import type { PoolDefinition } from '../../tools/user-pool/types';
import { startCallbackServer, type CallbackServer } from '../user-pool/support/callback-server';
import {
  authorizeUrl,
  CookieJar,
  exchangeCode,
  get,
  httpSignIn,
  pkcePair,
  tokenRequest,
  type TokenSet,
} from '../user-pool/support/http-sign-in';
import { ROTATING_CLIENT_ID, testPoolDefinition, TEST_CLIENT_ID } from '../user-pool/support/pool-fixtures';

const DESKTOP_UA = 'CognitoDesktop/3.4.5 (Linux 6.1.0; x64)';

describe('session management (sessionManagement in the pool definition)', () => {
  let callbacks: CallbackServer;
  const pools: RunningUserPool[] = [];
  const sdkClients: CognitoIdentityProviderClient[] = [];

  beforeAll(async () => {
    callbacks = await startCallbackServer();
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  afterAll(async () => {
    for (const c of sdkClients) c.destroy();
    await Promise.all(pools.map((p) => p.close()));
    await callbacks?.close();
  });

  const start = async (extra: Partial<PoolDefinition>) => {
    const pool = await startUserPool({
      definition: { ...testPoolDefinition(callbacks.callbackUrl, callbacks.signedOutUrl), ...extra },
    });
    pools.push(pool);
    return pool;
  };

  const sdk = (pool: RunningUserPool) => {
    const c = new CognitoIdentityProviderClient({
      region: 'eu-west-1',
      endpoint: pool.idpApiEndpoint,
      maxAttempts: 1,
    });
    sdkClients.push(c);
    return c;
  };

  const signIn = async (
    pool: RunningUserPool,
    options: { userAgent?: string; clientId?: string; jar?: CookieJar } = {},
  ): Promise<TokenSet> => {
    const clientId = options.clientId ?? TEST_CLIENT_ID;
    const flow = await httpSignIn(pool, {
      clientId,
      redirectUri: callbacks.callbackUrl,
      username: 'carol',
      password: 'Carol-test-1!',
      ...(options.jar ? { jar: options.jar } : {}),
    });
    const res = await exchangeCode(
      pool,
      flow,
      clientId,
      {},
      options.userAgent ? { 'user-agent': options.userAgent } : {},
    );
    if (res.status !== 200) throw new Error(`code exchange failed: ${JSON.stringify(res.body)}`);
    return res.body as unknown as TokenSet;
  };

  const refresh = (
    pool: RunningUserPool,
    refreshToken: string,
    userAgent?: string,
    clientId = TEST_CLIENT_ID,
  ) =>
    tokenRequest(
      pool,
      { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: clientId },
      userAgent ? { 'user-agent': userAgent } : {},
    );

  const list = async (pool: RunningUserPool, accessToken: string): Promise<SessionDescriptionType[]> => {
    const out = await sdk(pool).send(new ListUserSessionsCommand({ AccessToken: accessToken }));
    return out.Sessions ?? [];
  };

  it('21 sign-ins with a limit of 20 evict the first: its refresh token fails with invalid_grant', async () => {
    const pool = await start({ sessionManagement: { maxTokenSessionsPerUser: 20 } });
    const signIns: TokenSet[] = [];
    for (let i = 0; i < 20; i += 1) signIns.push(await signIn(pool));
    // At the limit nothing is evicted yet.
    expect((await refresh(pool, signIns[0]!.refresh_token)).status).toBe(200);
    expect(await list(pool, signIns[19]!.access_token)).toHaveLength(20);

    // Sign-in 1 was refreshed just now, so the least recently used is sign-in 2.
    const twentyFirst = await signIn(pool);
    const second = await refresh(pool, signIns[1]!.refresh_token);
    expect(second.status).toBe(400);
    expect(second.body).toEqual({ error: 'invalid_grant' });
    expect((await refresh(pool, signIns[0]!.refresh_token)).status).toBe(200);

    // Sign-in 22 evicts the least recently used that is left: sign-in 3 (1 was used again).
    const twentySecond = await signIn(pool);
    const third = await refresh(pool, signIns[2]!.refresh_token);
    expect(third.body).toEqual({ error: 'invalid_grant' });
    for (const kept of [signIns[0]!, signIns[3]!, signIns[19]!, twentyFirst, twentySecond]) {
      expect(await pool.isRefreshTokenActive(kept.refresh_token)).toBe(true);
    }
    const sessions = await list(pool, twentySecond.access_token);
    expect(sessions).toHaveLength(20);
  });

  it('without refreshes in between, the 21st sign-in evicts the very first', async () => {
    const pool = await start({ sessionManagement: {} }); // Cognito's default: 20
    const first = await signIn(pool);
    for (let i = 0; i < 19; i += 1) await signIn(pool);
    expect(await pool.isRefreshTokenActive(first.refresh_token)).toBe(true);
    const last = await signIn(pool);
    const res = await refresh(pool, first.refresh_token);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'invalid_grant' });
    // Its access token is dead too (the sign-in is gone), the newest one works.
    await expect(list(pool, first.access_token)).rejects.toMatchObject({ name: 'NotAuthorizedException' });
    expect(await list(pool, last.access_token)).toHaveLength(20);
  });

  it('ListUserSessions: DeviceType from the last sign-in or refresh User-Agent, the caller marked', async () => {
    const pool = await start({ sessionManagement: { maxTokenSessionsPerUser: 5 } });
    const desktop = await signIn(pool, { userAgent: DESKTOP_UA });
    const browser = await signIn(pool, {
      userAgent:
        'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
    });
    const before = await list(pool, desktop.access_token);
    expect(before).toHaveLength(2);
    const mine = before.find((s) => s.IsCurrentSession);
    const other = before.find((s) => !s.IsCurrentSession);
    expect(mine).toMatchObject({
      SessionType: 'TOKEN',
      ClientId: TEST_CLIENT_ID,
      DeviceType: 'CognitoDesktop 3.4.5 on Linux 6.1.0 (x64)',
    });
    expect(mine?.SessionId).toMatch(/^tkn[a-z0-9]{25}$/);
    expect(other?.DeviceType).toBe('Chrome 131 on Linux');
    expect(before.filter((s) => s.IsCurrentSession)).toHaveLength(1);

    // The browser session, seen from its own access token, is the current one there.
    const fromBrowser = await list(pool, browser.access_token);
    expect(fromBrowser.find((s) => s.IsCurrentSession)?.SessionId).toBe(other?.SessionId);

    // A refresh with another User-Agent overwrites DeviceType and moves LastActiveDate.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 5_000 });
    const refreshed = await refresh(
      pool,
      desktop.refresh_token,
      'CognitoDesktop/3.4.6 (Windows 10.0.22631; arm64)',
    );
    expect(refreshed.status).toBe(200);
    vi.useRealTimers();
    const after = await list(pool, browser.access_token);
    const desktopAfter = after.find((s) => s.SessionId === mine?.SessionId);
    expect(desktopAfter?.DeviceType).toBe('CognitoDesktop 3.4.6 on Windows 10.0.22631 (arm64)');
    expect(desktopAfter!.LastActiveDate!.getTime()).toBeGreaterThan(mine!.LastActiveDate!.getTime());
    expect(desktopAfter!.CreateDate!.getTime()).toBe(mine!.CreateDate!.getTime());
  });

  it('RevokeUserSession ends another session, never the caller own; unknown ids are not found', async () => {
    const pool = await start({ sessionManagement: {} });
    const keep = await signIn(pool, { userAgent: DESKTOP_UA });
    const lost = await signIn(pool, { userAgent: 'LostLaptop/1.0 (Linux 5.0; x64)' });
    const sessions = await list(pool, keep.access_token);
    const target = sessions.find((s) => !s.IsCurrentSession);
    const own = sessions.find((s) => s.IsCurrentSession);
    const client = sdk(pool);

    await expect(
      client.send(
        new RevokeUserSessionCommand({ AccessToken: keep.access_token, SessionId: own!.SessionId! }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
    await expect(
      client.send(
        new RevokeUserSessionCommand({
          AccessToken: keep.access_token,
          SessionId: 'tkn0000000000000000000000000',
        }),
      ),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });

    await client.send(
      new RevokeUserSessionCommand({ AccessToken: keep.access_token, SessionId: target!.SessionId! }),
    );
    expect((await refresh(pool, lost.refresh_token)).body).toEqual({ error: 'invalid_grant' });
    expect((await refresh(pool, keep.refresh_token)).status).toBe(200);
    const left = await list(pool, keep.access_token);
    expect(left.map((s) => s.SessionId)).toEqual([own!.SessionId]);
  });

  it('a rotating client keeps one session per family however often it rotates', async () => {
    const pool = await start({ sessionManagement: { maxTokenSessionsPerUser: 2 } });
    const family = await signIn(pool, { clientId: ROTATING_CLIENT_ID });
    let token = family.refresh_token;
    for (let i = 0; i < 3; i += 1) {
      const res = await refresh(pool, token, DESKTOP_UA, ROTATING_CLIENT_ID);
      expect(res.status).toBe(200);
      token = String(res.body['refresh_token']);
    }
    const sessions = await list(pool, family.access_token);
    expect(sessions).toHaveLength(1);
    expect(sessions[0]?.DeviceType).toBe('CognitoDesktop 3.4.5 on Linux 6.1.0 (x64)');
  });

  describe('the Hosted UI session (ssoSessionMaxValidityMinutes)', () => {
    /** Where a second authorize in the same browser (cookie jar) goes: the form or straight back. */
    const secondAuthorize = async (pool: RunningUserPool, jar: CookieJar): Promise<'login form' | 'code'> => {
      let res = await get(
        authorizeUrl(pool, {
          client_id: TEST_CLIENT_ID,
          response_type: 'code',
          redirect_uri: callbacks.callbackUrl,
          code_challenge: pkcePair().challenge,
          code_challenge_method: 'S256',
        }),
        jar,
      );
      for (let hops = 0; hops < 5; hops += 1) {
        const location = new URL(res.headers.get('location') ?? '', pool.domain);
        if (location.pathname === '/login') return 'login form';
        if (location.href.startsWith(callbacks.callbackUrl) && location.searchParams.has('code'))
          return 'code';
        res = await get(location.href, jar);
      }
      throw new Error('authorize went nowhere');
    };

    it('0: the login form every time', async () => {
      const pool = await start({ sessionManagement: { ssoSessionMaxValidityMinutes: 0 } });
      const jar = new CookieJar();
      await signIn(pool, { jar });
      expect(await secondAuthorize(pool, jar)).toBe('login form');
    });

    it('1 minute: reused silently within it, the form after it', async () => {
      const pool = await start({ sessionManagement: { ssoSessionMaxValidityMinutes: 1 } });
      const jar = new CookieJar();
      const t0 = Date.now();
      await signIn(pool, { jar });
      expect(await secondAuthorize(pool, jar)).toBe('code');
      vi.useFakeTimers({ toFake: ['Date'], now: t0 + 61_000 });
      expect(await secondAuthorize(pool, jar)).toBe('login form');
    });

    it('absent: Cognito without session management, the cookie reused for its hour', async () => {
      const pool = await start({});
      const jar = new CookieJar();
      await signIn(pool, { jar });
      expect(await secondAuthorize(pool, jar)).toBe('code');
    });
  });

  it('off when absent: no eviction, and the session operations are not enabled', async () => {
    const pool = await start({});
    const first = await signIn(pool);
    for (let i = 0; i < 20; i += 1) await signIn(pool);
    expect((await refresh(pool, first.refresh_token)).status).toBe(200);
    await expect(list(pool, first.access_token)).rejects.toMatchObject({
      name: 'OperationNotEnabledException',
    });
  });

  it('refuses a limit outside Cognito range at start, naming the field', async () => {
    await expect(start({ sessionManagement: { maxTokenSessionsPerUser: 101 } })).rejects.toThrow(
      /sessionManagement\.maxTokenSessionsPerUser/,
    );
    await expect(start({ sessionManagement: { ssoSessionMaxValidityMinutes: -1 } })).rejects.toThrow(
      /sessionManagement\.ssoSessionMaxValidityMinutes/,
    );
  });
});
