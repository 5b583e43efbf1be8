import { generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A minimal Cognito-shaped signer for benches: one RS256 key, a JWKS on 127.0.0.1 (port 0),
 * and access tokens minted with node:crypto. Tests use their own jose-based issuer; this one
 * has no test dependencies so tools/bench can use it.
 */
/** The claims of a Cognito access token (alice, group admin, one hour), for benches and tests. */
export function cognitoAccessClaims(issuer: string, clientId: string): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return {
    sub: '4a1b2c3d-0000-4000-8000-00000000a11c',
    'cognito:groups': ['admin'],
    iss: issuer,
    version: 2,
    client_id: clientId,
    origin_jti: randomUUID(),
    event_id: randomUUID(),
    token_use: 'access',
    scope: 'openid email profile aws.cognito.signin.user.admin',
    auth_time: now,
    iat: now,
    exp: now + 3600,
    jti: randomUUID(),
    username: 'alice',
  };
}

export class LocalSigner {
  readonly kid = randomUUID();
  readonly clientId = 'benchclient000000000000001';
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  private server: http.Server | undefined;
  issuer = '';
  jwksUri = '';

  constructor() {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.privateKey = pair.privateKey;
    this.publicKey = pair.publicKey;
  }

  async start(): Promise<this> {
    const jwk = { ...this.publicKey.export({ format: 'jwk' }), kid: this.kid, alg: 'RS256', use: 'sig' };
    const body = JSON.stringify({ keys: [jwk] });
    this.server = http.createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(body);
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const port = (this.server.address() as AddressInfo).port;
    this.issuer = `http://127.0.0.1:${port}/us-east-1_BenchPool`;
    this.jwksUri = `${this.issuer}/.well-known/jwks.json`;
    return this;
  }

  mint(overrides: Record<string, unknown> = {}): string {
    const header = { kid: this.kid, alg: 'RS256' };
    const payload = { ...cognitoAccessClaims(this.issuer, this.clientId), ...overrides };
    const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
    return `${input}.${sign('sha256', Buffer.from(input), this.privateKey).toString('base64url')}`;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }
}
