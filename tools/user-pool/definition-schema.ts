import { z } from 'zod';

import { AppError } from '../../src/shared/errors';
import { isLoopbackHost } from '../../src/shared/loopback';
import {
  adminCredentialsSchema,
  checkAwsApi,
  explicitAuthFlowsSchema,
  groupSchema,
  iamRoleSchema,
  identityPoolSchema,
} from './aws-api-schema';
import {
  checkFederation,
  federatedUserSchema,
  identityProviderSchema,
  supportedIdentityProvidersSchema,
} from './federation-schema';
import type { PoolDefinition } from './types';

/** Cognito's rule for callback and sign-out URLs: https, http on loopback only, or a custom scheme. */
const appUrl = z.string().refine(
  (value) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return false;
    }
    if (url.hash) return false;
    if (url.protocol === 'https:') return true;
    if (url.protocol === 'http:') return isLoopbackHost(url.hostname);
    return /^[a-z][a-z0-9+.-]*:$/.test(url.protocol) && url.protocol !== 'javascript:';
  },
  {
    message: 'must be an https URL, an http URL on a loopback host, or a custom-scheme URL, without fragment',
  },
);

const seconds = (min: number, max: number) => z.number().int().min(min).max(max);

/** Cognito's standard attributes beyond email and phone (the `profile` scope's). */
export const STANDARD_PROFILE_ATTRIBUTES = [
  'address',
  'birthdate',
  'family_name',
  'gender',
  'given_name',
  'locale',
  'middle_name',
  'name',
  'nickname',
  'picture',
  'preferred_username',
  'profile',
  'updated_at',
  'website',
  'zoneinfo',
] as const;

/** Every attribute name a client can be given read access to. */
const attributeName = z
  .string()
  .refine(
    (name) =>
      /^custom:[\w-]{1,20}$/.test(name) ||
      ['email', 'email_verified', 'phone_number', 'phone_number_verified'].includes(name) ||
      (STANDARD_PROFILE_ATTRIBUTES as readonly string[]).includes(name),
    { message: 'must be a standard attribute name or custom:name' },
  );

const scopeToken = z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/, 'must be a scope token');

const clientSchema = z.strictObject({
  clientId: z.string().regex(/^[\w+]{1,128}$/, 'must be 1-128 letters, digits, _ or +'),
  clientSecret: z.string().min(1).max(256).optional(),
  callbackUrls: z.array(appUrl).min(1, 'needs at least one callback URL'),
  logoutUrls: z.array(appUrl),
  allowedScopes: z.array(scopeToken).min(1, 'needs at least one scope'),
  readAttributes: z.array(attributeName).optional(),
  defaultRedirectUri: appUrl.optional(),
  refreshTokenRotation: z
    .union([z.boolean(), z.strictObject({ retryGracePeriodSeconds: seconds(0, 60) })])
    .optional(),
  enableTokenRevocation: z.boolean().optional(),
  // Cognito's ranges are 5 min - 1 day and 1 h - 10 years; tests need seconds, so only the upper bounds hold.
  accessTokenValiditySeconds: seconds(1, 86_400).optional(),
  idTokenValiditySeconds: seconds(1, 86_400).optional(),
  refreshTokenValiditySeconds: seconds(1, 315_360_000).optional(),
  supportedIdentityProviders: supportedIdentityProvidersSchema.optional(),
  // User-pool API (aws-api-schema.ts): ExplicitAuthFlows; absent = Cognito's default (no USER_PASSWORD_AUTH).
  explicitAuthFlows: explicitAuthFlowsSchema.optional(),
});

const userSchema = z.strictObject({
  username: z
    .string()
    .regex(/^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,128}$/u, 'must be 1-128 characters without spaces'),
  password: z.string().min(1).max(256),
  email: z.email(),
  emailVerified: z.boolean().optional(),
  phoneNumber: z
    .string()
    .regex(/^\+\d{4,15}$/, 'must be E.164, e.g. +15555550100')
    .optional(),
  phoneNumberVerified: z.boolean().optional(),
  groups: z.array(z.string().min(1).max(128)).optional(),
  attributes: z
    .record(
      z
        .string()
        .refine(
          (name) =>
            /^custom:[\w-]{1,20}$/.test(name) ||
            (STANDARD_PROFILE_ATTRIBUTES as readonly string[]).includes(name),
          { message: 'attribute names must look like custom:name or be a standard profile attribute' },
        ),
      z.string(),
    )
    .optional(),
});

