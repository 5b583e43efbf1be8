import type { AccessTokenClaims } from './types';
import { TokenRejectedError, type AccessTokenVerifier } from './access-token-verifier';

export const REALM = 'demo-api';

/** An RFC 6750 answer: status, WWW-Authenticate (when any) and a JSON body that never holds the token. */
export interface AuthFailure {
  status: 401 | 403 | 503;
  headers: Record<string, string>;
  body: { error: string; error_description: string };
}

// RFC 6750 section 2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

const quote = (s: string) => `"${s.replace(/["\\]/g, '')}"`;

export function missingCredentials(): AuthFailure {
  return {
    status: 401,
    headers: { 'WWW-Authenticate': `Bearer realm=${quote(REALM)}` },
    body: { error: 'unauthorized', error_description: 'bearer token required' },
  };
}

export function invalidToken(description: string): AuthFailure {
  return {
    status: 401,
    headers: {
      'WWW-Authenticate': `Bearer realm=${quote(REALM)}, error="invalid_token", error_description=${quote(description)}`,
    },
    body: { error: 'invalid_token', error_description: description },
  };
}

export function insufficientScope(description: string, scope?: string): AuthFailure {
  const scopePart = scope ? `, scope=${quote(scope)}` : '';
  return {
    status: 403,
    headers: {
      'WWW-Authenticate': `Bearer realm=${quote(REALM)}, error="insufficient_scope", error_description=${quote(description)}${scopePart}`,
    },
    body: { error: 'insufficient_scope', error_description: description },
  };
}

/** JWKS unreachable: fail closed with 503, not 401, so the client keeps (and does not refresh) a good token. */
export function verifierUnavailable(description: string): AuthFailure {
  return {
    status: 503,
    headers: { 'Retry-After': '1' },
    body: { error: 'temporarily_unavailable', error_description: description },
  };
}

/** The bearer value of an Authorization header, or why there is none. */
export function parseAuthorization(header: string | undefined): { token: string } | { failure: AuthFailure } {
  if (header === undefined || header === '') return { failure: missingCredentials() };
  const space = header.indexOf(' ');
  const scheme = space === -1 ? header : header.slice(0, space);
  // Another scheme (Basic, ...) carries no bearer credentials: RFC 6750 3.1 says answer without an error code.
  if (scheme.toLowerCase() !== 'bearer') return { failure: missingCredentials() };
  const token = space === -1 ? '' : header.slice(space + 1).trim();
  if (!B64TOKEN.test(token)) return { failure: invalidToken('malformed token') };
  return { token };
}

export async function authenticate(
  header: string | undefined,
  verifier: AccessTokenVerifier,
): Promise<{ claims: AccessTokenClaims } | { failure: AuthFailure }> {
  const parsed = parseAuthorization(header);
  if ('failure' in parsed) return parsed;
  try {
    return { claims: await verifier.verify(parsed.token) };
  } catch (err) {
    const rejected =
      err instanceof TokenRejectedError ? err : new TokenRejectedError('invalid_token', 'token rejected');
    return {
      failure:
        rejected.kind === 'unavailable'
          ? verifierUnavailable(rejected.description)
          : invalidToken(rejected.description),
    };
  }
}

/** Per-route requirements; they run on every request, cached verification or not. */
export interface RouteRequirement {
  group?: string;
  scope?: string;
}

export function authorize(claims: AccessTokenClaims, need: RouteRequirement): AuthFailure | undefined {
  if (need.group !== undefined && !claims.groups.includes(need.group)) {
    return insufficientScope(`requires group ${need.group}`);
  }
  if (need.scope !== undefined && !claims.scopes.includes(need.scope)) {
    return insufficientScope(`requires scope ${need.scope}`, need.scope);
  }
  return undefined;
}
