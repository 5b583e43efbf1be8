/**
 * The small HTTP shapes browser apps depend on: CORS preflights answered on /oauth2/token,
 * /oauth2/userInfo, /oauth2/revoke and the JSON APIs' `/` (oidc-client-ts and Amplify call them
 * from a page), and the revoke's empty 200 without a text/plain type (oidc-client-ts refuses it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startUserPool, type RunningUserPool } from '../../tools/user-pool';
import { APP_CLIENT, awsPoolDefinition, CALLBACK, users } from './support/aws-world';
import { signInForTokens } from './support/http-sign-in';

describe('CORS and the revoke answer', () => {
  let pool: RunningUserPool;

  beforeAll(async () => {
    pool = await startUserPool({ definition: awsPoolDefinition(), port: 0 });
  });
  afterAll(() => pool?.close());

  const preflight = (path: string, method: string, headers: string) =>
    fetch(`${pool.domain}${path}`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example.test',
        'access-control-request-method': method,
        'access-control-request-headers': headers,
      },
    });

  it.each([
    ['/oauth2/token', 'POST', 'content-type'],
    ['/oauth2/revoke', 'POST', 'content-type,authorization'],
    ['/oauth2/userInfo', 'GET', 'authorization'],
    ['/', 'POST', 'content-type,x-amz-target,x-amz-user-agent,cache-control'],
  ])('answers the preflight of %s', async (path, method, headers) => {
    const res = await preflight(path, method, headers);
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-methods')).toContain(method);
    expect(res.headers.get('access-control-allow-headers')).toBe(headers);
  });

  it('a preflight asking for odd header names gets the fixed list, not an echo', async () => {
    const res = await preflight('/oauth2/userInfo', 'GET', 'authorization;x-evil=1');
    expect(res.headers.get('access-control-allow-headers')).not.toContain('evil');
  });

  it('revoke: 200, empty body, no text/plain; userInfo answers a page with ACAO *', async () => {
    const tokens = await signInForTokens(pool, { clientId: APP_CLIENT, redirectUri: CALLBACK, ...users.bob });
    const info = await fetch(`${pool.domain}/oauth2/userInfo`, {
      headers: { authorization: `Bearer ${tokens.access_token}`, origin: 'https://app.example.test' },
    });
    expect(info.status).toBe(200);
    expect(info.headers.get('access-control-allow-origin')).toBe('*');
    for (const token of [tokens.refresh_token, 'unknown-token']) {
      const res = await fetch(`${pool.domain}/oauth2/revoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://app.example.test' },
        body: new URLSearchParams({ token, client_id: APP_CLIENT }),
      });
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('');
      expect(res.headers.get('content-type')).toBeNull();
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
    }
    // Errors keep their JSON type.
    const bad = await fetch(`${pool.domain}/oauth2/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: tokens.access_token, client_id: APP_CLIENT }),
    });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toMatch(/^application\/json/);
  });
});
