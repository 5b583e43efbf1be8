import type { Page } from 'playwright-core';

import type { PoolClientDefinition, PoolDefinition } from '../../../tools/user-pool/types';

export const TEST_CLIENT_ID = 'testdesktopclient0000000001';
export const ROTATING_CLIENT_ID = 'testrotatingclient00000001';
export const SECRET_CLIENT_ID = 'testconfidentialclient0001';
export const SECRET = 'test-client-secret-value-1';
export const NO_REVOKE_CLIENT_ID = 'testnorevokeclient00000001';

/** A pool registering one callback server's URLs (free port) for a few kinds of client. */
export function testPoolDefinition(
  callbackUrl: string,
  signedOutUrl: string,
  overrides: Partial<PoolClientDefinition> = {},
): PoolDefinition {
  const base = {
    callbackUrls: [callbackUrl, 'com.example.cognitodesktop.test:/callback'],
    logoutUrls: [signedOutUrl],
    allowedScopes: ['openid', 'email', 'profile', 'aws.cognito.signin.user.admin'],
  };
  return {
    region: 'eu-west-1',
    userPoolId: 'eu-west-1_TestPool9',
    clients: [
      { clientId: TEST_CLIENT_ID, ...base, ...overrides },
      { clientId: ROTATING_CLIENT_ID, ...base, refreshTokenRotation: true },
      { clientId: SECRET_CLIENT_ID, clientSecret: SECRET, ...base },
      { clientId: NO_REVOKE_CLIENT_ID, ...base, enableTokenRevocation: false },
    ],
    users: [
      {
        username: 'carol',
        password: 'Carol-test-1!',
        email: 'carol@example.com',
        emailVerified: true,
        groups: ['admin', 'editors'],
        attributes: { 'custom:team': 'blue' },
      },
      { username: 'dave', password: 'Dave-test-1!', email: 'dave@example.com', emailVerified: false },
    ],
  };
}

/** Fills the Hosted UI form the way a user does (by the labels) and submits it. */
export async function submitLogin(page: Page, username: string, password: string): Promise<void> {
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}
