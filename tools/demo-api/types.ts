import type { IamDefinition } from '../user-pool/iam';
/**
 * The demo resource server's programmatic interface (tests, the demo start script and the bench
 * use it; `npm run demo-api` is a thin CLI over startDemoApi()).
 */

/** What a verified access token says about its caller; the only thing routes see. */
export interface AccessTokenClaims {
  sub: string;
  username: string;
  clientId: string;
  issuer: string;
  groups: string[];
  scopes: string[];
  /** Seconds since the epoch, as in the token. */
  exp: number;
}

export interface StartDemoApiOptions {
  /** Exact `iss` of accepted tokens (a local issuer, e.g. the local user pool's). */
  issuer?: string;
  /** App client whose access tokens are accepted (`client_id` claim). */
  clientId: string;
  /** Defaults to `<issuer>/.well-known/jwks.json`. http is allowed only for loopback hosts. */
  jwksUri?: string;
  /** Real Cognito pool: region + userPoolId select aws-jwt-verify's CognitoJwtVerifier. */
  region?: string;
  userPoolId?: string;
  /** 0 (default) picks a free port. The server binds 127.0.0.1 only. */
  port?: number;
  /** SQLite file for notes and seen users; default `.data/demo-api.sqlite` under the project. */
  dbPath?: string;
  /** Log lines (already redacted, JSON); default: nowhere. */
  log?: (line: string) => void;
  /**
   * `bearer` (default): RFC 6750 resource server taking access tokens. `api-gateway`: behaves like
   * an API Gateway REST API with a Cognito user-pool authorizer and no scopes: ID tokens only,
   * `401 {"message":"Unauthorized"}` without WWW-Authenticate (api-gateway-authorizer.ts).
   */
  authorizer?: 'bearer' | 'api-gateway' | 'iam';
  /**
   * With `authorizer: 'iam'`: the pool definition's IAM part (its roles and admin credentials),
   * so the pool's IAM authority verifies the same credentials here (iam-authorizer.ts).
   */
  iam?: IamDefinition;
  /** Scope required by the notes routes (none by default: Cognito's Hosted UI scopes carry no API scope). */
  notesScope?: string;
  /** Verified-token cache bound (entries); 0 disables the cache. Default 10,000. */
  tokenCacheSize?: number;
  /** After a token names a kid the fresh JWKS lacks, no refetch for this long (aws-jwt-verify's penalty box). Default 10. */
  jwksRefetchWaitSeconds?: number;
  /** After a failed JWKS fetch, fail fast for this long instead of fetching again. Default 1000. */
  jwksFailureCooldownMs?: number;
  /** Clock for the token cache (ms since the epoch); tests inject one. */
  now?: () => number;
  /**
   * Serve https with this key and certificate (PEM); `ca` (PEM) is trusted, besides Node's
   * roots, for the JWKS fetch (a pool on the same test CA). Tests of the TLS world only.
   */
  tls?: { key: string; cert: string; ca?: string };
}

export interface RunningDemoApi {
  /** e.g. http://127.0.0.1:PORT */
  url: string;
  port: number;
  dbPath: string;
  /** Current number of entries in the verified-token cache (for tests and the bench). */
  tokenCacheSize(): number;
  /** JWKS fetches attempted so far (for rotation and rate-limit tests). */
  jwksFetchCount(): number;
  close(): Promise<void>;
}
