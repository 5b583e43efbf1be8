import { createRemoteJWKSet, customFetch, decodeJwt, jwtVerify } from 'jose';
import type { JWTPayload } from 'jose';
import { AppError } from '../../shared/errors';
import { issuerFormMismatchMessage, otherIssuerForm } from '../../shared/issuer-forms';
import { asFetch } from '../net/fetch-adapters';
import { findNetworkError } from '../net/network-errors';
import type { NetTransport } from '../net/transport';
import { SessionUserSchema } from '../../shared/session-state';
import type { SessionUser } from '../../shared/session-state';
import type { z } from 'zod';

/**
 * Client-side checks of the tokens Cognito returns, with jose against the pool's JWKS (keys only
 * from the discovered jwks_uri, RS256 only):
 *  - ID token: signature, exact `iss`, `aud` = client id, `exp`, `iat` (bounded), `token_use` = id,
 *    and `nonce` when the sign-in sent one; the user it describes must fit the published
 *    state's limits (sub and username 256 characters, at most 500 groups of 256, email 320):
 *    otherwise TOKEN_INVALID, never a truncated or oversized user.
 *  - Access token: signature, exact `iss`, `exp`, `token_use` = access, `client_id` = ours.
 * openid-client already checks the ID token's claims on the token response; this adds the
 * signature and the Cognito-specific claims.
 */
export interface TokenVerifier {
  verifyIdToken(idToken: string, options?: { expectedNonce?: string }): Promise<SessionUser>;
  verifyAccessToken(accessToken: string): Promise<JWTPayload>;
}

export interface TokenVerifierOptions {
  issuer: string;
  clientId: string;
  jwksUri: URL;
  now: () => number;
  timeoutMs: number;
  /** Allowed difference between our clock and the IdP's, seconds. */
  clockToleranceSeconds?: number;
  /** A shared remote key set (see remoteKeySet); by default one is created for this verifier. */
  keySet?: RemoteKeySet;
}

export type RemoteKeySet = ReturnType<typeof createRemoteJWKSet>;

/**
 * The pool's JWKS, fetched on demand and cached (jose re-fetches on an unknown `kid`), through
 * the main process's NetTransport when one is given (the app always gives one).
 */
export function remoteKeySet(jwksUri: URL, timeoutMs: number, transport?: NetTransport): RemoteKeySet {
  return createRemoteJWKSet(jwksUri, {
    timeoutDuration: timeoutMs,
    ...(transport ? { [customFetch]: asFetch(transport) as never } : {}),
  });
}

/** Which user field broke which limit, in words (never the value: it came from the token). */
function describeUserProblem(error: z.ZodError): string {
  const issue = error.issues[0];
  const field = issue?.path[0] === undefined ? 'user' : String(issue.path[0]);
  const names: Record<string, string> = {
    sub: 'sub',
    username: 'username',
    groups: 'cognito:groups',
    email: 'email',
  };
  const what = names[field] ?? field;
  if (issue?.code === 'too_big') {
    if (field === 'groups') {
      return issue.path.length === 1
        ? `more than ${String(issue.maximum)} groups`
        : `a group name longer than ${String(issue.maximum)} characters`;
    }
    return `${what} longer than ${String(issue.maximum)} characters`;
  }
  return `${what} has the wrong type`;
}

/** "about 12 minutes" / "about 3 hours": how far off the computer's clock is. */
function roughly(seconds: number): string {
  const minutes = Math.max(1, Math.round(seconds / 60));
  if (minutes < 120) return `about ${minutes} minute${minutes === 1 ? '' : 's'}`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `about ${hours} hours`;
  return `about ${Math.round(hours / 24)} days`;
}

/**
 * A freshly issued token whose `iat` (or `exp`) check failed by more than the tolerance: the
 * token is fine, this computer's clock is not. Says which way and by about how much.
 */
function clockSkewError(token: string, nowMs: number, tolerance: number): AppError | undefined {
  let iat: unknown;
  try {
    iat = decodeJwt(token).iat;
  } catch {
    return undefined;
  }
  if (typeof iat !== 'number') return undefined;
  const skew = iat - nowMs / 1000;
  if (Math.abs(skew) <= tolerance) return undefined;
  const direction = skew > 0 ? 'behind' : 'ahead of';
  return new AppError(
    'TOKEN_INVALID',
    `This computer's clock is ${roughly(Math.abs(skew))} ${direction} the sign-in service's time. Set the date and time automatically, then sign in again.`,
  );
}

/**
 * Cognito's `identities` claim (a federated user: a JSON array of `{ providerName, primary, ... }`,
 * or that array as a JSON string): the primary provider's name; anything else, none.
 */
