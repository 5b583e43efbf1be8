/**
 * IAM, just enough for a local AWS: `createIamAuthority(definition)` verifies SigV4-signed
 * requests and authorizes actions against the definition's roles. The local user pool uses it
 * for its admin API and identity pools; another local server (the demo API's `--authorizer iam`)
 * can import it and verify the same credentials, given the same definition.
 *
 *   const iam = createIamAuthority(definition);
 *   const verified = await iam.verify({ method, url, headers, body }, 'execute-api');
 *   if (!verified.ok) -> 403 / 400 with verified.code and verified.message
 *   const allowed = iam.authorize(verified.principal, 'execute-api:Invoke', resourceArn);
 *
 * verify(): the Authorization header (MissingAuthenticationTokenException without one,
 * IncompleteSignatureException when malformed); the access key (UnrecognizedClientException for
 * an unknown key, or temporary credentials without their session token or with a token of other
 * credentials); expiry (ExpiredTokenException); X-Amz-Date within 15 minutes, the scope's date,
 * region and service, `x-amz-content-sha256` against the body, and the signature itself
 * (InvalidSignatureException). authorize(): the admin credentials may do anything; a role may do
 * what its `allow` patterns match (AccessDeniedException otherwise).
 */
import { credentialsKey, decodeSessionToken, issueSessionCredentials } from './credentials';
import { accountOf, actionAllowed, roleNameOf } from './policy';
import { checkDateAndScope, checkSignature, headerValue, parseAuthorization, SigV4Error } from './sigv4';
import type {
  IamAuthorizeResult,
  IamDefinition,
  IamPrincipal,
  IamVerifyResult,
  IssuedCredentials,
  SignedRequest,
} from './types';

export type * from './types';
export { actionAllowed, roleNameOf } from './policy';

/** The account the local world's ARNs use when the definition names none. */
export const LOCAL_ACCOUNT_ID = '000000000000';

export interface IamAuthorityOptions {
  /** The region requests must be scoped to; default the definition's. */
  region?: string;
  /** The clock (ms); tests move it. */
  now?: () => number;
}

export interface IamAuthority {
  verify(request: SignedRequest, service: string): Promise<IamVerifyResult>;
  authorize(principal: IamPrincipal, action: string, resource?: string): IamAuthorizeResult;
  /** Temporary credentials for a role of the definition (what GetCredentialsForIdentity returns). */
  issueCredentials(grant: {
    roleArn: string;
    identityId: string;
    lifetimeSeconds: number;
  }): IssuedCredentials;
  /** Whether the definition has this role. */
  hasRole(roleArn: string): boolean;
}

export function createIamAuthority(
  definition: IamDefinition,
  options: IamAuthorityOptions = {},
): IamAuthority {
  const key = credentialsKey(definition);
  const now = options.now ?? (() => Date.now());
  const region = options.region ?? definition.region;
  const roles = new Map((definition.iamRoles ?? []).map((r) => [r.arn, r]));
  const admin = definition.adminCredentials;

  async function verify(request: SignedRequest, service: string): Promise<IamVerifyResult> {
    try {
      const auth = parseAuthorization(headerValue(request.headers, 'authorization'));
      const sessionToken = headerValue(request.headers, 'x-amz-security-token');
      let principal: IamPrincipal;
      let secretAccessKey: string;
      if (admin && auth.accessKeyId === admin.accessKeyId) {
        principal = { arn: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:root`, accessKeyId: admin.accessKeyId };
        secretAccessKey = admin.secretAccessKey;
      } else {
        const session = sessionToken === undefined ? undefined : decodeSessionToken(key, sessionToken);
        if (!session || session.accessKeyId !== auth.accessKeyId) {
          return {
            ok: false,
            code: 'UnrecognizedClientException',
            message: 'The security token included in the request is invalid.',
          };
        }
        if (session.expiresAt <= now()) {
          return {
            ok: false,
            code: 'ExpiredTokenException',
            message: 'The security token included in the request is expired',
          };
        }
        principal = {
          arn: `arn:aws:sts::${accountOf(session.roleArn) || LOCAL_ACCOUNT_ID}:assumed-role/${roleNameOf(session.roleArn)}/CognitoIdentityCredentials`,
          roleArn: session.roleArn,
          accessKeyId: session.accessKeyId,
          identityId: session.identityId,
        };
        secretAccessKey = session.secretAccessKey;
      }
      const date = checkDateAndScope(request, auth, { region, service }, now());
      await checkSignature(request, auth, date, {
        accessKeyId: auth.accessKeyId,
        secretAccessKey,
        ...(sessionToken !== undefined ? { sessionToken } : {}),
      });
      return { ok: true, principal };
    } catch (err) {
      if (err instanceof SigV4Error) return { ok: false, code: err.code, message: err.message };
      throw err;
    }
  }

  function authorize(principal: IamPrincipal, action: string, resource?: string): IamAuthorizeResult {
    if (principal.roleArn === undefined && admin && principal.accessKeyId === admin.accessKeyId) {
      return { ok: true };
    }
    const role = principal.roleArn === undefined ? undefined : roles.get(principal.roleArn);
    if (role && actionAllowed(role.allow, action)) return { ok: true };
    return {
      ok: false,
      code: 'AccessDeniedException',
      message: `User: ${principal.arn} is not authorized to perform: ${action}${resource ? ` on resource: ${resource}` : ''} because no identity-based policy allows the ${action} action`,
    };
  }

  return {
    verify,
    authorize,
    issueCredentials: (grant) => issueSessionCredentials(key, grant, now()),
    hasRole: (roleArn) => roles.has(roleArn),
  };
}
