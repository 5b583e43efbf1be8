/**
 * A pool for the user-pool API, identity-pool and IAM tests: groups with roles (one pair sharing
 * a precedence), roles with action lists, static admin credentials, identity pools for the Token
 * and Rules mappings and a short-lived one, and clients for each auth-flow case.
 */
import type { PoolDefinition } from '../../../tools/user-pool/types';

export const REGION = 'eu-west-1';
export const POOL_ID = 'eu-west-1_AwsPool01';
export const CALLBACK = 'com.example.awstest:/callback';
export const APP_CLIENT = 'awsapiclient000000000001';
export const ROTATING_CLIENT = 'awsrotatingclient0000001';
export const SECRET_CLIENT = 'awssecretclient000000001';
export const SECRET = 'aws-secret-client-secret-1';
export const OTHER_CLIENT = 'awsotherclient0000000001';

const role = (name: string) => `arn:aws:iam::123456789012:role/${name}`;
export const ROLES = {
  admin: role('PoolAdmin'),
  staff: role('PoolStaff'),
  peer: role('PoolPeer'),
  authenticated: role('PoolAuthenticated'),
  unauthenticated: role('PoolGuest'),
  carol: role('CarolRule'),
};

export const ADMIN_KEYS = {
  accessKeyId: 'AKIALOCALTESTADMIN01',
  secretAccessKey: 'local-test-admin-secret-key-0001',
};

export const TOKEN_POOL = 'eu-west-1:11111111-1111-4111-8111-111111111111';
export const RULES_POOL = 'eu-west-1:22222222-2222-4222-8222-222222222222';
export const SHORT_POOL = 'eu-west-1:33333333-3333-4333-8333-333333333333';
export const NO_GUEST_ROLE_POOL = 'eu-west-1:44444444-4444-4444-8444-444444444444';

export const users = {
  alice: { username: 'alice', password: 'Alice-aws-1!' },
  bob: { username: 'bob', password: 'Bob-aws-1!' },
  carol: { username: 'carol', password: 'Carol-aws-1!' },
  dave: { username: 'dave', password: 'Dave-aws-1!' },
};

export function awsPoolDefinition(): PoolDefinition {
  const base = {
    callbackUrls: [CALLBACK],
    logoutUrls: [],
    allowedScopes: ['openid', 'email', 'profile', 'aws.cognito.signin.user.admin'],
  };
  return {
    region: REGION,
    userPoolId: POOL_ID,
    clients: [
      {
        clientId: APP_CLIENT,
        ...base,
        explicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      },
      { clientId: ROTATING_CLIENT, ...base, refreshTokenRotation: true },
      {
        clientId: SECRET_CLIENT,
        clientSecret: SECRET,
        ...base,
        explicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH'],
      },
      { clientId: OTHER_CLIENT, ...base, allowedScopes: ['openid', 'email'] },
    ],
    users: [
      {
        ...users.alice,
        email: 'alice@example.com',
        emailVerified: true,
        groups: ['admin'],
        attributes: { name: 'Alice A' },
      },
      { ...users.bob, email: 'bob@example.com', emailVerified: true, groups: ['staff'] },
      { ...users.carol, email: 'carol@example.com', emailVerified: false, groups: ['readers'] },
      {
        ...users.dave,
        email: 'dave@example.org',
        groups: ['admin', 'peers'],
        attributes: { 'custom:team': 'red' },
      },
    ],
    groups: [
      { groupName: 'admin', description: 'Administrators', roleArn: ROLES.admin, precedence: 1 },
      { groupName: 'peers', roleArn: ROLES.peer, precedence: 1 },
      { groupName: 'staff', description: 'Staff', roleArn: ROLES.staff, precedence: 10 },
      { groupName: 'readers', description: 'No role' },
    ],
    iamRoles: [
      {
        arn: ROLES.admin,
        allow: [
          'cognito-idp:ListUsers',
          'cognito-idp:ListGroups',
          'cognito-idp:ListUsersInGroup',
          'cognito-idp:Admin*',
          'execute-api:Invoke',
        ],
      },
      { arn: ROLES.staff, allow: ['execute-api:Invoke'] },
      { arn: ROLES.peer, allow: ['cognito-idp:ListGroups'] },
      { arn: ROLES.authenticated, allow: [] },
      { arn: ROLES.unauthenticated, allow: [] },
      { arn: ROLES.carol, allow: ['cognito-idp:List*'] },
    ],
    adminCredentials: ADMIN_KEYS,
    identityPools: [
      {
        identityPoolId: TOKEN_POOL,
        allowUnauthenticatedIdentities: true,
        cognitoIdentityProviders: [
          { clientId: APP_CLIENT, serverSideTokenCheck: true },
          { clientId: ROTATING_CLIENT },
        ],
        roles: { authenticated: ROLES.authenticated, unauthenticated: ROLES.unauthenticated },
        roleMappings: { type: 'Token', ambiguousRoleResolution: 'AuthenticatedRole' },
      },
      {
        identityPoolId: RULES_POOL,
        allowUnauthenticatedIdentities: false,
        cognitoIdentityProviders: [{ clientId: APP_CLIENT }],
        roles: { authenticated: ROLES.authenticated },
        roleMappings: {
          type: 'Rules',
          ambiguousRoleResolution: 'Deny',
          rulesConfiguration: {
            rules: [
              { claim: 'email', matchType: 'Equals', value: 'carol@example.com', roleArn: ROLES.carol },
              { claim: 'cognito:groups', matchType: 'Contains', value: 'staff', roleArn: ROLES.staff },
            ],
          },
        },
      },
      {
        identityPoolId: SHORT_POOL,
        allowUnauthenticatedIdentities: false,
        cognitoIdentityProviders: [{ clientId: APP_CLIENT }],
        roles: { authenticated: ROLES.admin },
        credentialsValiditySeconds: 2,
      },
      {
        identityPoolId: NO_GUEST_ROLE_POOL,
        allowUnauthenticatedIdentities: true,
        cognitoIdentityProviders: [{ clientId: APP_CLIENT }],
        roles: { authenticated: ROLES.authenticated },
      },
    ],
  };
}

/** Waits (bounded) until the clock has passed `when`: expiry is the event itself. */
export async function waitUntilPast(when: Date, limitMs = 10_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (Date.now() <= when.getTime()) {
    if (Date.now() > deadline) throw new Error('clock did not pass the expiry in time');
    await new Promise((r) => setTimeout(r, Math.min(100, when.getTime() - Date.now() + 5)));
  }
}
