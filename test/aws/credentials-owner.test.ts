/**
 * The credentials owner on its own, against the real local pool's identity pool over the app's
 * transport, with a test clock (as the session tests drive token expiry) so "stale" is a moment
 * the test chooses: many concurrent callers on stale credentials make one GetCredentialsForIdentity;
 * an API that answers "expired" to every signature (the demo API in IAM mode with its clock two
 * hours ahead) costs one forced renewal for 20 concurrent requests, and later requests none.
 */
import path from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIdentityClient } from '../../src/main/aws/aws-clients';
import { createCredentialsOwner, type AwsCredentialsOwner } from '../../src/main/aws/credentials-owner';
import { memoryIdentityIdCache } from '../../src/main/aws/identity-id-cache';
import type { Clock } from '../../src/main/auth/clock';
import { parseProfile, type ResolvedProfile } from '../../src/main/config/profile';
import { createApiClient } from '../../src/main/http/api-client';
import { checkIdentityPool } from '../../src/main/doctor/identity-pool-checks';
import { defaultNodeTransport } from '../../src/main/net/default-transport';
import { AppError } from '../../src/shared/errors';
import type { SessionState } from '../../src/shared/session-state';
import { startDemoApi, type RunningDemoApi } from '../../tools/demo-api';
import { startUserPool, type RunningUserPool } from '../../tools/user-pool';
import { signInWithBrowser } from '../../tools/support/pool-sign-in';
import { IDENTITY_POOL_ID, awsDemoDefinition } from './support/aws-app-world';

const CALLBACK = 'http://127.0.0.1:59871/callback';
let pool: RunningUserPool;
let idToken: string;
let profile: ResolvedProfile;
let dir: string;
const definition = awsDemoDefinition(CALLBACK);

