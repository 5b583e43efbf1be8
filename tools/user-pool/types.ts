/**
 * The local user pool's programmatic interface, used by tests, the demo start script, the
 * doctor and the bench. The CLI (`npm run user-pool`) is a thin wrapper over startUserPool().
 */

import type {
  AdminCredentialsDefinition,
  IamRoleDefinition,
  IdentityPoolDefinition,
  PoolGroupDefinition,
} from './aws-api-types';
import type { PoolFederatedUserDefinition, PoolIdentityProviderDefinition } from './federation-types';
import type { PoolWafDefinition } from './waf';

export interface PoolClientDefinition {
  clientId: string;
  /** Absent: a public client (what a desktop app must be). */
  clientSecret?: string;
  callbackUrls: string[];
  logoutUrls: string[];
  allowedScopes: string[];
  /**
   * Cognito's ReadAttributes: the user attributes this client may read (ID token, userInfo).
   * Absent: every attribute the user has.
   */
  readAttributes?: string[];
  /** Cognito's DefaultRedirectURI: used when authorize has no redirect_uri; must be a callback URL. */
  defaultRedirectUri?: string;
  /**
   * Cognito's RefreshTokenRotation: `true` (grace period 0 s), `false`/absent (off), or
   * `{ retryGracePeriodSeconds: 0-60 }`: within the grace the rotated-away token still works.
   */
  refreshTokenRotation?: boolean | { retryGracePeriodSeconds: number };
  enableTokenRevocation?: boolean;
  accessTokenValiditySeconds?: number;
  idTokenValiditySeconds?: number;
  refreshTokenValiditySeconds?: number;
  /** Cognito's SupportedIdentityProviders: `COGNITO` (local users) and provider names; absent = COGNITO only. */
  supportedIdentityProviders?: string[];
  /** Cognito's ExplicitAuthFlows (user-pool API); absent = ALLOW_REFRESH_TOKEN_AUTH, ALLOW_USER_SRP_AUTH, ALLOW_CUSTOM_AUTH. */
  explicitAuthFlows?: string[];
}

export interface PoolUserDefinition {
  username: string;
  password: string;
  email: string;
  emailVerified?: boolean;
  phoneNumber?: string;
  phoneNumberVerified?: boolean;
  groups?: string[];
  /** `custom:*` attributes and Cognito's standard profile attributes (name, given_name, locale...). */
  attributes?: Record<string, string>;
}

/** Cognito's resource server: `identifier` becomes the access token's `aud` when requested as `resource`. */
export interface PoolResourceServerDefinition {
  identifier: string;
  /** Scope names; clients request them as `<identifier>/<name>`. */
  scopes: string[];
}

/** The user-pool API's quota categories besides UserAuthentication (Cognito's names, camelCase). */
export const API_QUOTA_CATEGORIES = [
  'userRead',
  'userUpdate',
  'userList',
  'userResourceRead',
  'userToken',
] as const;
export type ApiQuotaCategory = (typeof API_QUOTA_CATEGORIES)[number];

export interface PoolRateLimits extends Partial<Record<ApiQuotaCategory, number>> {
  /** Requests per second of Cognito's UserAuthentication category (token grants, sign-ins); absent = no limit. */
  userAuthentication?: number;
  /** The over-quota answer (Cognito does not document it): default HTTP 429 `{"error":"too_many_requests"}`. */
  throttledResponse?: { status?: number; error?: string };
}

export interface PoolDefinition {
  region: string;
  userPoolId: string;
  clients: PoolClientDefinition[];
  users: PoolUserDefinition[];
  resourceServers?: PoolResourceServerDefinition[];
  /** How long an authorization code lives (Cognito: 5 minutes); default 300. */
  authorizationCodeValiditySeconds?: number;
  rateLimits?: PoolRateLimits;
  /** Federated identity providers (federation-types.ts). */
  identityProviders?: PoolIdentityProviderDefinition[];
  /** Federated users an admin has put into groups (they appear on their first sign-in). */
  federatedUsers?: PoolFederatedUserDefinition[];
  // --- User-pool API, groups with roles, identity pools, IAM (aws-api-types.ts) ---
  /** Cognito's groups (CreateGroup); absent = the names users' `groups` use, without roles. */
  groups?: PoolGroupDefinition[];
  /** The IAM roles groups and identity pools refer to, with the actions each allows. */
  iamRoles?: IamRoleDefinition[];
  /** Static keys for scripts: every action allowed. */
  adminCredentials?: AdminCredentialsDefinition;
  identityPools?: IdentityPoolDefinition[];
  // --- end of the user-pool API block ---
  /** Cognito's IssuerConfigurationType (issuer-forms.ts): default original. */
  issuerType?: 'original' | 'updated';
  /** An AWS WAF web ACL in front of the pool (waf.ts). */
  waf?: PoolWafDefinition;
  /** Cognito's domain ManagedLoginVersion (managed-login.ts): 1 classic Hosted UI (default), 2 managed login. */
  managedLoginVersion?: 1 | 2;
  /**
   * Session management (token-sessions.ts): token sessions per user (default 20; the next sign-in
   * evicts the least recently used) and how long the Hosted UI reuses a sign-in (default 60 min;
   * 0: the form every time). Absent: off, as Cognito's UserSessionTracking DISABLED.
   */
  sessionManagement?: { maxTokenSessionsPerUser?: number; ssoSessionMaxValidityMinutes?: number };
}

