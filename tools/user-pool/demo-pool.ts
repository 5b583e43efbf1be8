import type { PoolDefinition } from './types';

/** The built-in pool `npm run user-pool` and `npm start` use when no Cognito is configured (see /tmp constants). */
export const demoPoolDefinition: PoolDefinition = {
  region: 'us-east-1',
  userPoolId: 'us-east-1_LocalPool1',
  clients: [
    {
      clientId: 'localdemo0desktop0client01',
      callbackUrls: [
        'http://127.0.0.1:53682/callback',
        'http://127.0.0.1:53683/callback',
        'http://localhost:53684/callback',
        'com.example.cognitodesktop:/callback',
      ],
      logoutUrls: ['http://127.0.0.1:53682/signed-out', 'com.example.cognitodesktop:/signed-out'],
      allowedScopes: ['openid', 'email', 'profile', 'aws.cognito.signin.user.admin'],
      refreshTokenRotation: false,
      enableTokenRevocation: true,
      accessTokenValiditySeconds: 3600,
      idTokenValiditySeconds: 3600,
      refreshTokenValiditySeconds: 2592000,
    },
  ],
  users: [
    {
      username: 'alice',
      password: 'Alice-demo-1!',
      email: 'alice@example.com',
      emailVerified: true,
      groups: ['admin'],
    },
    {
      username: 'bob',
      password: 'Bob-demo-1!',
      email: 'bob@example.com',
      emailVerified: true,
      groups: [],
    },
  ],
};
