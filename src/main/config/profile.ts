import { z } from 'zod';
import { AppError } from '../../shared/errors';
import { cognitoIssuer } from '../../shared/issuer-forms';
import { isLoopbackHost } from '../../shared/loopback';

/**
 * A sign-in profile: which Cognito user pool, app client and Hosted UI domain to use.
 *
 * API:
 *   ProfileSchema            zod schema of the profile as written in a file (input shape).
 *   parseProfile(input)      -> { profile: ResolvedProfile, warnings: string[] }; throws
 *                               AppError('CONFIG_INVALID') naming the first bad field.
 *   ResolvedProfile          Profile with `issuer` always present (derived when absent, in the
 *                            form `issuerType` names: original by default).
 *   cognitoIssuer(region, userPoolId), isLoopbackHttpUrl(url) (hosts: src/shared/loopback.ts).
 *   sessionLifetimeMs(profile) -> the refresh token validity `sessionLifetime` names, in ms.
 *   packagedProfileProblem(profile, { allowLoopback }) -> { path, message } | undefined: the
 *                               packaged-mode rule (see below).
 *
 * http is allowed only for loopback hosts (127.0.0.0/8, ::1, localhost), because the local user
 * pool serves plain http on 127.0.0.1 and nothing else may.
 *
 * Packaged-mode rule: an installed app never starts the local user pool or the demo API, so a
 * loopback-http issuer, Hosted UI domain or API there is whatever local process (another OS
 * user's too) binds that port first: it would become the sign-in page, the token issuer and the
 * API. A packaged build therefore refuses `demo: true` profiles and loopback-http `issuer`,
 * `domain` and `apis[].baseUrl`, unless the organisation's (machine) policy allows loopback
 * profiles for its own development builds. Loopback redirect URIs and sign-out URLs are the
 * normal RFC 8252 case and stay allowed.
 */

const DAY_MS = 86_400_000;
const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: DAY_MS } as const;

/** "30d" -> ms (the sessionLifetime form; the schema has checked it). */
function durationMs(value: string): number {
  const unit = value.slice(-1) as keyof typeof UNIT_MS;
  return Number(value.slice(0, -1)) * (UNIT_MS[unit] ?? Number.NaN);
}

/** The profile's session lifetime (refresh token validity) in ms, or undefined when not given. */
export function sessionLifetimeMs(profile: Pick<Profile, 'sessionLifetime'>): number | undefined {
  return profile.sessionLifetime === undefined ? undefined : durationMs(profile.sessionLifetime);
}

/** True for an http: URL whose host is a loopback host. */
export function isLoopbackHttpUrl(url: URL): boolean {
  return url.protocol === 'http:' && isLoopbackHost(url.hostname);
}

export { cognitoIssuer };

function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

/** https anywhere, http on loopback only; no credentials, query or fragment. */
const webUrl = (what: string) =>
  z
    .string()
    .max(2048)
    .superRefine((value, ctx) => {
      const url = parseUrl(value);
      if (!url) {
        ctx.addIssue({ code: 'custom', message: `${what} is not a valid URL` });
        return;
      }
      if (url.protocol !== 'https:' && !isLoopbackHttpUrl(url)) {
        ctx.addIssue({ code: 'custom', message: `${what} must use https (http only for loopback hosts)` });
      }
      if (url.username || url.password) {
        ctx.addIssue({ code: 'custom', message: `${what} must not contain credentials` });
      }
      if (url.search || url.hash) {
        ctx.addIssue({ code: 'custom', message: `${what} must not contain a query or fragment` });
      }
    });

/**
 * `network.proxy`: "system" (the default: the OS proxy settings, PAC/WPAD) or a pinned proxy
 * `{ url, bypass }`. The URL is http(s)://host:port with no credentials or path (a proxy password
 * does not belong in a profile file; integrated proxy authentication comes from the OS).
 */
const pinnedProxy = z
  .object({
    url: z
      .string()
      .max(2048)
      .superRefine((value, ctx) => {
        const url = parseUrl(value);
        if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
          ctx.addIssue({
            code: 'custom',
            message: 'network.proxy.url must be http://host:port or https://host:port',
          });
          return;
        }
        if (url.username || url.password) {
          ctx.addIssue({ code: 'custom', message: 'network.proxy.url must not contain credentials' });
        }
        if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) {
          ctx.addIssue({ code: 'custom', message: 'network.proxy.url must be just scheme, host and port' });
        }
      }),
    bypass: z
      .array(
        z
          .string()
          .regex(/^(?:<local>|[A-Za-z0-9*.\-[\]:]{1,253})$/, 'bypass: host names, *.suffix, IPs, <local>'),
      )
      .max(100)
      .default([]),
  })
  .strict();

