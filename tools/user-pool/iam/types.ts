/**
 * The IAM part of a pool definition, as plain data: the roles (with the actions each may perform)
 * and the optional static admin credentials. Any object with these fields will do (a whole pool
 * definition, or a demo API's own), so other local servers can verify the same credentials.
 */

/** A role an identity pool hands out, with the actions it allows (`*` wildcards, case-insensitive). */
export interface IamRoleDefinition {
  /** e.g. `arn:aws:iam::000000000000:role/LocalPoolAdmin`. */
  arn: string;
  /** Actions such as `cognito-idp:ListUsers`, `cognito-idp:Admin*`, `execute-api:Invoke`, `*`. */
  allow: string[];
}

/** Long-lived keys for scripts and tests: allowed every action (an account's root, locally). */
export interface AdminCredentialsDefinition {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface IamDefinition {
  region: string;
  userPoolId: string;
  iamRoles?: IamRoleDefinition[];
  adminCredentials?: AdminCredentialsDefinition;
}

/** Who signed a request that verified. */
export interface IamPrincipal {
  /** `arn:aws:sts::<account>:assumed-role/<role>/CognitoIdentityCredentials`, or the admin user's ARN. */
  arn: string;
  /** The role, for identity-pool credentials; absent for the admin credentials. */
  roleArn?: string;
  accessKeyId: string;
  /** The identity pool identity the credentials were issued to (identity-pool credentials only). */
  identityId?: string;
}

/** Cognito's (and API Gateway's) error names for a request that does not verify. */
export type IamVerifyErrorCode =
  | 'MissingAuthenticationTokenException'
  | 'IncompleteSignatureException'
  | 'InvalidSignatureException'
  | 'UnrecognizedClientException'
  | 'ExpiredTokenException';

export type IamVerifyResult =
  { ok: true; principal: IamPrincipal } | { ok: false; code: IamVerifyErrorCode; message: string };

export type IamAuthorizeResult = { ok: true } | { ok: false; code: 'AccessDeniedException'; message: string };

/** What verify() reads of a request: node:http's headers fit as they are. */
export interface SignedRequest {
  method: string;
  /** The request target (`/path?query`) or a whole URL. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: Uint8Array | string;
}

/** Temporary credentials as an identity pool issues them. */
export interface IssuedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}
