/**
 * Verifies a token this pool issued (signature against the pool's JWKS, issuer, expiry) and says
 * whether the sign-in it came from still stands: a revoked refresh token or a global sign-out
 * takes its grant, and so every token linked to it by `origin_jti`, down with it.
 */
import { createLocalJWKSet, errors, jwtVerify, type JSONWebKeySet } from 'jose';

import type { GrantRecords } from './grant-records';

export type PoolJwtResult =
  { ok: true; claims: Record<string, unknown> } | { ok: false; reason: 'expired' | 'invalid'; exp?: number };

export interface PoolTokenDeps {
  issuer: string;
  jwks: () => JSONWebKeySet;
  grants: GrantRecords;
  grantAlive: (grantId: string) => Promise<boolean>;
}

export async function verifyPoolJwt(deps: PoolTokenDeps, token: string): Promise<PoolJwtResult> {
  try {
    const verified = await jwtVerify(token, createLocalJWKSet(deps.jwks()), {
      issuer: deps.issuer,
      algorithms: ['RS256'],
    });
    return { ok: true, claims: verified.payload as Record<string, unknown> };
  } catch (err) {
    if (err instanceof errors.JWTExpired) {
      const exp = (err.payload as { exp?: unknown }).exp;
      return { ok: false, reason: 'expired', ...(typeof exp === 'number' ? { exp } : {}) };
    }
    return { ok: false, reason: 'invalid' };
  }
}

/** Whether the sign-in behind these claims is still alive (not revoked, not globally signed out). */
export async function signInAlive(deps: PoolTokenDeps, claims: Record<string, unknown>): Promise<boolean> {
  const originJti = claims['origin_jti'];
  const record = typeof originJti === 'string' ? deps.grants.byOriginJti(originJti) : undefined;
  return record !== undefined && (await deps.grantAlive(record.grantId));
}
