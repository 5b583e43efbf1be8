/**
 * Temporary credentials that verify without shared state: the session token carries what was
 * issued (access key id, role, identity, expiry) under an HMAC, and the secret key is an HMAC of
 * the token's contents. The HMAC key is derived from the definition, so any local server started
 * with the same definition (the pool, the demo API in IAM mode) verifies the same credentials,
 * across processes and restarts. Anyone holding the definition can mint credentials: this is a
 * local test stand-in for STS, not a security boundary.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

import type { IamDefinition, IssuedCredentials } from './types';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

interface TokenPayload {
  v: 1;
  /** Access key id. */
  k: string;
  /** Role ARN. */
  r: string;
  /** Identity id. */
  i: string;
  /** Expiry, ms since the epoch. */
  e: number;
}

export interface DecodedSession {
  accessKeyId: string;
  roleArn: string;
  identityId: string;
  expiresAt: number;
  secretAccessKey: string;
}

export function credentialsKey(definition: IamDefinition): Buffer {
  return createHash('sha256')
    .update('local-user-pool iam v1\0')
    .update(`${definition.region}\0${definition.userPoolId}\0`)
    .update(definition.adminCredentials?.secretAccessKey ?? '')
    .digest();
}

function mac(key: Buffer, label: string, data: string): string {
  return createHmac('sha256', key).update(`${label}\0${data}`).digest('base64url');
}

/** `ASIA` + 16 base32 characters, as STS's temporary access key ids look. */
function temporaryAccessKeyId(): string {
  const bytes = randomBytes(16);
  let out = 'ASIA';
  for (const b of bytes) out += BASE32[b & 31];
  return out;
}

export function issueSessionCredentials(
  key: Buffer,
  grant: { roleArn: string; identityId: string; lifetimeSeconds: number },
  now: number,
): IssuedCredentials {
  // Whole seconds: the JSON APIs carry Expiration in epoch seconds, and it must be the real expiry.
  const expiresAt = Math.floor(now / 1000) * 1000 + grant.lifetimeSeconds * 1000;
  const payload: TokenPayload = {
    v: 1,
    k: temporaryAccessKeyId(),
    r: grant.roleArn,
    i: grant.identityId,
    e: expiresAt,
  };
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return {
    accessKeyId: payload.k,
    secretAccessKey: mac(key, 'secret', body),
    sessionToken: `${body}.${mac(key, 'token', body)}`,
    expiration: new Date(expiresAt),
  };
}

/** The session a token stands for, or undefined when this definition never issued it. */
export function decodeSessionToken(key: Buffer, token: string): DecodedSession | undefined {
  const dot = token.indexOf('.');
  if (dot <= 0) return undefined;
  const body = token.slice(0, dot);
  const given = Buffer.from(token.slice(dot + 1));
  const expected = Buffer.from(mac(key, 'token', body));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  let payload: Partial<TokenPayload>;
  try {
    payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Partial<TokenPayload>;
  } catch {
    return undefined;
  }
  if (
    payload.v !== 1 ||
    typeof payload.k !== 'string' ||
    typeof payload.r !== 'string' ||
    typeof payload.i !== 'string' ||
    typeof payload.e !== 'number'
  ) {
    return undefined;
  }
  return {
    accessKeyId: payload.k,
    roleArn: payload.r,
    identityId: payload.i,
    expiresAt: payload.e,
    secretAccessKey: mac(key, 'secret', body),
  };
}
