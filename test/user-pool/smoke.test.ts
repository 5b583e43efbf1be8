import * as client from 'openid-client';
import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';

import type { RunningUserPool } from '../../tools/user-pool';
import type { CallbackServer } from './support/callback-server';
import { usePoolWorld } from './support/pool-world';
import { submitLogin, TEST_CLIENT_ID } from './support/pool-fixtures';

describe('local user pool smoke: full sign-in with openid-client and Chromium', () => {
  let pool: RunningUserPool;
  let callbacks: CallbackServer;
  let browser: Browser;
  usePoolWorld({ browser: true }, (world) => {
    ({ pool, callbacks } = world);
    browser = world.browser!;
  });

  it('signs in, refreshes, reads userInfo and revokes', async () => {
    const config = await client.discovery(new URL(pool.issuer), TEST_CLIENT_ID, undefined, client.None(), {
      execute: [client.allowInsecureRequests],
    });
    expect(config.serverMetadata().token_endpoint).toBe(`${pool.domain}/oauth2/token`);

    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const authorizeUrl = client.buildAuthorizationUrl(config, {
      redirect_uri: callbacks.callbackUrl,
      scope: 'openid email profile',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });

    const page = await browser.newPage();
    try {
      await page.goto(authorizeUrl.href);
      await submitLogin(page, 'carol', 'Carol-test-1!');
      const callback = await callbacks.next();
      expect(callback.searchParams.get('state')).toBe(state);
      expect(callback.searchParams.get('code')).toBeTruthy();

      const tokens = await client.authorizationCodeGrant(
        config,
        new URL(`${callbacks.callbackUrl}${callback.search}`),
        { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce },
      );
      expect(tokens.token_type.toLowerCase()).toBe('bearer');
      expect(tokens.refresh_token).toBeTruthy();
      const idClaims = tokens.claims();
      expect(idClaims?.['cognito:username']).toBe('carol');
      expect(idClaims?.['token_use']).toBe('id');

      const info = await client.fetchUserInfo(config, tokens.access_token, idClaims?.sub ?? '');
      expect(info['username']).toBe('carol');

      const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token ?? '');
      expect(refreshed.access_token).toBeTruthy();
      expect(refreshed.refresh_token).toBeUndefined();

      await client.tokenRevocation(config, tokens.refresh_token ?? '');
      await expect(client.refreshTokenGrant(config, tokens.refresh_token ?? '')).rejects.toMatchObject({
        error: 'invalid_grant',
      });
      expect(pool.counters.tokenRequests['authorization_code']).toBe(1);
      expect(pool.counters.tokenRequests['refresh_token']).toBe(2);
    } finally {
      await page.close();
    }
  });
});
