/**
 * The definition fields of the user-pool API, groups with IAM roles, identity pools and IAM
 * (issue 26). Names are Cognito's API fields in camelCase.
 */
import type { AdminCredentialsDefinition, IamRoleDefinition } from './iam/types';

export type { AdminCredentialsDefinition, IamRoleDefinition };

/** Cognito's CreateGroup: users' `groups` refer to these by name. */
export interface PoolGroupDefinition {
  groupName: string;
  description?: string;
  /** The IAM role of the group: ID tokens of its members carry it in `cognito:roles`. */
  roleArn?: string;
  /** 0 is the highest; decides `cognito:preferred_role`. Absent ranks below every number. */
  precedence?: number;
}

/** A rule of a "Rules" role mapping (MappingRule). */
export interface RoleMappingRuleDefinition {
  claim: string;
  matchType: 'Equals' | 'Contains' | 'StartsWith' | 'NotEqual';
  value: string;
  roleArn: string;
}

export interface IdentityPoolDefinition {
  /** `<region>:<uuid>`. */
  identityPoolId: string;
  identityPoolName?: string;
  allowUnauthenticatedIdentities: boolean;
  /** The app clients of this pool whose ID tokens it accepts. */
  cognitoIdentityProviders: Array<{ clientId: string; serverSideTokenCheck?: boolean }>;
  roles: { authenticated: string; unauthenticated?: string };
  roleMappings?: {
    type: 'Token' | 'Rules';
    ambiguousRoleResolution: 'AuthenticatedRole' | 'Deny';
    rulesConfiguration?: { rules: RoleMappingRuleDefinition[] };
  };
  /** How long issued credentials live (Cognito: one hour); shorter for tests of expiry. */
  credentialsValiditySeconds?: number;
}
