import { connect } from 'node:net';

import { describe, expect, it } from 'vitest';

import { startUserPool, type RunningUserPool } from '../../tools/user-pool';
import { startCallbackServer, type CallbackServer } from './support/callback-server';
import { carolSignIn, usePoolWorld } from './support/pool-world';
import { exchangeCode, httpSignIn, tokenRequest } from './support/http-sign-in';
import { testPoolDefinition, TEST_CLIENT_ID } from './support/pool-fixtures';

/** Sends raw bytes and returns whatever comes back before the server closes (bounded by a timeout). */
async function raw(port: number, request: string): Promise<string> {
  return await new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(Buffer.concat(chunks).toString('latin1'));
    }, 3000);
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('latin1'));
    });
    socket.write(request);
  });
}

describe('robustness and fault injection', () => {
  let pool: RunningUserPool;
  let callbacks: CallbackServer;
  usePoolWorld({}, (world) => ({ pool, callbacks } = world));

  const carol = () => carolSignIn(callbacks);

  async function stillServing(): Promise<void> {
    const res = await fetch(`${pool.issuer}/.well-known/openid-configuration`);
    expect(res.status).toBe(200);
  }

  describe('malformed requests get Cognito-style errors and the pool keeps serving', () => {
    const tokenCases: Array<[string, RequestInit, number, string]> = [
      ['no body', { method: 'POST' }, 400, 'invalid_request'],
      [
        'a JSON body',
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"grant_type":"refresh_token"}',
        },
        400,
        'invalid_request',
      ],
      [
        'a duplicated parameter',
        {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: `grant_type=refresh_token&grant_type=refresh_token&refresh_token=x&client_id=${TEST_CLIENT_ID}`,
        },
        400,
        'invalid_request',
      ],
      [
        'broken percent-encoding',
        {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: `grant_type=refresh_token&refresh_token=%E0%A4%A&client_id=${TEST_CLIENT_ID}`,
        },
        400,
        'invalid_grant',
      ],
      [
        'an oversized body',
        {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: `grant_type=refresh_token&refresh_token=${'a'.repeat(200_000)}`,
        },
        413,
        'invalid_request',
      ],
    ];
    for (const [name, init, status, error] of tokenCases) {
      it(`token endpoint: ${name} -> ${status} ${error}`, async () => {
        const res = await fetch(`${pool.domain}/oauth2/token`, init);
        expect(res.status).toBe(status);
        expect(await res.json()).toEqual({ error });
        await stillServing();
      });
    }

    it('token endpoint: GET is refused without crashing', async () => {
      const res = await fetch(`${pool.domain}/oauth2/token`);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      await stillServing();
    });

    it('authorize: garbage query, wrong method, and a login POST without a flow', async () => {
      const garbage = await fetch(`${pool.domain}/oauth2/authorize?%zz=%%&client_id=%FF`, {
        redirect: 'manual',
      });
      expect(garbage.status).toBe(302);
      expect(new URL(garbage.headers.get('location') ?? '', pool.domain).pathname).toBe('/error');
      const login = await fetch(`${pool.domain}/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'username=carol&password=x',
      });
      expect(login.status).toBe(400);
      await stillServing();
    });

    it('userInfo: huge and odd bearer values are refused with 401', async () => {
      for (const value of ['Bearer', 'Bearer ' + 'x'.repeat(10_000), 'Basic abc', 'Bearer a.b.c.d.e']) {
        const res = await fetch(`${pool.domain}/oauth2/userInfo`, { headers: { authorization: value } });
        expect(res.status).toBe(401);
      }
      await stillServing();
    });

    it('raw garbage on the socket gets 400 and the pool keeps serving', async () => {
      const answer = await raw(pool.port, 'THIS IS NOT HTTP\r\n\r\n');
      expect(answer).toMatch(/^HTTP\/1\.1 400/);
      await stillServing();
    });
  });

  describe('token faults (in front of /oauth2/token, one per request, in order)', () => {
    it('answers 503, 429, HTML 502, invalid_grant and a truncated body, then serves normally', async () => {
      const signIn = await httpSignIn(pool, carol());
      pool.resetCounters();
      pool.injectTokenFaults(
        { kind: 'status', status: 503, body: '{"error":"server_error"}', contentType: 'application/json' },
        { kind: 'status', status: 429 },
        {
          kind: 'status',
          status: 502,
          body: '<html><body>Bad Gateway</body></html>',
          contentType: 'text/html',
        },
        { kind: 'invalid_grant' },
        { kind: 'truncated' },
      );
      const r1 = await exchangeCode(pool, signIn, TEST_CLIENT_ID).catch(() => undefined);
      expect(r1?.status).toBe(503);
      const post = () =>
        fetch(`${pool.domain}/oauth2/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            grant_type: 'authorization_code',
            code: signIn.code,
            redirect_uri: signIn.redirectUri,
            client_id: TEST_CLIENT_ID,
            code_verifier: signIn.verifier,
          }),
        });
      expect((await post()).status).toBe(429);
      const html = await post();
      expect(html.status).toBe(502);
      expect(html.headers.get('content-type')).toContain('text/html');
      const grant = await post();
      expect(grant.status).toBe(400);
      expect(await grant.json()).toEqual({ error: 'invalid_grant' });
      const truncated = await post();
      expect(truncated.status).toBe(200);
      const text = await truncated.text();
      expect(() => JSON.parse(text) as unknown).toThrow();
      // Faults never reached oidc-provider: the code is still good.
      const ok = await post();
      expect(ok.status).toBe(200);
      expect(pool.counters.tokenRequests['authorization_code']).toBe(6);
    });

    it('reset destroys the connection', async () => {
      pool.injectTokenFaults({ kind: 'reset' });
      await expect(tokenRequest(pool, { grant_type: 'refresh_token', refresh_token: 'x' })).rejects.toThrow();
      await stillServing();
    });

    it('hang holds the request until clearFaults()', async () => {
      pool.resetCounters();
      pool.injectTokenFaults({ kind: 'hang' });
      const pending = tokenRequest(pool, { grant_type: 'refresh_token', refresh_token: 'x' });
      let settled = false;
      void pending.catch(() => undefined).finally(() => (settled = true));
      // The request has reached the pool when the counter moves (bounded poll).
      for (let i = 0; i < 100 && (pool.counters.tokenRequests['refresh_token'] ?? 0) === 0; i += 1) {
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(settled).toBe(false);
      pool.clearFaults();
      await expect(pending).rejects.toThrow();
    });

    it('hang ends when the pool closes, and close() drops open connections', async () => {
      const cb = await startCallbackServer();
      const other = await startUserPool({ definition: testPoolDefinition(cb.callbackUrl, cb.signedOutUrl) });
      other.injectTokenFaults({ kind: 'hang' });
      const pending = tokenRequest(other, { grant_type: 'refresh_token', refresh_token: 'x' });
      for (let i = 0; i < 100 && (other.counters.tokenRequests['refresh_token'] ?? 0) === 0; i += 1) {
        await new Promise((r) => setTimeout(r, 20));
      }
      await other.close();
      await expect(pending).rejects.toThrow();
      await expect(fetch(`${other.domain}/oauth2/token`, { method: 'POST' })).rejects.toThrow();
      await cb.close();
    });
  });

  it('suspendListening refuses connections; resumeListening serves again on the same port', async () => {
    const { port } = pool;
    await pool.suspendListening();
    await expect(fetch(`${pool.issuer}/.well-known/jwks.json`)).rejects.toThrow();
    await pool.resumeListening();
    expect(pool.port).toBe(port);
    await stillServing();
  });
});
