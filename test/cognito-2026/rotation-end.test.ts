/**
 * Rotation that ends (issue 28 item 3, pool side): with refresh-token rotation every rotated token
 * keeps the family's first sign-in expiry, through any number of rotations and through the retry
 * grace (provider-config.ts, ttl.RefreshToken; token-front.ts for the grace). A rotating client with
 * a 60 s refresh-token validity, the pool's clock moved with vitest's Date (the pool runs in process).
 * Two things end a family in the pool: the rotated token's own expiry and its grant's (one sign-in,
 * created with the first token); the test fails when rotation extends the session through either.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

import { startUserPool, type RunningUserPool } from '../../tools/user-pool';
import { startCallbackServer, type CallbackServer } from '../user-pool/support/callback-server';
import { signInForTokens, tokenRequest } from '../user-pool/support/http-sign-in';
import { testPoolDefinition, TEST_CLIENT_ID } from '../user-pool/support/pool-fixtures';

const VALIDITY_S = 60;
const GRACE_S = 10;

describe('refresh-token rotation ends at the family first expiry', () => {
  let callbacks: CallbackServer;
  let pool: RunningUserPool;

  beforeAll(async () => {
    callbacks = await startCallbackServer();
    pool = await startUserPool({
      definition: testPoolDefinition(callbacks.callbackUrl, callbacks.signedOutUrl, {
        refreshTokenRotation: { retryGracePeriodSeconds: GRACE_S },
        refreshTokenValiditySeconds: VALIDITY_S,
      }),
    });
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  afterAll(async () => {
    await pool?.close();
    await callbacks?.close();
  });

  const rotate = async (refreshToken: string) => {
    const res = await tokenRequest(pool, {
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_id: TEST_CLIENT_ID,
    });
    return res;
  };

  it('rotated every 5 s (and once through the grace), the family still ends 60 s after sign-in', async () => {
    const t0 = Date.now();
    vi.useFakeTimers({ toFake: ['Date'], now: t0 });
    const tokens = await signInForTokens(pool, {
      clientId: TEST_CLIENT_ID,
      redirectUri: callbacks.callbackUrl,
      username: 'carol',
      password: 'Carol-test-1!',
    });
    let current = tokens.refresh_token;
    let previous = current;
    const rotatedTokens: string[] = [];
    for (let s = 5; s <= 55; s += 5) {
      vi.setSystemTime(t0 + s * 1000);
      const res = await rotate(current);
      expect(res.status).toBe(200);
      previous = current;
      current = String(res.body['refresh_token']);
      expect(current).not.toBe(previous);
      rotatedTokens.push(current);
    }
    // A retry of the token just rotated away, within its grace: it works, and what it gives ends too.
    vi.setSystemTime(t0 + 57_000);
    const retried = await rotate(previous);
    expect(retried.status).toBe(200);
    const fromGrace = String(retried.body['refresh_token']);

    // 59 s: the newest tokens still work (rotation did not end the family early).
    vi.setSystemTime(t0 + 59_000);
    expect(await pool.isRefreshTokenActive(current)).toBe(true);
    expect(await pool.isRefreshTokenActive(fromGrace)).toBe(true);

    // 61 s: past the first sign-in's 60 s, though the newest tokens are 2-4 s old.
    vi.setSystemTime(t0 + 61_000);
    for (const token of [current, fromGrace]) {
      expect(await pool.isRefreshTokenActive(token)).toBe(false);
      const late = await rotate(token);
      expect(late.status).toBe(400);
      expect(late.body).toEqual({ error: 'invalid_grant' });
    }
    expect(rotatedTokens).toHaveLength(11);
  });

  it('a family signed in later ends later: the end is per family, not per pool', async () => {
    const t0 = Date.now();
    vi.useFakeTimers({ toFake: ['Date'], now: t0 });
    const signIn = () =>
      signInForTokens(pool, {
        clientId: TEST_CLIENT_ID,
        redirectUri: callbacks.callbackUrl,
        username: 'carol',
        password: 'Carol-test-1!',
      });
    const early = await signIn();
    vi.setSystemTime(t0 + 30_000);
    const late = await signIn();
    vi.setSystemTime(t0 + 50_000);
    const earlyNext = String((await rotate(early.refresh_token)).body['refresh_token']);
    const lateNext = String((await rotate(late.refresh_token)).body['refresh_token']);
    vi.setSystemTime(t0 + 75_000);
    expect(await pool.isRefreshTokenActive(earlyNext)).toBe(false);
    expect(await pool.isRefreshTokenActive(lateNext)).toBe(true);
    vi.setSystemTime(t0 + 91_000);
    expect(await pool.isRefreshTokenActive(lateNext)).toBe(false);
  });
});