function federatedProvider(claim: unknown): string | undefined {
  let list: unknown = claim;
  if (typeof claim === 'string') {
    try {
      list = JSON.parse(claim) as unknown;
    } catch {
      return undefined;
    }
  }
  if (!Array.isArray(list)) return undefined;
  const entries = list.filter(
    (e): e is { providerName: string; primary?: unknown } =>
      typeof e === 'object' &&
      e !== null &&
      typeof (e as { providerName?: unknown }).providerName === 'string',
  );
  const primary = entries.find((e) => e.primary === true || e.primary === 'true') ?? entries[0];
  return primary?.providerName;
}

/** A signed token whose `iss` is the other form of the profile's issuer (issuer-forms.ts). */
function issuerFormMismatch(token: string, expected: string): AppError | undefined {
  let iss: unknown;
  try {
    iss = decodeJwt(token).iss;
  } catch {
    return undefined;
  }
  const other = otherIssuerForm(expected);
  if (!other || iss !== other.issuer) return undefined;
  return new AppError('ISSUER_FORM_MISMATCH', issuerFormMismatchMessage(expected, other.issuer, other.form));
}

function invalid(what: string): AppError {
  return new AppError('TOKEN_INVALID', `The ${what} from the sign-in service failed validation.`);
}

export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const jwks = options.keySet ?? remoteKeySet(options.jwksUri, options.timeoutMs);
  const tolerance = options.clockToleranceSeconds ?? 300;

  const check = async (token: string, audience?: string): Promise<JWTPayload> => {
    const { payload } = await jwtVerify(token, jwks, {
      issuer: options.issuer,
      algorithms: ['RS256'],
      currentDate: new Date(options.now()),
      clockTolerance: tolerance,
      requiredClaims: ['exp', 'iat', 'sub'],
      // Bounds `iat` (not in the future beyond the tolerance, not older than this) against replay.
      maxTokenAge: '1 day',
      ...(audience === undefined ? {} : { audience }),
    });
    return payload;
  };

  const verify = async (token: string, what: string, audience?: string): Promise<JWTPayload> => {
    try {
      try {
        return await check(token, audience);
      } catch (err) {
        // A key under a known kid that no longer verifies: the set may be an old copy (kept on
        // disk, provider-disk-cache.ts). Fetched again once, unless it was fetched just now.
        const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
        if (code !== 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' || jwks.coolingDown) throw err;
        await jwks.reload();
        return await check(token, audience);
      }
    } catch (err) {
      const network = findNetworkError(err);
      if (network) throw network;
      const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
      if (code === 'ERR_JWKS_TIMEOUT' || (err instanceof Error && /fetch failed/.test(err.message))) {
        throw new AppError('IDP_UNREACHABLE', 'The sign-in service keys could not be fetched.');
      }
      const claim = typeof err === 'object' && err !== null ? (err as { claim?: unknown }).claim : undefined;
      if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' && claim === 'iss') {
        const mismatch = issuerFormMismatch(token, options.issuer);
        if (mismatch) throw mismatch;
      }
      if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' || code === 'ERR_JWT_EXPIRED') {
        if (claim === 'iat' || claim === 'exp') {
          const skew = clockSkewError(token, options.now(), tolerance);
          if (skew) throw skew;
        }
      }
      throw invalid(what);
    }
  };

  return {
    async verifyIdToken(idToken, verifyOptions) {
      const p = await verify(idToken, 'ID token', options.clientId);
      if (p['token_use'] !== 'id') throw invalid('ID token');
      if (verifyOptions?.expectedNonce !== undefined && p['nonce'] !== verifyOptions.expectedNonce) {
        throw invalid('ID token');
      }
      const username = p['cognito:username'] ?? p['username'] ?? p.sub;
      const groups = p['cognito:groups'] ?? [];
      const email = p['email'];
      const identityProvider = federatedProvider(p['identities']);
      // The user becomes published state and a keychain entry: it must fit the state's limits
      // (SessionUserSchema) exactly, or the IdP could store a user that wedges every start.
      const candidate = {
        sub: p.sub,
        username,
        groups: Array.isArray(groups) ? groups : [groups],
        ...(email === undefined ? {} : { email }),
        ...(identityProvider === undefined ? {} : { identityProvider }),
      };
      const parsed = SessionUserSchema.safeParse(candidate);
      if (!parsed.success) {
        throw new AppError(
          'TOKEN_INVALID',
          `The ID token from the sign-in service failed validation: ${describeUserProblem(parsed.error)}.`,
        );
      }
      return parsed.data;
    },
    async verifyAccessToken(accessToken) {
      const p = await verify(accessToken, 'access token');
      if (p['token_use'] !== 'access' || p['client_id'] !== options.clientId) throw invalid('access token');
      return p;
    },
  };
}
