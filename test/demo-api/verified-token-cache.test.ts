import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoApi, type RunningDemoApi } from '../../tools/demo-api';
import { TokenRejectedError, type AccessTokenVerifier } from '../../tools/demo-api/access-token-verifier';
import { VerifiedTokenCache } from '../../tools/demo-api/verified-token-cache';
import type { AccessTokenClaims } from '../../tools/demo-api/types';
import { call, tempDir } from './support/api-call';
import { TestIssuer, b64url, decode } from './support/test-issuer';

/** A verifier that counts calls and accepts tokens named "valid-<exp>", to drive the cache by clock. */
function countingVerifier(): AccessTokenVerifier & { calls: number } {
  const v = {
    calls: 0,
    async verify(token: string): Promise<AccessTokenClaims> {
      v.calls += 1;
      const m = /^valid-(\d+)-/.exec(token);
      if (!m) throw new TokenRejectedError('invalid_token', 'invalid signature');
      return {
        sub: 's',
        username: 'u',
        clientId: 'c',
        issuer: 'i',
        groups: [],
        scopes: [],
        exp: Number(m[1]),
      };
    },
  };
  return v;
}

describe('verified-token cache (unit, injected clock)', () => {
  it('serves a repeated token from the cache but refuses it once the clock passes exp', async () => {
    let now = 1_000_000_000_000;
    const inner = countingVerifier();
    const cache = new VerifiedTokenCache(inner, { maxEntries: 10, now: () => now });
    const exp = now / 1000 + 60;
    const token = `valid-${exp}-a`;
    await cache.verify(token);
    await cache.verify(token);
    expect(inner.calls).toBe(1);
    now = exp * 1000; // exactly at exp: expired
    await expect(cache.verify(token)).rejects.toMatchObject({
      kind: 'invalid_token',
      description: 'token expired',
    });
    expect(cache.size).toBe(0);
  });

  it('never caches failures, nor tokens already expired by its clock', async () => {
    const now = 2_000_000_000_000;
    const inner = countingVerifier();
    const cache = new VerifiedTokenCache(inner, { maxEntries: 10, now: () => now });
    for (let i = 0; i < 3; i++)
      await expect(cache.verify('forged')).rejects.toBeInstanceOf(TokenRejectedError);
    expect(inner.calls).toBe(3);
    await cache.verify(`valid-${now / 1000 - 1}-x`);
    expect(cache.size).toBe(0);
  });

  it('drops the entries unused for a whole generation, keeps the recently used, never exceeds its bound', async () => {
    const now = 1_000;
    const inner = countingVerifier();
    // maxEntries 4: two generations of 2.
    const cache = new VerifiedTokenCache(inner, { maxEntries: 4, now: () => now });
    const t = (n: number) => `valid-9999999999-${n}`;
    for (const n of [1, 2, 3]) await cache.verify(t(n)); // young {1,2} turns old; young {3}
    await cache.verify(t(1)); // a hit in the old generation moves 1 to the young one
    expect(inner.calls).toBe(3);
    await cache.verify(t(4)); // young {3,1} turns old, dropping 2 (unused for a generation)
    expect(cache.size).toBe(3);
    inner.calls = 0;
    for (const n of [1, 3, 4]) await cache.verify(t(n));
    expect(inner.calls).toBe(0);
    await cache.verify(t(2));
    expect(inner.calls).toBe(1);
    for (let n = 10; n < 40; n++) {
      await cache.verify(t(n));
      expect(cache.size).toBeLessThanOrEqual(4);
    }
  });

  it('keeps one entry with maxEntries 1, and a token sharing a key with a cached one is verified in full', async () => {
    const inner = countingVerifier();
    const cache = new VerifiedTokenCache(inner, { maxEntries: 1, now: () => 1_000 });
    // Same last 43 characters (the map key), different tokens: the second must not hit the first.
    const tail = 'k'.repeat(43);
    await cache.verify(`valid-9999999999-a${tail}`);
    await cache.verify(`valid-9999999999-a${tail}`);
    expect(inner.calls).toBe(1);
    expect(cache.size).toBe(1);
    await expect(cache.verify(`forged-b${tail}`)).rejects.toBeInstanceOf(TokenRejectedError);
    expect(inner.calls).toBe(2);
    await cache.verify(`valid-9999999999-a${tail}`); // the good entry survived the forged one
    expect(inner.calls).toBe(2);
  });
});

describe('verified-token cache in the running demo API', () => {
  let issuer: TestIssuer;
  let api: RunningDemoApi;
  const tmp = tempDir();

  beforeAll(async () => {
    issuer = await TestIssuer.start();
    api = await startDemoApi({
      issuer: issuer.issuer,
      clientId: issuer.clientId,
      dbPath: tmp.dbPath,
      tokenCacheSize: 50,
    });
  });
  afterAll(async () => {
    await api?.close();
    await issuer?.close();
    tmp.cleanup();
  });

  it('refuses an expired token even though it was cached while valid', async () => {
    // exp is whole seconds: a token minted with 3 s left expires 2-3 s from now.
    const token = await issuer.mint({ expiresIn: 3 });
    const exp = decode(token).payload['exp'] as number;
    expect((await call(api.url, '/me', { token })).status).toBe(200);
    expect((await call(api.url, '/me', { token })).status).toBe(200);
    expect(api.tokenCacheSize()).toBeGreaterThanOrEqual(1);
    await new Promise((r) => setTimeout(r, Math.max(0, exp * 1000 - Date.now()) + 50));
    const res = await call(api.url, '/me', { token });
    expect(res.status).toBe(401);
    expect(res.json['error_description']).toBe('token expired');
  });

  it('refuses a tampered copy of a cached token', async () => {
    const token = await issuer.mint({ claims: { 'cognito:groups': [] } });
    expect((await call(api.url, '/me', { token })).status).toBe(200);
    expect((await call(api.url, '/admin/users', { token })).status).toBe(403);
    const { payload, parts } = decode(token);
    const escalated = `${parts[0]}.${b64url({ ...payload, 'cognito:groups': ['admin'] })}.${parts[2]}`;
    const res = await call(api.url, '/admin/users', { token: escalated });
    expect(res.status).toBe(401);
    expect(res.json['error_description']).toBe('invalid signature');
    // A flipped signature byte, too.
    const sig = parts[2] ?? '';
    const flipped = `${parts[0]}.${parts[1]}.${sig.slice(0, 10)}${sig[10] === 'A' ? 'B' : 'A'}${sig.slice(11)}`;
    expect((await call(api.url, '/me', { token: flipped })).status).toBe(401);
    // The original still works from the cache, and the route check still runs on it.
    expect((await call(api.url, '/me', { token })).status).toBe(200);
    expect((await call(api.url, '/admin/users', { token })).status).toBe(403);
  });

  it('never grows past its bound under a flood of distinct valid and invalid tokens', async () => {
    const { parts } = decode(await issuer.mint());
    const valid = await Promise.all(Array.from({ length: 120 }, () => issuer.mint()));
    for (let i = 0; i < valid.length; i++) {
      const token = valid[i] ?? '';
      expect((await call(api.url, '/me', { token })).status).toBe(200);
      const forged = `${parts[0]}.${b64url({ n: i, pad: 'x'.repeat(i) })}.${parts[2]}`;
      expect((await call(api.url, '/me', { token: forged })).status).toBe(401);
      expect(api.tokenCacheSize()).toBeLessThanOrEqual(50);
    }
    // Two generations of 25: at least the young one's worth is kept, never more than the bound.
    expect(api.tokenCacheSize()).toBeGreaterThan(25);
  });
});
