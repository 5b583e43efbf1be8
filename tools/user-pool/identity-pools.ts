/**
 * Cognito identity pools (Cognito Identity, `X-Amz-Target: AWSCognitoIdentityService.<Op>`), the
 * enhanced flow: `GetId` (a stable IdentityId per user and identity pool, derived from both so it
 * survives restarts) and `GetCredentialsForIdentity` (temporary credentials for the role the
 * mapping selects, issued by iam/). Logins are keyed by the issuer without its scheme (the local
 * form of `cognito-idp.<region>.amazonaws.com/<poolId>`) and carry the pool's ID token.
 * Unauthenticated identities (when allowed) are random and remembered for the process's life.
 */
import { createHash, randomUUID } from 'node:crypto';

import type { IdentityPoolDefinition, RoleMappingRuleDefinition } from './aws-api-types';
import { AwsApiError, epochSeconds, optionalString, requireString } from './aws-json';
import type { IamAuthority } from './iam';
import { signInAlive, verifyPoolJwt, type PoolTokenDeps } from './pool-tokens';
import type { PoolDefinition } from './types';

export const IDENTITY_TARGET_PREFIX = 'AWSCognitoIdentityService.';

export interface IdentityPoolDeps extends PoolTokenDeps {
  definition: PoolDefinition;
  iam: IamAuthority;
  log: (line: string) => void;
}

export type IdentityOperation = (input: Record<string, unknown>) => Promise<unknown>;

const DEFAULT_CREDENTIALS_SECONDS = 3600;

