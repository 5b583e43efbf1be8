/**
 * Validation of the issue-26 part of a pool definition (definition-schema.ts plugs these in):
 * groups (CreateGroup's fields), IAM roles, admin credentials, identity pools, and clients'
 * explicitAuthFlows; cross-checks that users' groups, group roles and identity-pool roles and
 * clients exist.
 */
import { z } from 'zod';

const roleArn = z
  .string()
  .regex(/^arn:aws[\w-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/, 'must be an IAM role ARN');

export const groupSchema = z.strictObject({
  groupName: z
    .string()
    .regex(/^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,128}$/u, 'must be 1-128 characters without spaces'),
  description: z.string().max(2048).optional(),
  roleArn: roleArn.optional(),
  precedence: z.number().int().min(0).max(2_147_483_647).optional(),
});

export const iamRoleSchema = z.strictObject({
  arn: roleArn,
  allow: z.array(
    z.string().regex(/^(\*|[a-z0-9-]+:[A-Za-z0-9*?]+)$/, 'must be service:Action (with * wildcards) or *'),
  ),
});

export const adminCredentialsSchema = z.strictObject({
  accessKeyId: z.string().regex(/^[A-Z0-9]{16,128}$/, 'must be 16-128 upper-case letters or digits'),
  secretAccessKey: z.string().min(16).max(128),
});

export const EXPLICIT_AUTH_FLOWS = [
  'ALLOW_USER_PASSWORD_AUTH',
  'ALLOW_REFRESH_TOKEN_AUTH',
  'ALLOW_USER_SRP_AUTH',
  'ALLOW_CUSTOM_AUTH',
  'ALLOW_ADMIN_USER_PASSWORD_AUTH',
  'ALLOW_USER_AUTH',
] as const;
export const explicitAuthFlowsSchema = z.array(z.enum(EXPLICIT_AUTH_FLOWS));

export const identityPoolSchema = z.strictObject({
  identityPoolId: z.string().regex(/^[a-z]{2}-(gov-)?[a-z]+-\d:[0-9a-f-]{36}$/, 'must be <region>:<uuid>'),
  identityPoolName: z.string().min(1).max(128).optional(),
  allowUnauthenticatedIdentities: z.boolean(),
  cognitoIdentityProviders: z.array(
    z.strictObject({ clientId: z.string().min(1), serverSideTokenCheck: z.boolean().optional() }),
  ),
  roles: z.strictObject({ authenticated: roleArn, unauthenticated: roleArn.optional() }),
  roleMappings: z
    .strictObject({
      type: z.enum(['Token', 'Rules']),
      ambiguousRoleResolution: z.enum(['AuthenticatedRole', 'Deny']),
      rulesConfiguration: z
        .strictObject({
          rules: z
            .array(
              z.strictObject({
                claim: z.string().min(1).max(64),
                matchType: z.enum(['Equals', 'Contains', 'StartsWith', 'NotEqual']),
                value: z.string().min(1).max(128),
                roleArn,
              }),
            )
            .min(1)
            .max(25),
        })
        .optional(),
    })
    .optional(),
  // Cognito's credentials last one hour; tests shorten it to see expiry.
  credentialsValiditySeconds: z.number().int().min(1).max(43_200).optional(),
});

interface CheckedPool {
  region: string;
  clients: Array<{ clientId: string }>;
  users: Array<{ groups?: string[] | undefined }>;
  groups?: Array<{ groupName: string; roleArn?: string | undefined }> | undefined;
  iamRoles?: Array<{ arn: string }> | undefined;
  identityPools?: Array<z.infer<typeof identityPoolSchema>> | undefined;
}

export function checkAwsApi(pool: CheckedPool, ctx: z.RefinementCtx): void {
  const roles = new Set((pool.iamRoles ?? []).map((r) => r.arn));
  const needRole = (arn: string | undefined, path: (string | number)[]) => {
    if (arn !== undefined && pool.iamRoles !== undefined && !roles.has(arn)) {
      ctx.addIssue({ code: 'custom', path, message: 'must be the arn of one of iamRoles' });
    }
  };
  if (pool.groups) {
    const names = new Set<string>();
    pool.groups.forEach((g, i) => {
      if (names.has(g.groupName)) {
        ctx.addIssue({ code: 'custom', path: ['groups', i, 'groupName'], message: 'duplicate groupName' });
      }
      names.add(g.groupName);
      needRole(g.roleArn, ['groups', i, 'roleArn']);
    });
    pool.users.forEach((u, i) =>
      (u.groups ?? []).forEach((name, j) => {
        if (!names.has(name)) {
          ctx.addIssue({
            code: 'custom',
            path: ['users', i, 'groups', j],
            message: 'must be a groupName of groups',
          });
        }
      }),
    );
  }
  const clientIds = new Set(pool.clients.map((c) => c.clientId));
  const poolIds = new Set<string>();
  (pool.identityPools ?? []).forEach((ip, i) => {
    if (poolIds.has(ip.identityPoolId)) {
      ctx.addIssue({
        code: 'custom',
        path: ['identityPools', i, 'identityPoolId'],
        message: 'duplicate identityPoolId',
      });
    }
    poolIds.add(ip.identityPoolId);
    if (!ip.identityPoolId.startsWith(`${pool.region}:`)) {
      ctx.addIssue({
        code: 'custom',
        path: ['identityPools', i, 'identityPoolId'],
        message: `must start with the region "${pool.region}:"`,
      });
    }
    ip.cognitoIdentityProviders.forEach((p, j) => {
      if (!clientIds.has(p.clientId)) {
        ctx.addIssue({
          code: 'custom',
          path: ['identityPools', i, 'cognitoIdentityProviders', j, 'clientId'],
          message: 'must be a clientId of clients',
        });
      }
    });
    needRole(ip.roles.authenticated, ['identityPools', i, 'roles', 'authenticated']);
    needRole(ip.roles.unauthenticated, ['identityPools', i, 'roles', 'unauthenticated']);
    (ip.roleMappings?.rulesConfiguration?.rules ?? []).forEach((r, j) =>
      needRole(r.roleArn, ['identityPools', i, 'roleMappings', 'rulesConfiguration', 'rules', j, 'roleArn']),
    );
    if (ip.roleMappings?.type === 'Rules' && !ip.roleMappings.rulesConfiguration) {
      ctx.addIssue({
        code: 'custom',
        path: ['identityPools', i, 'roleMappings', 'rulesConfiguration'],
        message: 'is required when type is Rules',
      });
    }
  });
}