export const poolDefinitionSchema = z
  .strictObject({
    region: z.string().regex(/^[a-z]{2}-(gov-)?[a-z]+-\d$/, 'must be an AWS region such as us-east-1'),
    userPoolId: z
      .string()
      .regex(
        /^[a-z]{2}-(gov-)?[a-z]+-\d_[A-Za-z0-9]+$/,
        'must look like <region>_<id>, e.g. us-east-1_AbC123',
      ),
    clients: z.array(clientSchema).min(1, 'needs at least one client'),
    users: z.array(userSchema),
    resourceServers: z
      .array(
        z.strictObject({
          identifier: z
            .string()
            .regex(/^[\x21\x23-\x5b\x5d-\x7e]{1,256}$/, 'must be 1-256 visible characters'),
          scopes: z.array(
            z.string().regex(/^[\x21\x23-\x2e\x30-\x5b\x5d-\x7e]{1,256}$/, 'must be a scope name'),
          ),
        }),
      )
      .optional(),
    // Cognito fixes it at 300 s; tests shorten it to see an expired code.
    authorizationCodeValiditySeconds: seconds(1, 3600).optional(),
    rateLimits: z
      .strictObject({
        userAuthentication: z.number().positive().max(100_000).optional(),
        // The user-pool API's other categories (requests per second; absent = no limit).
        userRead: z.number().positive().max(100_000).optional(),
        userUpdate: z.number().positive().max(100_000).optional(),
        userList: z.number().positive().max(100_000).optional(),
        userResourceRead: z.number().positive().max(100_000).optional(),
        userToken: z.number().positive().max(100_000).optional(),
        throttledResponse: z
          .strictObject({
            status: z.number().int().min(400).max(599).optional(),
            error: z
              .string()
              .regex(/^[\x20-\x21\x23-\x5b\x5d-\x7e]{1,64}$/)
              .optional(),
          })
          .optional(),
      })
      .optional(),
    identityProviders: z.array(identityProviderSchema).optional(),
    federatedUsers: z.array(federatedUserSchema).optional(),
    // --- User-pool API, groups with roles, identity pools, IAM (aws-api-schema.ts) ---
    groups: z.array(groupSchema).optional(),
    iamRoles: z.array(iamRoleSchema).optional(),
    adminCredentials: adminCredentialsSchema.optional(),
    identityPools: z.array(identityPoolSchema).optional(),
    // --- end of the user-pool API block ---
    // Cognito 2025-2026 features, each in its own module (issuer-forms.ts, ...).
    issuerType: z.enum(['original', 'updated']).optional(),
    waf: z.strictObject({ blockLoopbackIpRedirects: z.boolean().optional() }).optional(),
    managedLoginVersion: z.union([z.literal(1), z.literal(2)]).optional(),
    // Session management (token-sessions.ts); Cognito's ranges: MaxPerUser 1-100, MaxValidityMinutes 0-129600.
    sessionManagement: z
      .strictObject({
        maxTokenSessionsPerUser: z.number().int().min(1).max(100).optional(),
        ssoSessionMaxValidityMinutes: z.number().int().min(0).max(129_600).optional(),
      })
      .optional(),
  })
  .superRefine((pool, ctx) => {
    checkFederation(pool, ctx);
    checkAwsApi(pool, ctx);
    if (!pool.userPoolId.startsWith(`${pool.region}_`)) {
      ctx.addIssue({
        code: 'custom',
        path: ['userPoolId'],
        message: `must start with the region "${pool.region}_"`,
      });
    }
    const clientIds = new Set<string>();
    pool.clients.forEach((c, i) => {
      if (clientIds.has(c.clientId)) {
        ctx.addIssue({ code: 'custom', path: ['clients', i, 'clientId'], message: 'duplicate clientId' });
      }
      clientIds.add(c.clientId);
      if (c.defaultRedirectUri !== undefined && !c.callbackUrls.includes(c.defaultRedirectUri)) {
        ctx.addIssue({
          code: 'custom',
          path: ['clients', i, 'defaultRedirectUri'],
          message: 'must be one of the callbackUrls',
        });
      }
    });
    const identifiers = new Set<string>();
    (pool.resourceServers ?? []).forEach((r, i) => {
      if (identifiers.has(r.identifier)) {
        ctx.addIssue({
          code: 'custom',
          path: ['resourceServers', i, 'identifier'],
          message: 'duplicate identifier',
        });
      }
      identifiers.add(r.identifier);
    });
    const usernames = new Set<string>();
    pool.users.forEach((u, i) => {
      const key = u.username.toLowerCase();
      if (usernames.has(key)) {
        ctx.addIssue({ code: 'custom', path: ['users', i, 'username'], message: 'duplicate username' });
      }
      usernames.add(key);
    });
  });

function pathOf(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>(
    (out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)),
    '',
  );
}

/** Validates a pool definition; the error names every offending field, e.g. `clients[0].callbackUrls[1]`. */
export function parsePoolDefinition(input: unknown): PoolDefinition {
  const result = poolDefinitionSchema.safeParse(input);
  if (result.success) return result.data;
  const details = result.error.issues.map((i) => `${pathOf(i.path) || '(root)'}: ${i.message}`).join('; ');
  throw new AppError('CONFIG_INVALID', `invalid user pool definition: ${details}`);
}