function uuidFrom(text: string): string {
  const hex = createHash('sha256').update(text).digest('hex');
  const variant = ((parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function claimMatches(claim: unknown, rule: RoleMappingRuleDefinition): boolean {
  const values = Array.isArray(claim) ? claim.map(String) : claim === undefined ? [] : [String(claim)];
  switch (rule.matchType) {
    case 'Equals':
      return values.includes(rule.value);
    case 'Contains':
      return values.some((v) => v.includes(rule.value));
    case 'StartsWith':
      return values.some((v) => v.startsWith(rule.value));
    case 'NotEqual':
      return values.length > 0 && !values.includes(rule.value);
  }
}

export function createIdentityPools(deps: IdentityPoolDeps): Record<string, IdentityOperation> {
  const { definition, iam } = deps;
  const loginKey = deps.issuer.replace(/^https?:\/\//, '');
  // identityId -> identityPoolId, for the ids this process handed out.
  const unauthenticated = new Map<string, string>();
  const authenticated = new Map<string, string>();

  function identityPool(input: Record<string, unknown>): IdentityPoolDefinition {
    const id = requireString(input, 'IdentityPoolId');
    if (!/^[\w-]+:[0-9a-f-]+$/.test(id) || id.length > 55) {
      throw new AwsApiError(
        'InvalidParameterException',
        `1 validation error detected: Value '${id}' at 'identityPoolId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w-]+:[0-9a-f-]+`,
      );
    }
    const pool = definition.identityPools?.find((p) => p.identityPoolId === id);
    if (!pool) throw new AwsApiError('ResourceNotFoundException', `IdentityPool '${id}' not found.`);
    return pool;
  }

  /** The verified ID token's claims from a Logins map, or undefined without logins. */
  async function login(pool: IdentityPoolDefinition, input: Record<string, unknown>) {
    const logins = input['Logins'];
    if (logins === undefined || logins === null) return undefined;
    if (typeof logins !== 'object' || Array.isArray(logins)) {
      throw new AwsApiError('SerializationException', 'Logins must be a map of provider names to tokens');
    }
    const entries = Object.entries(logins as Record<string, unknown>);
    if (entries.length === 0) return undefined;
    const [provider, token] = entries[0] as [string, unknown];
    if (entries.length > 1 || provider !== loginKey || typeof token !== 'string') {
      throw new AwsApiError(
        'NotAuthorizedException',
        'Token is not from a supported provider of this identity pool.',
      );
    }
    const verified = await verifyPoolJwt(deps, token);
    if (!verified.ok) {
      throw new AwsApiError(
        'NotAuthorizedException',
        verified.reason === 'expired'
          ? `Invalid login token. Token expired: ${verified.exp ?? 0} >= ${Math.floor(Date.now() / 1000)}`
          : "Invalid login token. Couldn't verify signed token.",
      );
    }
    const claims = verified.claims;
    if (claims['token_use'] !== 'id') {
      throw new AwsApiError(
        'NotAuthorizedException',
        'Invalid login token. Not a valid OpenId Connect identity token.',
      );
    }
    const provided = pool.cognitoIdentityProviders.find((p) => p.clientId === claims['aud']);
    if (!provided) {
      throw new AwsApiError('NotAuthorizedException', 'Invalid login token. Incorrect token audience.');
    }
    if (provided.serverSideTokenCheck && !(await signInAlive(deps, claims))) {
      throw new AwsApiError('NotAuthorizedException', 'Invalid login token. Token has been revoked.');
    }
    return claims;
  }

  function identityFor(pool: IdentityPoolDefinition, claims: Record<string, unknown>): string {
    const id = `${definition.region}:${uuidFrom(`${pool.identityPoolId}\0${loginKey}\0${String(claims['sub'])}`)}`;
    authenticated.set(id, pool.identityPoolId);
    return id;
  }

  function invalidConfiguration(): AwsApiError {
    return new AwsApiError(
      'InvalidIdentityPoolConfigurationException',
      'Invalid identity pool configuration. Check assigned IAM roles for this pool.',
    );
  }

  function selectRole(
    pool: IdentityPoolDefinition,
    claims: Record<string, unknown>,
    customRoleArn: string | undefined,
  ): string {
    const mapping = pool.roleMappings;
    const ambiguous = () => {
      if (mapping?.ambiguousRoleResolution === 'Deny') {
        throw new AwsApiError('NotAuthorizedException', 'Ambiguous role resolution: access is denied.');
      }
      return pool.roles.authenticated;
    };
    let role: string;
    if (!mapping) {
      role = pool.roles.authenticated;
    } else if (mapping.type === 'Token') {
      const roles = Array.isArray(claims['cognito:roles'])
        ? (claims['cognito:roles'] as unknown[]).map(String)
        : [];
      const preferred = claims['cognito:preferred_role'];
      if (customRoleArn !== undefined) {
        if (roles.includes(customRoleArn)) return customRoleArn;
        throw new AwsApiError(
          'NotAuthorizedException',
          'The CustomRoleArn is not one of the roles in the token.',
        );
      }
      if (typeof preferred === 'string') role = preferred;
      else if (roles.length === 1 && roles[0]) role = roles[0];
      else role = ambiguous();
    } else {
      const rule = (mapping.rulesConfiguration?.rules ?? []).find((r) => claimMatches(claims[r.claim], r));
      role = rule ? rule.roleArn : ambiguous();
    }
    if (customRoleArn !== undefined && customRoleArn !== role) {
      throw new AwsApiError(
        'NotAuthorizedException',
        'The CustomRoleArn is not the role this identity maps to.',
      );
    }
    return role;
  }

  function credentials(pool: IdentityPoolDefinition, identityId: string, roleArn: string | undefined) {
    if (!roleArn || !iam.hasRole(roleArn)) throw invalidConfiguration();
    const issued = iam.issueCredentials({
      roleArn,
      identityId,
      lifetimeSeconds: pool.credentialsValiditySeconds ?? DEFAULT_CREDENTIALS_SECONDS,
    });
    deps.log(`user pool: credentials for identity ${identityId} (role ${roleArn})`);
    return {
      IdentityId: identityId,
      Credentials: {
        AccessKeyId: issued.accessKeyId,
        SecretKey: issued.secretAccessKey,
        SessionToken: issued.sessionToken,
        Expiration: epochSeconds(issued.expiration.getTime()),
      },
    };
  }

  return {
    async GetId(input) {
      const pool = identityPool(input);
      const claims = await login(pool, input);
      if (claims) return { IdentityId: identityFor(pool, claims) };
      if (!pool.allowUnauthenticatedIdentities) {
        throw new AwsApiError(
          'NotAuthorizedException',
          'Unauthenticated access is not supported for this identity pool.',
        );
      }
      const id = `${definition.region}:${randomUUID()}`;
      unauthenticated.set(id, pool.identityPoolId);
      return { IdentityId: id };
    },

    async GetCredentialsForIdentity(input) {
      const identityId = requireString(input, 'IdentityId');
      const customRoleArn = optionalString(input, 'CustomRoleArn');
      const unauthPool = unauthenticated.get(identityId);
      const pool = poolOfIdentity(identityId, input);
      if (!pool) throw new AwsApiError('ResourceNotFoundException', `Identity '${identityId}' not found.`);
      const claims = await login(pool, input);
      if (claims) {
        if (identityFor(pool, claims) !== identityId) {
          throw new AwsApiError(
            'NotAuthorizedException',
            "Logins don't match. Please include at least one valid login for this identity or identity pool.",
          );
        }
        return credentials(pool, identityId, selectRole(pool, claims, customRoleArn));
      }
      if (unauthPool === undefined) {
        throw new AwsApiError(
          'NotAuthorizedException',
          "Logins don't match. Please include at least one valid login for this identity or identity pool.",
        );
      }
      if (!pool.allowUnauthenticatedIdentities) {
        throw new AwsApiError(
          'NotAuthorizedException',
          'Unauthenticated access is not supported for this identity pool.',
        );
      }
      return credentials(pool, identityId, pool.roles.unauthenticated);
    },
  };

  /**
   * The identity pool of an identity: one this process handed out, or (after a restart) the pool
   * whose derivation from the Logins' token gives this id; login() then verifies the token.
   */
  function poolOfIdentity(identityId: string, input: Record<string, unknown>) {
    const pools = definition.identityPools ?? [];
    const known = unauthenticated.get(identityId) ?? authenticated.get(identityId);
    if (known !== undefined) return pools.find((p) => p.identityPoolId === known);
    const logins = input['Logins'];
    const token =
      logins && typeof logins === 'object' ? (logins as Record<string, unknown>)[loginKey] : undefined;
    const sub = typeof token === 'string' ? unverifiedSub(token) : undefined;
    if (sub === undefined) return undefined;
    return pools.find(
      (p) => `${definition.region}:${uuidFrom(`${p.identityPoolId}\0${loginKey}\0${sub}`)}` === identityId,
    );
  }
}

/** The `sub` of a JWT before verification, only to pick the identity pool (login() verifies it). */
function unverifiedSub(token: string): string | undefined {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
      sub?: unknown;
    };
    return typeof payload.sub === 'string' ? payload.sub : undefined;
  } catch {
    return undefined;
  }
}
