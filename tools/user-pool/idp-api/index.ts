/**
 * The user-pool API (Cognito Identity Provider, `AWSCognitoIdentityProviderService.<Op>`): one
 * operation table, merged from the per-responsibility tables. Add operations by adding a table
 * here (the dispatcher, aws-api-server.ts, needs no change).
 */
import type { AwsOperationTable } from '../aws-api-server';
import { accessTokenOperations } from './access-token-operations';
import { adminOperations } from './admin-operations';
import type { IdpApiContext } from './context';
import { sessionOperations } from './session-operations';

export const IDP_TARGET_PREFIX = 'AWSCognitoIdentityProviderService.';

export type { IdpApiContext } from './context';
export { userOfAccessToken, ADMIN_SCOPE } from './access-token-operations';

export function createIdpOperations(ctx: IdpApiContext): AwsOperationTable {
  return {
    ...accessTokenOperations(ctx),
    ...adminOperations(ctx),
    ...sessionOperations(ctx),
  };
}
