import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenVerifier } from '../../src/main/auth/token-verifier';
import type { TokenVerifier } from '../../src/main/auth/token-verifier';
import { AppError } from '../../src/shared/errors';

const ISSUER = 'http://127.0.0.1/us-east-1_TestPool1';
const CLIENT = 'client0one';
let server: Server;
let verifier: TokenVerifier;
type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
let key: PrivateKey;
let otherKey: PrivateKey;

beforeAll(async () => {
  const pair = await generateKeyPair('RS256');
  key = pair.privateKey;
  otherKey = (await generateKeyPair('RS256')).privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  verifier = createTokenVerifier({
    issuer: ISSUER,
    clientId: CLIENT,
    jwksUri: new URL(`http://127.0.0.1:${port}/jwks.json`),
    now: () => Date.now(),
    timeoutMs: 2000,
  });
});
afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
});

const now = () => Math.floor(Date.now() / 1000);
const idClaims = (): JWTPayload => ({
  sub: 'u1',
  aud: CLIENT,
  iss: ISSUER,
  token_use: 'id',
  'cognito:username': 'alice',
  'cognito:groups': ['admin'],
  email: 'alice@example.com',
  nonce: 'n1',
  iat: now(),
  exp: now() + 3600,
});
const accessClaims = (): JWTPayload => ({
  sub: 'u1',
  iss: ISSUER,
  token_use: 'access',
  client_id: CLIENT,
  username: 'alice',
  iat: now(),
  exp: now() + 3600,
});

function sign(payload: JWTPayload, options: { alg?: string; kid?: string; with?: PrivateKey } = {}) {
  return new SignJWT(payload)
    .setProtectedHeader({ alg: options.alg ?? 'RS256', kid: options.kid ?? 'k1' })
    .sign(options.with ?? key);
}

async function codeOf(p: Promise<unknown>) {
  try {
    await p;
    return 'ok';
  } catch (e) {
    return e instanceof AppError ? e.code : 'other';
  }
}

describe('token verifier (jose, against a real JWKS endpoint)', () => {
  it('accepts good ID and access tokens and reads the user', async () => {
    expect(await verifier.verifyIdToken(await sign(idClaims()), { expectedNonce: 'n1' })).toEqual({
      sub: 'u1',
      username: 'alice',
      email: 'alice@example.com',
      groups: ['admin'],
    });
    expect((await verifier.verifyAccessToken(await sign(accessClaims())))['client_id']).toBe(CLIENT);
  });

  it('rejects forged or confused ID tokens', async () => {
    const unsignedNone = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify(idClaims())).toString('base64url')}.`;
    const bad = [
      unsignedNone,
      await sign(idClaims(), { with: otherKey }),
      await sign(idClaims(), { kid: 'unknown' }),
      await sign({ ...idClaims(), iss: `${ISSUER}x` }),
      await sign({ ...idClaims(), aud: 'other-client' }),
      await sign({ ...idClaims(), token_use: 'access' }),
      await sign({ ...idClaims(), exp: now() - 3600 }),
      await sign({ ...idClaims(), iat: now() + 3600 }),
      await sign({ ...idClaims(), nonce: 'other' }),
      'not.a.jwt',
    ];
    for (const token of bad) {
      expect(await codeOf(verifier.verifyIdToken(token, { expectedNonce: 'n1' }))).toBe('TOKEN_INVALID');
    }
    const hs = await new SignJWT(idClaims())
      .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
      .sign(new TextEncoder().encode('public-key-as-secret-xxxxxxxxxxxxxxxx'));
    expect(await codeOf(verifier.verifyIdToken(hs))).toBe('TOKEN_INVALID');
  });

  it('rejects access tokens of another client, another type or issuer', async () => {
    for (const claims of [
      { ...accessClaims(), client_id: 'other' },
      { ...accessClaims(), token_use: 'id' },
      { ...accessClaims(), iss: 'https://evil.example/pool' },
    ]) {
      expect(await codeOf(verifier.verifyAccessToken(await sign(claims)))).toBe('TOKEN_INVALID');
    }
  });
});