/** The proxy setting as profiles and the organisation policy write it. */
export const ProxySettingSchema = z.union([z.literal('system'), pinnedProxy]);

/** A registered loopback redirect URI: http, a loopback host, an explicit port, a path. */
const loopbackRedirectUri = z
  .string()
  .max(2048)
  .superRefine((value, ctx) => {
    const url = parseUrl(value);
    if (!url || !isLoopbackHttpUrl(url)) {
      ctx.addIssue({
        code: 'custom',
        message:
          'loopback redirect URIs must be http://127.0.0.1:PORT/..., http://localhost:PORT/... or http://[::1]:PORT/...',
      });
      return;
    }
    if (!url.port) ctx.addIssue({ code: 'custom', message: 'loopback redirect URI needs an explicit port' });
    if (url.search || url.hash || url.username || url.password) {
      ctx.addIssue({ code: 'custom', message: 'loopback redirect URI must be a plain path' });
    }
  });

/** A private-use URI scheme redirect (RFC 8252 7.1): reverse-DNS scheme, e.g. com.example.app:/callback. */
const customSchemeUri = z
  .string()
  .max(512)
  .regex(
    /^[a-z][a-z0-9-]*(?:\.[a-z0-9-]+)+:\/{1,2}[A-Za-z0-9._~\-/]*$/,
    'custom-scheme redirect must look like com.example.app:/callback (reverse-DNS scheme)',
  );

const awsRegion = z.string().regex(/^[a-z]{2}-(?:gov-)?[a-z]+-\d$/, 'region like us-east-1');
/** Cognito's IdentityPoolId pattern: `<region>:<uuid>`. */
export const IDENTITY_POOL_ID = /^[a-z]{2}-(?:gov-)?[a-z]+-\d:[0-9a-f-]{36}$/;

