import type { PoolDefinition } from '../../../tools/user-pool/types';
import { testPoolDefinition } from './pool-fixtures';

export const FULL_CLIENT_ID = 'fidelityfullclient00000001';
export const READ_CLIENT_ID = 'fidelityreadclient00000001';
export const GRACE_CLIENT_ID = 'fidelitygraceclient0000001';
export const SINGLE_CLIENT_ID = 'fidelitysinglecallback0001';
export const DEFAULT_CLIENT_ID = 'fidelitydefaultredirect001';
export const API_IDENTIFIER = 'https://orders.example.test';
export const GRACE_SECONDS = 2;

export const erin = { username: 'erin', password: 'Erin-test-1!' };
export const frank = { username: 'frank', password: 'Frank-test-1!' };

/** The test pool plus clients and users for the Cognito-fidelity items of issue 18. */
export function fidelityPoolDefinition(
  callbackUrl: string,
  signedOutUrl: string,
  extra: Partial<PoolDefinition> = {},
): PoolDefinition {
  const base = testPoolDefinition(callbackUrl, signedOutUrl);
  const scopes = [
    'openid',
    'email',
    'phone',
    'profile',
    'aws.cognito.signin.user.admin',
    `${API_IDENTIFIER}/read`,
  ];
  const common = {
    callbackUrls: [callbackUrl, `${callbackUrl}2`],
    logoutUrls: [signedOutUrl],
    allowedScopes: scopes,
  };
  return {
    ...base,
    resourceServers: [{ identifier: API_IDENTIFIER, scopes: ['read'] }],
    clients: [
      ...base.clients,
      { clientId: FULL_CLIENT_ID, ...common },
      { clientId: READ_CLIENT_ID, ...common, readAttributes: ['email', 'name'] },
      {
        clientId: GRACE_CLIENT_ID,
        ...common,
        refreshTokenRotation: { retryGracePeriodSeconds: GRACE_SECONDS },
      },
      { clientId: SINGLE_CLIENT_ID, ...common, callbackUrls: [callbackUrl] },
      { clientId: DEFAULT_CLIENT_ID, ...common, defaultRedirectUri: `${callbackUrl}2` },
    ],
    users: [
      ...base.users,
      {
        ...erin,
        email: 'erin@example.com',
        emailVerified: true,
        phoneNumber: '+15555550100',
        phoneNumberVerified: false,
        attributes: { name: 'Erin Example', given_name: 'Erin', 'custom:team': 'red' },
      },
      // No emailVerified: Cognito then puts no email_verified in tokens or userInfo.
      { ...frank, email: 'frank@example.com' },
    ],
    ...extra,
  };
}
