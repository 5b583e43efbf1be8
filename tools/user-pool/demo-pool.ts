import { DEMO_IDP_CLIENT, DEMO_IDP_NAME, DEMO_SSO_POOL_USERNAME, DEMO_UPSTREAM_PORT } from './demo-upstream';
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
      supportedIdentityProviders: ['COGNITO', DEMO_IDP_NAME],
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
  // Federation (docs/user-pool.md): Example Corp SSO, the demo upstream (demo-upstream.ts).
  identityProviders: [
    {
      providerName: DEMO_IDP_NAME,
      providerType: 'OIDC',
      providerDetails: {
        client_id: DEMO_IDP_CLIENT.clientId,
        client_secret: DEMO_IDP_CLIENT.clientSecret,
        oidc_issuer: `http://127.0.0.1:${DEMO_UPSTREAM_PORT}`,
        authorize_scopes: 'openid email profile',
      },
      attributeMapping: { email: 'email', email_verified: 'email_verified', name: 'name' },
      idpIdentifiers: ['corp.example'],
    },
  ],
  federatedUsers: [{ username: DEMO_SSO_POOL_USERNAME, groups: ['admin'] }],
};

/** The demo pool federating an upstream at another issuer (the demo upstream on another port, or a test's). */
export function withUpstreamIssuer(
  definition: PoolDefinition,
  providerName: string,
  issuer: string,
): PoolDefinition {
  return {
    ...definition,
    identityProviders: (definition.identityProviders ?? []).map((idp) =>
      idp.providerName === providerName
        ? { ...idp, providerDetails: { ...idp.providerDetails, oidc_issuer: issuer } }
        : idp,
    ),
  };
}