export const ProfileSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'id: 1-64 letters, digits, _ . -'),
    label: z.string().min(1).max(100),
    region: z.string().regex(/^[a-z]{2}-(?:gov-)?[a-z]+-\d$/, 'region like us-east-1'),
    userPoolId: z
      .string()
      .regex(/^[a-z]{2}-(?:gov-)?[a-z]+-\d_[A-Za-z0-9]+$/, 'userPoolId like us-east-1_AbC123xyz'),
    clientId: z.string().regex(/^[A-Za-z0-9+]{1,128}$/, 'clientId: letters and digits'),
    clientSecret: z.string().min(1).max(256).optional(),
    domain: webUrl('domain'),
    issuer: webUrl('issuer').optional(),
    // Cognito's IssuerConfigurationType: which AWS issuer to derive when `issuer` is absent.
    issuerType: z.enum(['original', 'updated']).optional(),
    scopes: z
      .array(z.string().regex(/^[\x21\x23-\x5B\x5D-\x7E]{1,256}$/, 'scope: no spaces or quotes'))
      .min(1)
      .max(50),
    redirect: z
      .object({
        loopback: z.array(loopbackRedirectUri).max(10).default([]),
        customScheme: customSchemeUri.optional(),
        // `localhost`: loopback, with the http://localhost:PORT URIs tried first (an AWS WAF web
        // ACL may block redirect URIs on 127.0.0.1; the listener still binds loopback only).
        prefer: z.enum(['loopback', 'localhost', 'custom-scheme']).default('loopback'),
      })
      .strict(),
    signOutUrl: z
      .string()
      .max(2048)
      .superRefine((value, ctx) => {
        const url = parseUrl(value);
        const ok =
          url !== undefined &&
          (url.protocol === 'https:' || isLoopbackHttpUrl(url) || customSchemeUri.safeParse(value).success);
        if (!ok)
          ctx.addIssue({
            code: 'custom',
            message: 'signOutUrl must be https, loopback http or a custom scheme',
          });
      })
      .optional(),
    apis: z
      .array(
        z
          .object({
            name: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/),
            baseUrl: webUrl('apis[].baseUrl'),
            // The bearer main attaches: "access" (default) or "id" for an API Gateway REST API with a
            // Cognito user-pool authorizer and no OAuth scopes (docs/demo-api.md).
            token: z.enum(['access', 'id']).optional(),
            // "bearer" (default): a Cognito token as above. sigv4: main signs each request with the
            // identity pool's AWS credentials (API Gateway AWS_IAM authorization; docs/aws.md).
            auth: z
              .union([
                z.literal('bearer'),
                z
                  .object({
                    type: z.literal('sigv4'),
                    service: z
                      .string()
                      .regex(/^[a-z0-9-]{1,64}$/, 'service like execute-api')
                      .default('execute-api'),
                    region: awsRegion.optional(),
                  })
                  .strict(),
              ])
              .optional(),
          })
          .strict(),
      )
      .max(50)
      .default([]),
    network: z
      .object({ proxy: ProxySettingSchema.default('system') })
      .strict()
      .default({ proxy: 'system' }),
    demo: z.boolean().optional(),
    // One sign-in button each (docs/user-pool.md): identityProvider / idpIdentifier go on the
    // authorize URL as Cognito's identity_provider / idp_identifier ("COGNITO" = username and password).
    signInOptions: z
      .array(
        z
          .object({
            label: z.string().min(1).max(100),
            identityProvider: z
              .string()
              .regex(/^[^_\p{Z}][\p{L}\p{M}\p{S}\p{N}\p{P}][^_\p{Z}]*$/u)
              .max(32)
              .optional(),
            idpIdentifier: z
              .string()
              .regex(/^[\w\s+=.@-]{1,40}$/)
              .optional(),
          })
          .strict(),
      )
      .max(10)
      .optional(),
    /** Cognito's domain ManagedLoginVersion: 2 (managed login) offers "Add a passkey..." (/passkeys/add). */
    managedLogin: z.union([z.literal(1), z.literal(2)]).optional(),
    /** Sends the last signed-in username as login_hint (Cognito pre-fills the managed login form). */
    loginHint: z.boolean().optional(),
    /**
     * The app client's refresh token validity (Cognito: 60 minutes to 10 years; the local pool also
     * allows seconds), e.g. "30d", "12h", "90m", "60s": the session ends that long after the first
     * sign-in however often it refreshed or rotated (sessionLifetimeMs).
     */
    sessionLifetime: z
      .string()
      .regex(/^[1-9]\d{0,6}[smhd]$/, 'must be a number and a unit s, m, h or d, e.g. "30d"')
      .refine((v) => durationMs(v) <= 3650 * DAY_MS, 'must be at most 3650d (Cognito: 10 years)')
      .optional(),
    /**
     * A Cognito identity pool that exchanges the user's ID token for temporary AWS credentials
     * (enhanced flow), kept in main only (src/main/aws/). `endpoint` is for the local pool (the
     * ready line's identityApiEndpoint); absent: https://cognito-identity.<region>.amazonaws.com.
     */
    identityPool: z
      .object({
        id: z.string().regex(IDENTITY_POOL_ID, 'identityPool.id like us-east-1:1a2b3c4d-...'),
        region: awsRegion.optional(),
        customRoleArn: z
          .string()
          .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/, 'customRoleArn: an IAM role ARN')
          .optional(),
        endpoint: webUrl('identityPool.endpoint').optional(),
      })
      .strict()
      .optional(),
    /**
     * The user-pool API (Cognito Identity Provider) for the Admin page and GlobalSignOut; absent:
     * https://cognito-idp.<region>.amazonaws.com. For the local pool: its idpApiEndpoint.
     */
    userPoolEndpoint: webUrl('userPoolEndpoint').optional(),
    /** The pool tracks token sessions (ListUserSessions): shows the "Devices and sessions" page. */
    sessionTracking: z.boolean().optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    const options = p.signInOptions ?? [];
    options.forEach((option, i) => {
      const named = [option.identityProvider, option.idpIdentifier].filter((v) => v !== undefined).length;
      if (named === 2) {
        ctx.addIssue({
          code: 'custom',
          path: ['signInOptions', i],
          message: 'give identityProvider or idpIdentifier, not both',
        });
      } else if (named === 0 && options.length > 1) {
        ctx.addIssue({
          code: 'custom',
          path: ['signInOptions', i],
          message:
            'with several sign-in options each needs identityProvider (COGNITO for username and password) or idpIdentifier',
        });
      }
    });
    if (p.redirect.loopback.length === 0 && !p.redirect.customScheme) {
      ctx.addIssue({ code: 'custom', path: ['redirect'], message: 'at least one redirect URI is required' });
    }
    if (p.redirect.prefer === 'custom-scheme' && !p.redirect.customScheme) {
      ctx.addIssue({
        code: 'custom',
        path: ['redirect', 'customScheme'],
        message: 'prefer is custom-scheme but no customScheme is given',
      });
    }
    if (
      p.redirect.prefer === 'localhost' &&
      !p.redirect.loopback.some((uri) => new URL(uri).hostname === 'localhost')
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['redirect', 'prefer'],
        message: 'prefer is localhost but no http://localhost:PORT/... loopback redirect URI is given',
      });
    }
    if (!p.scopes.includes('openid')) {
      ctx.addIssue({
        code: 'custom',
        path: ['scopes'],
        message: 'scopes must include openid (ID token needed)',
      });
    }
    const names = new Set<string>();
    p.apis.forEach((api, i) => {
      if (names.has(api.name))
        ctx.addIssue({
          code: 'custom',
          path: ['apis', i, 'name'],
          message: `duplicate API name ${api.name}`,
        });
      names.add(api.name);
    });
  });

