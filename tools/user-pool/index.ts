/**
 * The local Cognito user pool as a module: `startUserPool()` serves a Cognito-shaped Hosted UI and
 * OAuth 2.0/OIDC endpoints on 127.0.0.1 on top of oidc-provider. The CLI (cli.ts) wraps it.
 */
export { startUserPool } from './user-pool-server';
export {
  demoPoolDefinition,
  withUpstreamIssuer,
  DEMO_ADMIN_ACTIONS,
  DEMO_ADMIN_CREDENTIALS,
  DEMO_IDENTITY_POOL_ID,
  DEMO_ROLES,
} from './demo-pool';
export { startUpstreamIdp } from './upstream-idp';
export type {
  RunningUpstreamIdp,
  StartUpstreamIdpOptions,
  UpstreamClient,
  UpstreamUser,
} from './upstream-idp';
export * from './demo-upstream';
export type * from './federation-types';
export { parsePoolDefinition, poolDefinitionSchema } from './definition-schema';
export { createIamAuthority } from './iam';
export type { IamAuthority, IamPrincipal, IamVerifyResult, SignedRequest } from './iam';
export type * from './aws-api-types';
export type * from './types';
