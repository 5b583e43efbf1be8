import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair, type JWK, type CryptoKey } from 'jose';
import { cognitoAccessClaims } from '../../../tools/demo-api/local-signer';

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export async function makeSigningKey(kid: string = randomUUID()): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  return { kid, privateKey, publicJwk };
}

export interface MintOptions {
  key?: SigningKey;
  /** Claims merged over the Cognito-shaped defaults; `undefined` values remove a claim. */
  claims?: Record<string, unknown>;
  header?: Record<string, unknown>;
  /** Lifetime in seconds from now (default 3600). */
  expiresIn?: number;
}

/**
 * A stand-in for a Cognito pool's signing side: RS256 keys, a JWKS on 127.0.0.1 (port 0), and
 * access tokens shaped like Cognito's. The JWKS can be made to fail or go silent, to test
 * failing closed and recovering.
 */
export class TestIssuer {
  readonly keys: SigningKey[] = [];
  jwksFetches = 0;
  mode: 'ok' | 'error' = 'ok';
  private server: http.Server | undefined;
  url = '';

  private constructor(readonly clientId: string) {}

  static async start(clientId = 'testclient0000000000000001'): Promise<TestIssuer> {
    const issuer = new TestIssuer(clientId);
    issuer.keys.push(await makeSigningKey());
    await issuer.listen(0);
    return issuer;
  }

  get issuer(): string {
    return `${this.url}/us-east-1_TestPool1`;
  }

  get jwksUri(): string {
    return `${this.issuer}/.well-known/jwks.json`;
  }

  private async listen(port: number): Promise<void> {
    const server = http.createServer((req, res) => {
      if (req.url !== '/us-east-1_TestPool1/.well-known/jwks.json') {
        res.writeHead(404).end();
        return;
      }
      this.jwksFetches += 1;
      if (this.mode === 'error') {
        res.writeHead(503, { 'Content-Type': 'text/html' }).end('<h1>503</h1>');
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ keys: this.keys.map((k) => k.publicJwk) }));
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    this.server = server;
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  /** Connection refused until resume(), on the same port. */
  async suspend(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  async resume(): Promise<void> {
    if (this.server) return;
    await this.listen(Number(new URL(this.url).port));
  }

  /** Adds a new key to the JWKS and signs with it from now on. */
  async rotate(): Promise<SigningKey> {
    const key = await makeSigningKey();
    this.keys.push(key);
    return key;
  }

  get currentKey(): SigningKey {
    const key = this.keys[this.keys.length - 1];
    if (!key) throw new Error('no key');
    return key;
  }

  baseClaims(): Record<string, unknown> {
    return cognitoAccessClaims(this.issuer, this.clientId);
  }

  async mint(options: MintOptions = {}): Promise<string> {
    const key = options.key ?? this.currentKey;
    const claims: Record<string, unknown> = { ...this.baseClaims() };
    if (options.expiresIn !== undefined) claims['exp'] = Math.floor(Date.now() / 1000) + options.expiresIn;
    for (const [k, v] of Object.entries(options.claims ?? {})) {
      if (v === undefined) delete claims[k];
      else claims[k] = v;
    }
    return await new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT', ...options.header })
      .sign(key.privateKey);
  }

  async close(): Promise<void> {
    await this.suspend();
  }
}

export const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Splits a JWT into decoded header and payload plus the raw segments. */
export function decode(token: string): {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  parts: string[];
} {
  const parts = token.split('.');
  return {
    header: JSON.parse(Buffer.from(parts[0] ?? '', 'base64url').toString()) as Record<string, unknown>,
    payload: JSON.parse(Buffer.from(parts[1] ?? '', 'base64url').toString()) as Record<string, unknown>,
    parts,
  };
}