export type ProfileInput = z.input<typeof ProfileSchema>;
export type Profile = z.output<typeof ProfileSchema>;
/** A validated profile with derived fields filled in. */
export type ResolvedProfile = Profile & { issuer: string };

export interface ParsedProfile {
  profile: ResolvedProfile;
  /** Human-readable warnings (e.g. a client secret in a desktop app); never contain the secret. */
  warnings: string[];
}

/** Validates a profile and derives `issuer`. Throws AppError CONFIG_INVALID naming the field. */
export function parseProfile(input: unknown): ParsedProfile {
  const result = ProfileSchema.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = issue && issue.path.length > 0 ? issue.path.join('.') : '(profile)';
    throw new AppError('CONFIG_INVALID', `Invalid profile field ${path}: ${issue?.message ?? 'invalid'}`);
  }
  const p = result.data;
  const warnings: string[] = [];
  if (p.clientSecret !== undefined) {
    warnings.push(
      `Profile ${p.id}: a client secret is configured, but a desktop app cannot keep a secret; use a public app client (no secret) instead.`,
    );
  }
  // Trailing slashes would make `${domain}/oauth2/...` and issuer comparisons ambiguous.
  const domain = p.domain.replace(/\/+$/, '');
  const issuer = (p.issuer ?? cognitoIssuer(p.region, p.userPoolId, p.issuerType)).replace(/\/+$/, '');
  return { profile: { ...p, domain, issuer }, warnings };
}

/** What a packaged build refuses in a profile (field path relative to the profile, and why). */
export function packagedProfileProblem(
  profile: Pick<ResolvedProfile, 'demo' | 'domain' | 'issuer' | 'apis'> &
    Partial<Pick<ResolvedProfile, 'identityPool' | 'userPoolEndpoint'>>,
  rule: { allowLoopback: boolean },
): { path: Array<string | number>; message: string } | undefined {
  if (rule.allowLoopback) return undefined;
  const loopbackHttp = (value: string) => {
    const url = parseUrl(value);
    return url !== undefined && isLoopbackHttpUrl(url);
  };
  const why = 'the installed app refuses loopback http sign-in services and APIs';
  if (profile.demo === true) {
    return {
      path: ['demo'],
      message: 'demo profiles are refused by the installed app (development builds only)',
    };
  }
  if (loopbackHttp(profile.domain))
    return { path: ['domain'], message: `${why} (use the https Hosted UI domain)` };
  if (loopbackHttp(profile.issuer)) return { path: ['issuer'], message: `${why} (use the https issuer)` };
  for (const [i, api] of profile.apis.entries()) {
    if (loopbackHttp(api.baseUrl)) return { path: ['apis', i, 'baseUrl'], message: `${why} (use https)` };
  }
  if (profile.identityPool?.endpoint !== undefined && loopbackHttp(profile.identityPool.endpoint)) {
    return { path: ['identityPool', 'endpoint'], message: `${why} (use https)` };
  }
  if (profile.userPoolEndpoint !== undefined && loopbackHttp(profile.userPoolEndpoint)) {
    return { path: ['userPoolEndpoint'], message: `${why} (use https)` };
  }
  return undefined;
}
