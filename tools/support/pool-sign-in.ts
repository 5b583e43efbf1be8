import * as client from 'openid-client';
import type { Browser } from 'playwright-core';
import type { RunningUserPool } from '../user-pool/types';
import { fillHostedUiLogin, launchBrowser } from './browser';

export interface PoolSignInOptions {
  clientId: string;
  username: string;
  password: string;
  /** A callback URL registered for the client. Must be http(s): the browser's navigation to it is intercepted, so nothing needs to listen there. */
  redirectUri: string;
  scopes: string[];
  /** Reuse an open browser (faster for many sign-ins); default: launch one and close it afterwards. */
  browser?: Browser;
  timeoutMs?: number;
}

export interface PoolTokens {
  access_token: string;
  id_token: string;
  refresh_token: string | undefined;
  expires_in: number | undefined;
}

/**
 * Gets real tokens from the local user pool the way a user does: openid-client builds the
 * authorize URL (code + PKCE S256, state, nonce), Chromium opens the Hosted UI and submits the
 * login form, and the redirect to `redirectUri` is caught with Playwright's page.route (answered
 * with a fixed page, never reaching the network), then the code is exchanged with openid-client.
 * Catching the navigation needs no listener, so tests need not hold a port for the redirect.
 */
export async function signInWithBrowser(
  pool: RunningUserPool,
  options: PoolSignInOptions,
): Promise<PoolTokens> {
  const redirect = new URL(options.redirectUri);
  if (redirect.protocol !== 'http:' && redirect.protocol !== 'https:') {
    throw new Error('signInWithBrowser intercepts http(s) redirect URIs only');
  }
  const timeout = options.timeoutMs ?? 20_000;
  // The local pool is always on loopback: plain http is allowed for it alone.
  const config = await client.discovery(new URL(pool.issuer), options.clientId, undefined, client.None(), {
    execute: [client.allowInsecureRequests],
  });
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const authorizeUrl = client.buildAuthorizationUrl(config, {
    redirect_uri: options.redirectUri,
    scope: options.scopes.join(' '),
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });

  const browser = options.browser ?? (await launchBrowser());
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const target = `${redirect.origin}${redirect.pathname}`;
    let resolveCallback: (url: string) => void = () => undefined;
    const callback = new Promise<string>((resolve) => (resolveCallback = resolve));
    await page.route(
      (url) => `${url.origin}${url.pathname}` === target,
      async (route) => {
        resolveCallback(route.request().url());
        await route.fulfill({
          status: 200,
          contentType: 'text/html',
          body: '<!doctype html><title>Done</title>',
        });
      },
    );
    let timer: NodeJS.Timeout | undefined;
    let callbackUrl: string;
    try {
      await page.goto(authorizeUrl.href, { timeout });
      await fillHostedUiLogin(page, options, timeout);
      callbackUrl = await Promise.race([
        callback,
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`no redirect to ${target} within ${timeout} ms`)),
            timeout,
          );
        }),
      ]).finally(() => clearTimeout(timer));
    } catch (err) {
      // Say where the browser got stuck (path and visible text only: no query, so no code or state).
      const where = new URL(page.url());
      const text = await page
        .locator('body')
        .innerText({ timeout: 1000 })
        .catch(() => '');
      const reason = err instanceof Error ? (err.message.split('\n')[0] ?? '') : String(err);
      throw new Error(
        `sign-in as ${options.username} failed at ${where.origin}${where.pathname}: ${reason}; page says: ${text
          .replace(/\s+/g, ' ')
          .slice(0, 200)}`,
        { cause: err },
      );
    }

    const tokens = await client.authorizationCodeGrant(config, new URL(callbackUrl), {
      pkceCodeVerifier: verifier,
      expectedState: state,
      expectedNonce: nonce,
    });
    if (!tokens.id_token) throw new Error('the pool returned no ID token (is "openid" in scopes?)');
    return {
      access_token: tokens.access_token,
      id_token: tokens.id_token,
      refresh_token: tokens.refresh_token,
      expires_in: tokens.expires_in,
    };
  } finally {
    await context.close();
    if (!options.browser) await browser.close();
  }
}
