import { createHash, randomBytes } from 'node:crypto';

import type { Browser, Page } from 'playwright-core';

import {
  startUpstreamIdp,
  startUserPool,
  type RunningUpstreamIdp,
  type RunningUserPool,
} from '../../../tools/user-pool';
import { launchBrowser } from '../../../tools/support/browser';
import { startCallbackServer, type CallbackServer } from './callback-server';
import { SECRET_CLIENT_ID, TEST_CLIENT_ID, testPoolDefinition } from './pool-fixtures';

export const IDP_NAME = 'TestCorpIdP';
export const IDP_IDENTIFIER = 'corp.test';
export const UPSTREAM_USER = {
  sub: 'c0ffee00-aaaa-4bbb-8ccc-0123456789ab',
  username: 'erin',
  password: 'Erin-upstream-1!',
  email: 'erin@corp.test',
  emailVerified: true,
  name: 'Erin Upstream',
};
export const FEDERATED_USERNAME = `${IDP_NAME}_${UPSTREAM_USER.sub}`;
const UPSTREAM_CLIENT = { clientId: 'pool-at-upstream', clientSecret: 'upstream-secret-for-tests-1' };

/** A test pool federating its own upstream OIDC provider (its own issuer and port), plus Chromium. */
export interface FederationWorld {
  pool: RunningUserPool;
  upstream: RunningUpstreamIdp;
  callbacks: CallbackServer;
  browser: Browser;
  close(): Promise<void>;
}

export async function startFederationWorld(): Promise<FederationWorld> {
  const callbacks = await startCallbackServer();
  let upstream: RunningUpstreamIdp | undefined;
  let pool: RunningUserPool | undefined;
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close();
    await pool?.close();
    await upstream?.close();
    await callbacks.close();
  };
  try {
    upstream = await startUpstreamIdp({
      title: 'Test Corp SSO',
      users: [UPSTREAM_USER],
      clients: [{ ...UPSTREAM_CLIENT, redirectUris: ['http://127.0.0.1/oauth2/idpresponse'] }],
    });
    const base = testPoolDefinition(callbacks.callbackUrl, callbacks.signedOutUrl, {
      supportedIdentityProviders: ['COGNITO', IDP_NAME],
    });
    pool = await startUserPool({
      definition: {
        ...base,
        identityProviders: [
          {
            providerName: IDP_NAME,
            providerType: 'OIDC',
            providerDetails: {
              client_id: UPSTREAM_CLIENT.clientId,
              client_secret: UPSTREAM_CLIENT.clientSecret,
              oidc_issuer: upstream.issuer,
              authorize_scopes: 'openid email profile',
            },
            attributeMapping: { email: 'email', email_verified: 'email_verified', name: 'name' },
            idpIdentifiers: [IDP_IDENTIFIER],
          },
        ],
        federatedUsers: [{ username: FEDERATED_USERNAME, groups: ['admin'] }],
      },
    });
    browser = await launchBrowser();
    return { pool, upstream, callbacks, browser, close };
  } catch (err) {
    await close();
    throw err;
  }
}

export { SECRET_CLIENT_ID, TEST_CLIENT_ID };

export function appRequest(clientId = TEST_CLIENT_ID) {
  const verifier = randomBytes(32).toString('base64url');
  return {
    verifier,
    state: randomBytes(12).toString('base64url'),
    nonce: randomBytes(12).toString('base64url'),
    params: (redirectUri: string, extra: Record<string, string> = {}) => ({
      client_id: clientId,
      response_type: 'code',
      redirect_uri: redirectUri,
      scope: 'openid email profile',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
      ...extra,
    }),
  };
}

/** Signs in on the upstream's own page, the way the user does. */
export async function signInUpstream(page: Page, username: string, password: string): Promise<void> {
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}
