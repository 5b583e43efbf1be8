import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import type { Fetcher } from 'aws-jwt-verify/https';
import { AppError } from '../../src/shared/errors';
import { isLoopbackHost } from '../../src/shared/loopback';

/** Thrown when the JWKS cannot be fetched: verification fails closed (503), never open. */
export class JwksUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JwksUnavailableError';
  }
}

const MAX_JWKS_BYTES = 64 * 1024;

/** https anywhere; plain http only on loopback (the local user pool). Anything else is a config error. */
export function assertJwksUriAllowed(jwksUri: string): URL {
  let url: URL;
  try {
    url = new URL(jwksUri);
  } catch {
    throw new AppError('CONFIG_INVALID', 'JWKS URI is not a valid URL');
  }
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return url;
  throw new AppError('CONFIG_INVALID', `JWKS URI must be https (http only on loopback): ${url.origin}`);
}

export interface JwksFetcherOptions {
  timeoutMs?: number;
  /** After a failure, fail fast for this long: an unreachable IdP gets one request per pause, not one per token. */
  failureCooldownMs?: number;
  now?: () => number;
  /** Extra trusted root (PEM) for an https JWKS, besides Node's (a test CA). */
  ca?: string;
}

/**
 * aws-jwt-verify's SimpleFetcher is https-only and retries once; this one keeps the scheme rule
 * above, caps the body, and adds a cooldown after failures (the library's penalty box only
 * counts fetches that succeeded but lacked the kid, not fetches that failed).
 */
export class GuardedJwksFetcher implements Fetcher {
  fetchCount = 0;
  private readonly timeoutMs: number;
  private readonly failureCooldownMs: number;
  private readonly now: () => number;
  private failedAt: number | undefined;
  private readonly ca: string | undefined;

  constructor(options: JwksFetcherOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 3000;
    this.failureCooldownMs = options.failureCooldownMs ?? 1000;
    this.now = options.now ?? Date.now;
    this.ca = options.ca;
  }

  async fetch(uri: string): Promise<ArrayBuffer> {
    const url = assertJwksUriAllowed(uri);
    if (this.failedAt !== undefined && this.now() - this.failedAt < this.failureCooldownMs) {
      throw new JwksUnavailableError('JWKS fetch failed recently; cooling down');
    }
    this.fetchCount += 1;
    try {
      const body = await this.get(url);
      this.failedAt = undefined;
      return body;
    } catch (err) {
      this.failedAt = this.now();
      throw err instanceof JwksUnavailableError ? err : new JwksUnavailableError('JWKS fetch failed');
    }
  }

  private get(url: URL): Promise<ArrayBuffer> {
    const client = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const req = client.get(
        url,
        {
          timeout: this.timeoutMs,
          headers: { accept: 'application/json' },
          ...(this.ca && url.protocol === 'https:' ? { ca: [...tls.rootCertificates, this.ca] } : {}),
        },
        (res) => {
          if (res.statusCode !== 200) {
            res.resume();
            reject(new JwksUnavailableError(`JWKS answered HTTP ${res.statusCode ?? 0}`));
            return;
          }
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_JWKS_BYTES) {
              req.destroy();
              reject(new JwksUnavailableError('JWKS response too large'));
              return;
            }
            chunks.push(chunk);
          });
          res.on('end', () => {
            const buf = Buffer.concat(chunks);
            resolve(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer);
          });
          res.on('error', () => reject(new JwksUnavailableError('JWKS response interrupted')));
        },
      );
      req.on('timeout', () => req.destroy(new JwksUnavailableError('JWKS fetch timed out')));
      req.on('error', (err) =>
        reject(err instanceof JwksUnavailableError ? err : new JwksUnavailableError('JWKS unreachable')),
      );
    });
  }
}
