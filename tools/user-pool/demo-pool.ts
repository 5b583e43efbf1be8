import { DEMO_IDP_CLIENT, DEMO_IDP_NAME, DEMO_SSO_POOL_USERNAME, DEMO_UPSTREAM_PORT } from './demo-upstream';
import type { PoolDefinition } from './types';

/** The demo world's identity pool (for the demo client) and roles (docs/user-pool.md). */
export const DEMO_IDENTITY_POOL_ID = 'us-east-1:10ca1d00-7001-4000-8000-000000000001';
export const DEMO_ROLES = {
  admin: 'arn:aws:iam::000000000000:role/LocalPoolAdmin',
  staff: 'arn:aws:iam::000000000000:role/LocalPoolStaff',
  authenticated: 'arn:aws:iam::000000000000:role/LocalPoolAuthenticated',
} as const;
/** The user-pool admin operations the admin role may call (docs/user-pool.md lists them). */
export const DEMO_ADMIN_ACTIONS = [
  'cognito-idp:ListUsers',
  'cognito-idp:AdminGetUser',
  'cognito-idp:ListGroups',
  'cognito-idp:AdminListGroupsForUser',
  'cognito-idp:ListUsersInGroup',
  'cognito-idp:AdminAddUserToGroup',
  'cognito-idp:AdminRemoveUserFromGroup',
  'cognito-idp:AdminDisableUser',
  'cognito-idp:AdminEnableUser',
  'cognito-idp:AdminUserGlobalSignOut',
] as const;
/** Static keys for scripts against the demo pool (every action): local only, never a real secret. */
export const DEMO_ADMIN_CREDENTIALS = {
  accessKeyId: 'AKIALOCALPOOLDEMO001',
  secretAccessKey: 'local-user-pool-demo-admin-secret-key',
} as const;

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
      groups: ['staff'],
    },
  ],
  // User-pool API, identity pools, IAM (docs/user-pool.md): alice's admin group may call the
  // admin API and the demo API in IAM mode; bob's staff group only the latter.
  groups: [
    { groupName: 'admin', description: 'Administrators', roleArn: DEMO_ROLES.admin, precedence: 1 },
    { groupName: 'staff', description: 'Staff', roleArn: DEMO_ROLES.staff, precedence: 10 },
  ],
  iamRoles: [
    { arn: DEMO_ROLES.admin, allow: [...DEMO_ADMIN_ACTIONS, 'execute-api:Invoke'] },
    { arn: DEMO_ROLES.staff, allow: ['execute-api:Invoke'] },
    { arn: DEMO_ROLES.authenticated, allow: [] },
  ],
  adminCredentials: { ...DEMO_ADMIN_CREDENTIALS },
  identityPools: [
    {
      identityPoolId: DEMO_IDENTITY_POOL_ID,
      identityPoolName: 'LocalDemoIdentityPool',
      allowUnauthenticatedIdentities: false,
      cognitoIdentityProviders: [{ clientId: 'localdemo0desktop0client01', serverSideTokenCheck: true }],
      roles: { authenticated: DEMO_ROLES.authenticated },
      roleMappings: { type: 'Token', ambiguousRoleResolution: 'AuthenticatedRole' },
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