beforeAll(async () => {
  pool = await startUserPool({ port: 0, definition });
  const tokens = await signInWithBrowser(pool, {
    clientId: definition.clients[0]!.clientId,
    username: 'alice',
    password: 'Alice-demo-1!',
    redirectUri: CALLBACK,
    scopes: ['openid', 'email', 'profile'],
  });
  idToken = tokens.id_token;
  profile = parseProfile({
    id: 'owner-test',
    label: 'Owner test',
    region: definition.region,
    userPoolId: definition.userPoolId,
    clientId: definition.clients[0]!.clientId,
    domain: pool.domain,
    issuer: pool.issuer,
    scopes: ['openid'],
    redirect: { loopback: [CALLBACK] },
    identityPool: { id: IDENTITY_POOL_ID, endpoint: pool.identityApiEndpoint },
  }).profile;
  dir = mkdtempSync(path.join(os.tmpdir(), 'aws-owner-'));
});
afterAll(async () => {
  await pool?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Now is the test's to move; timers are recorded and never fire (the test is the scheduler). */
function testClock(): Clock & { advance(ms: number): void } {
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    setTimeout: () => Symbol('timer'),
    clearTimeout: () => undefined,
    advance: (ms) => void (offset += ms),
  };
}

function owner(clock: Clock): AwsCredentialsOwner {
  const signedIn: SessionState = {
    status: 'signed-in',
    user: { sub: 'alice', username: 'alice', groups: ['admin'] },
    accessTokenExpiresAt: Date.now() + 3_600_000,
    lastRefreshAt: 1,
    connectivity: 'online',
    storage: { kind: 'keychain' },
  };
  return createCredentialsOwner({
    profile,
    session: { getIdToken: async () => idToken, getState: () => signedIn },
    identity: createIdentityClient(profile, defaultNodeTransport(), 5000),
    cache: memoryIdentityIdCache(),
    clock,
  });
}

describe('the credentials owner', () => {
  it('one identity-pool round for 50 concurrent callers, again once they are stale, none while fresh', async () => {
    const clock = testClock();
    const o = owner(clock);
    const first = await Promise.all(Array.from({ length: 50 }, () => o.current()));
    expect(new Set(first).size).toBe(1);
    expect(o.calls).toEqual({ getId: 1, getCredentials: 1 });
    await Promise.all(Array.from({ length: 50 }, () => o.current()));
    expect(o.calls.getCredentials).toBe(1);

    // Past the staleness point (a margin before Expiration): one renewal shared by all.
    clock.advance(first[0]!.expiresAt - clock.now() - 30_000);
    const second = await Promise.all(Array.from({ length: 50 }, () => o.current()));
    expect(new Set(second).size).toBe(1);
    expect(second[0]).not.toBe(first[0]);
    expect(o.calls).toEqual({ getId: 1, getCredentials: 2 });
    o.dispose();
    await expect(o.current()).rejects.toSatisfy((e) => e instanceof AppError && e.code === 'CANCELLED');
  });

  it('an API that calls every signature expired: 20 concurrent requests cost one forced renewal, then AWS_CREDENTIALS_REJECTED without more', async () => {
    let api: RunningDemoApi | undefined;
    try {
      api = await startDemoApi({
        authorizer: 'iam',
        iam: definition,
        clientId: 'unused',
        port: 0,
        dbPath: path.join(dir, 'ahead.sqlite'),
        // The API's clock runs two hours ahead: every credential looks expired to it.
        now: () => Date.now() + 2 * 3_600_000,
      });
      const o = owner(testClock());
      const client = createApiClient({
        apis: () => [{ name: 'iam', baseUrl: api!.url, auth: { type: 'sigv4', service: 'execute-api' } }],
        tokens: {
          getAccessToken: () => Promise.reject(new Error('a sigv4 API takes no bearer')),
          forceRefresh: () => Promise.reject(new Error('a sigv4 API takes no bearer')),
        },
      });
      // The client binds the owner as the app does (api-client RequestBinding.aws).
      const bound = createApiClient({
        bind: () => ({
          apis: [{ name: 'iam', baseUrl: api!.url, auth: { type: 'sigv4', service: 'execute-api' } }],
          tokens: {
            getAccessToken: () => Promise.reject(new Error('no')),
            forceRefresh: () => Promise.reject(new Error('no')),
          },
          aws: { region: 'us-east-1', current: () => o.current(), forceRefresh: (r) => o.forceRefresh(r) },
        }),
      });
      // Without credentials, a sigv4 API is refused before anything is sent.
      await expect(
        client.request({ requestId: 'x', api: 'iam', method: 'GET', path: '/me' }),
      ).rejects.toSatisfy((e) => e instanceof AppError && e.code === 'AWS_CREDENTIALS_UNAVAILABLE');
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) =>
          bound.request({ requestId: `r${i}`, api: 'iam', method: 'GET', path: '/me' }),
        ),
      );
      for (const r of results) {
        expect(r.status).toBe('rejected');
        if (r.status === 'rejected') {
          expect(r.reason).toBeInstanceOf(AppError);
          expect((r.reason as AppError).code).toBe('AWS_CREDENTIALS_REJECTED');
        }
      }
      expect(o.calls.getCredentials).toBe(2);
      const later = await Promise.allSettled([
        bound.request({ requestId: 'late', api: 'iam', method: 'GET', path: '/me' }),
      ]);
      expect(later[0]!.status).toBe('rejected');
      expect(o.calls.getCredentials).toBe(2);
      // A page-set x-amz-* header is refused for a signed API.
      await expect(
        bound.request({
          requestId: 'h',
          api: 'iam',
          method: 'GET',
          path: '/me',
          headers: { 'X-Amz-Date': '20200101T000000Z' },
        }),
      ).rejects.toSatisfy((e) => e instanceof AppError && e.code === 'HEADER_NOT_ALLOWED');
      o.dispose();
    } finally {
      await api?.close();
    }
  });

  it('the doctor checks the identity pool without a sign-in: the id parses and the endpoint answers; an unknown pool fails with the fix', async () => {
    const transport = defaultNodeTransport();
    const good = await checkIdentityPool(profile, transport);
    expect(good.map((r) => [r.id, r.status])).toEqual([
      ['identity-pool-id', 'pass'],
      ['identity-pool-get-id', 'pass'],
    ]);
    const unknown = await checkIdentityPool(
      {
        ...profile,
        identityPool: { ...profile.identityPool!, id: 'us-east-1:00000000-0000-4000-8000-00000000dead' },
      },
      transport,
    );
    expect(unknown[1]).toMatchObject({
      status: 'fail',
      fix: expect.stringMatching(/^No identity pool us-east-1:0+-0+-4000/),
    });
    // Signed in: GetId with the ID token, and the role in use from the owner's view.
    const o = owner(testClock());
    await o.current();
    const signedIn = await checkIdentityPool(profile, transport, {
      idToken: async () => idToken,
      view: () => o.view(),
    });
    expect(signedIn.map((r) => [r.id, r.status])).toEqual([
      ['identity-pool-id', 'pass'],
      ['identity-pool-get-id', 'pass'],
      ['identity-pool-role', 'pass'],
    ]);
    expect(signedIn[2]!.detail).toMatch(/^LocalPoolAdmin;/);
    expect(JSON.stringify(signedIn)).not.toMatch(/eyJ|ASIA/);
    o.dispose();
  });
});