/** A canned answer for the next token-endpoint request(s), for fault-injection tests. */
export type TokenFault =
  | { kind: 'status'; status: number; body?: string; contentType?: string } // e.g. 503, 429, HTML 502
  | { kind: 'hang' } // accept, never answer (until the pool closes or faults are cleared)
  | { kind: 'reset' } // destroy the socket
  | { kind: 'truncated' } // 200 with a cut-off JSON body
  | { kind: 'invalid_grant' }; // 400 {"error":"invalid_grant"}

export interface StartUserPoolOptions {
  /** Defaults to the built-in demo pool. */
  definition?: PoolDefinition;
  /** 0 (default for the module) picks a free port. */
  port?: number;
  /** Show demo passwords on the login page (the CLI's built-in demo pool does). */
  demoMode?: boolean;
  /** Log lines (already redacted) go here; default: nowhere. */
  log?: (line: string) => void;
  /**
   * Serve https with this key and certificate (PEM) instead of http. `host` is the name in the
   * pool's URLs (default 127.0.0.1; it still listens on 127.0.0.1 only), e.g. a name a test's
   * proxy maps to 127.0.0.1.
   */
  tls?: { key: string; cert: string; host?: string };
}

export interface UserPoolCounters {
  /** Requests that reached /oauth2/token, by grant_type ('authorization_code', 'refresh_token', other). */
  tokenRequests: Record<string, number>;
  revokeRequests: number;
  authorizeRequests: number;
  userInfoRequests: number;
  /** Requests answered with the over-quota answer, by category. */
  throttled: Record<string, number>;
}

export interface RunningUserPool {
  /** e.g. http://127.0.0.1:PORT/us-east-1_LocalPool1 (Cognito's issuer layout, another path than the domain). */
  issuer: string;
  /** Which issuer form the pool uses (its definition's `issuerType`). */
  issuerType: 'original' | 'updated';
  /** Hosted UI domain, e.g. http://127.0.0.1:PORT (authorize, token, revoke, logout, userInfo live here). */
  domain: string;
  jwksUri: string;
  /** The user-pool API (Cognito Identity Provider, JSON 1.1), as `https://cognito-idp.<region>.amazonaws.com/`. */
  idpApiEndpoint: string;
  /** Identity pools (Cognito Identity, JSON 1.1), as `https://cognito-identity.<region>.amazonaws.com/`. */
  identityApiEndpoint: string;
  region: string;
  userPoolId: string;
  port: number;
  definition: PoolDefinition;
  counters: UserPoolCounters;
  resetCounters(): void;
  /** Queue faults: each of the next token requests takes one from the front. */
  injectTokenFaults(...faults: TokenFault[]): void;
  clearFaults(): void;
  /** Stop accepting connections (connection refused) until resumeListening(); same port. */
  suspendListening(): Promise<void>;
  resumeListening(): Promise<void>;
  /** Whether the pool considers this refresh token revoked (or unknown). */
  isRefreshTokenActive(refreshToken: string): Promise<boolean>;
  /** Revoke a refresh token server-side, as an admin would (global sign-out of that session). */
  revokeRefreshToken(refreshToken: string): Promise<void>;
  /** Revoke every refresh token of a user (AdminUserGlobalSignOut). */
  globalSignOut(username: string): Promise<void>;
  /** Change the UserAuthentication rate limit at run time (requests per second; undefined = none). */
  setRateLimit(category: 'userAuthentication' | ApiQuotaCategory, rps: number | undefined): void;
  /** Stand-in passkeys registered at `/passkeys/add` (managed login 2), oldest first. */
  passkeys(username: string): Array<{ credentialId: string; createdAt: number }>;
  /** Add a new signing key for access tokens (kept in the JWKS beside the old one) and sign with it from now on. */
  rotateAccessTokenKey(): Promise<{ kid: string }>;
  close(): Promise<void>;
}
