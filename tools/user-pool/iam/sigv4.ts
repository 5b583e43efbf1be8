/**
 * Verifies an AWS Signature Version 4 `Authorization` header by recomputing the signature with
 * the field's own signer (@smithy/signature-v4) over exactly the headers the client signed.
 * The signer trusts an `x-amz-content-sha256` header as the payload hash, so that header is first
 * checked against the body's own SHA-256; without it the signer hashes the body itself.
 * Errors use the names and messages AWS's JSON services answer with.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';

import type { IamVerifyErrorCode, SignedRequest } from './types';

export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

export interface ParsedAuthorization {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

export class SigV4Error extends Error {
  constructor(
    readonly code: IamVerifyErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function headerValue(headers: SignedRequest['headers'], name: string): string | undefined {
  const value = headers[name] ?? headers[name.toLowerCase()];
  if (Array.isArray(value)) return value.join(',');
  return value;
}

const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

export function parseAuthorization(header: string | undefined): ParsedAuthorization {
  if (header === undefined || header.trim() === '') {
    throw new SigV4Error('MissingAuthenticationTokenException', 'Missing Authentication Token');
  }
  const match = /^AWS4-HMAC-SHA256\s+(.*)$/s.exec(header.trim());
  if (!match?.[1]) {
    throw new SigV4Error(
      'IncompleteSignatureException',
      `Authorization header requires the AWS4-HMAC-SHA256 algorithm. Authorization=${header.split(' ')[0] ?? ''}`,
    );
  }
  const fields = new Map<string, string>();
  for (const part of match[1].split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const credential = fields.get('Credential');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  const missing = [
    ['Credential', credential],
    ['SignedHeaders', signedHeaders],
    ['Signature', signature],
  ]
    .filter(([, v]) => !v)
    .map(([k]) => `'${k}'`);
  if (missing.length || !credential || !signedHeaders || !signature) {
    throw new SigV4Error(
      'IncompleteSignatureException',
      `Authorization header requires ${missing.join(', ')} parameter(s).`,
    );
  }
  const scope = credential.split('/');
  if (scope.length !== 5 || scope[4] !== 'aws4_request' || !/^\d{8}$/.test(scope[1] ?? '')) {
    throw new SigV4Error(
      'IncompleteSignatureException',
      `Credential should be scoped to a valid date, region, service and aws4_request terminator: ${scope.slice(1).join('/')}`,
    );
  }
  return {
    accessKeyId: scope[0] ?? '',
    date: scope[1] ?? '',
    region: scope[2] ?? '',
    service: scope[3] ?? '',
    signedHeaders: signedHeaders.split(';').map((h) => h.toLowerCase()),
    signature: signature.toLowerCase(),
  };
}

/** `20260101T000000Z` -> Date, or undefined. */
export function parseAmzDate(value: string | undefined): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value ?? '');
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  return new Date(Date.UTC(y, mo - 1, d, h, mi, s));
}

function amzDate(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/** The request date and its scope, checked against the clock (15 minutes either way) and the service. */
export function checkDateAndScope(
  request: SignedRequest,
  auth: ParsedAuthorization,
  expected: { region: string; service: string },
  now: number,
): Date {
  const date = parseAmzDate(headerValue(request.headers, 'x-amz-date'));
  if (!date) {
    throw new SigV4Error(
      'IncompleteSignatureException',
      "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
    );
  }
  if (date.getTime() < now - MAX_CLOCK_SKEW_MS) {
    throw new SigV4Error(
      'InvalidSignatureException',
      `Signature expired: ${amzDate(date)} is now earlier than ${amzDate(new Date(now - MAX_CLOCK_SKEW_MS))} (${amzDate(new Date(now))} - 15 min.)`,
    );
  }
  if (date.getTime() > now + MAX_CLOCK_SKEW_MS) {
    throw new SigV4Error(
      'InvalidSignatureException',
      `Signature not yet current: ${amzDate(date)} is still later than ${amzDate(new Date(now + MAX_CLOCK_SKEW_MS))} (${amzDate(new Date(now))} + 15 min.)`,
    );
  }
  if (auth.date !== amzDate(date).slice(0, 8)) {
    throw new SigV4Error(
      'InvalidSignatureException',
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${auth.date}' != '${amzDate(date).slice(0, 8)}', from '${amzDate(date)}'.`,
    );
  }
  if (auth.region !== expected.region) {
    throw new SigV4Error(
      'InvalidSignatureException',
      `Credential should be scoped to a valid region, not '${auth.region}'. `,
    );
  }
  if (auth.service !== expected.service) {
    throw new SigV4Error(
      'InvalidSignatureException',
      `Credential should be scoped to correct service: '${expected.service}'. `,
    );
  }
  return date;
}

function bodyBytes(body: SignedRequest['body']): Uint8Array {
  return typeof body === 'string' ? new TextEncoder().encode(body) : body;
}

/** Recomputes the signature with the caller's secret; throws InvalidSignatureException on any difference. */
export async function checkSignature(
  request: SignedRequest,
  auth: ParsedAuthorization,
  date: Date,
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string },
): Promise<void> {
  const body = bodyBytes(request.body);
  const claimedHash = headerValue(request.headers, 'x-amz-content-sha256');
  if (claimedHash !== undefined && claimedHash !== 'UNSIGNED-PAYLOAD') {
    const actual = createHash('sha256').update(body).digest('hex');
    if (claimedHash.toLowerCase() !== actual) {
      throw new SigV4Error(
        'InvalidSignatureException',
        "The provided 'x-amz-content-sha256' header does not match what was computed.",
      );
    }
  }
  const url = new URL(request.url, 'http://signed.invalid');
  const headers: Record<string, string> = {};
  for (const name of auth.signedHeaders) {
    const value = headerValue(request.headers, name);
    if (value === undefined) throw new SigV4Error('InvalidSignatureException', SIGNATURE_MISMATCH);
    headers[name] = value;
  }
  const query: Record<string, string | string[]> = {};
  for (const [k, v] of url.searchParams) {
    const prior = query[k];
    query[k] = prior === undefined ? v : Array.isArray(prior) ? [...prior, v] : [prior, v];
  }
  const signsToken = auth.signedHeaders.includes('x-amz-security-token');
  const signer = new SignatureV4({
    credentials: {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      ...(signsToken && credentials.sessionToken ? { sessionToken: credentials.sessionToken } : {}),
    },
    region: auth.region,
    service: auth.service,
    sha256: Sha256,
    // The client's signed headers are the whole truth: add none of the signer's own.
    applyChecksum: false,
  });
  const signed = await signer.sign(
    {
      method: request.method.toUpperCase(),
      protocol: 'https:',
      hostname: headers['host'] ?? url.hostname,
      path: url.pathname,
      query,
      headers,
      body,
    },
    { signingDate: date, signableHeaders: new Set(auth.signedHeaders) },
  );
  const computed = /Signature=([0-9a-f]+)/.exec(String(signed.headers['authorization'] ?? ''))?.[1] ?? '';
  const a = Buffer.from(computed);
  const b = Buffer.from(auth.signature);
  if (a.length !== b.length || !timingSafeEqual(a, b)) {
    throw new SigV4Error('InvalidSignatureException', SIGNATURE_MISMATCH);
  }
}
