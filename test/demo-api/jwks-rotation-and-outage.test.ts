import { afterEach, describe, expect, it } from 'vitest';
import { startDemoApi, type RunningDemoApi } from '../../tools/demo-api';
import { call, tempDir } from './support/api-call';
import { TestIssuer, makeSigningKey } from './support/test-issuer';

/** Key rotation (one refetch, rate-limited) and a JWKS that is down (fail closed, then recover). */
describe('demo API signing keys', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function setup(options: { refetchWait?: number; cooldownMs?: number } = {}) {
    const issuer = await TestIssuer.start();
    const tmp = tempDir();
    const api: RunningDemoApi = await startDemoApi({
      issuer: issuer.issuer,
      clientId: issuer.clientId,
      dbPath: tmp.dbPath,
      ...(options.refetchWait === undefined ? {} : { jwksRefetchWaitSeconds: options.refetchWait }),
      ...(options.cooldownMs === undefined ? {} : { jwksFailureCooldownMs: options.cooldownMs }),
    });
    cleanups.push(
      () => issuer.close(),
      tmp.cleanup,
      () => api.close(),
    );
    return { issuer, api };
  }

  it('verifies tokens signed with a newly rotated key after exactly one JWKS refetch', async () => {
    const { issuer, api } = await setup();
    expect((await call(api.url, '/me', { token: await issuer.mint() })).status).toBe(200);
    expect(issuer.jwksFetches).toBe(1);
    // Many requests on the known key: no further fetch.
    for (let i = 0; i < 5; i++) await call(api.url, '/me', { token: await issuer.mint() });
    expect(issuer.jwksFetches).toBe(1);

    const oldToken = await issuer.mint();
    await issuer.rotate();
    const newToken = await issuer.mint();
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => call(api.url, '/me', { token: newToken })),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
    expect(issuer.jwksFetches).toBe(2);
    // Tokens of the previous key stay valid while it is still published.
    expect((await call(api.url, '/me', { token: oldToken })).status).toBe(200);
    expect(issuer.jwksFetches).toBe(2);
  });

  it('does not let a flood of unknown kids cause a fetch storm (penalty box)', async () => {
    const { issuer, api } = await setup({ refetchWait: 30 });
    expect((await call(api.url, '/me', { token: await issuer.mint() })).status).toBe(200);
    const attacker = await makeSigningKey();
    const forged = await Promise.all(
      Array.from({ length: 20 }, (_, i) => issuer.mint({ key: attacker, header: { kid: `forged-${i}` } })),
    );
    for (const token of forged) {
      const res = await call(api.url, '/me', { token });
      expect(res.status).toBe(401);
      expect(res.json['error_description']).toBe('unknown signing key');
    }
    // One refetch for the first unknown kid; the rest wait out the penalty box without fetching.
    expect(issuer.jwksFetches).toBe(2);
    expect(api.jwksFetchCount()).toBe(2);
    // Known keys keep working meanwhile.
    expect((await call(api.url, '/me', { token: await issuer.mint() })).status).toBe(200);
  });

  it('fails closed with 503 while the JWKS is unreachable and recovers when it returns', async () => {
    const { issuer, api } = await setup({ cooldownMs: 1000 });
    const token = await issuer.mint();
    await issuer.suspend(); // connection refused

    const down = await call(api.url, '/me', { token });
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toBe('1');
    expect(down.json).toEqual({
      error: 'temporarily_unavailable',
      error_description: 'signing keys unavailable',
    });
    expect(down.text).not.toContain(token);

    // The JWKS answers with an HTML 503: still closed.
    await issuer.resume();
    issuer.mode = 'error';
    await new Promise((r) => setTimeout(r, 1100)); // past the failure cooldown
    expect((await call(api.url, '/me', { token })).status).toBe(503);

    // Requests one after another do not each hit the JWKS: at most one fetch per cooldown period
    // (1 s), however long they take on a loaded machine. Without the cooldown this would be 10.
    const before = issuer.jwksFetches;
    const burstStart = Date.now();
    for (let i = 0; i < 10; i++) expect((await call(api.url, '/me', { token })).status).toBe(503);
    const periods = Math.floor((Date.now() - burstStart) / 1000) + 1;
    expect(issuer.jwksFetches - before).toBeLessThanOrEqual(Math.min(periods, 9));

    issuer.mode = 'ok';
    let status = 0;
    const deadline = Date.now() + 15_000;
    while (status !== 200 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      status = (await call(api.url, '/me', { token })).status;
    }
    expect(status).toBe(200);
  });
});
