import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { JWTPayload } from 'jose';
import keytar from 'keytar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createCredentialStore,
  keychainAccount,
  KEYCHAIN_SERVICE,
} from '../../src/main/auth/credential-store';
import { createSession } from '../../src/main/auth/session';
import { createTokenVerifier } from '../../src/main/auth/token-verifier';
import type { TokenVerifier } from '../../src/main/auth/token-verifier';
import { parseProfile } from '../../src/main/config/profile';
import { createLogger } from '../../src/main/log/logger';
import { AppError } from '../../src/shared/errors';
import { SessionStateSchema } from '../../src/shared/session-state';
import { assertPrivateKeyring } from '../support/keyring-guard';

/**
 * Defect 4 of issue 14: "a keychain entry that parses but breaks the session-state schema wedges
 * the app" (501 groups, a 300-character username, ...): start() rejected, getState() and every
 * refresh threw ZodError, and the entry stayed. Now such an entry is corrupt (signed out, entry
 * removed, value never logged), and the ID token verifier refuses such a user (TOKEN_INVALID).
 */
const MARK = 'Q7x'; // in every oversized value, to prove none of it was logged
const long = (n: number) => `${MARK}${'u'.repeat(n - MARK.length)}`;
const baseUser = { sub: 'sub-1', username: 'alice', groups: ['admin'], email: 'alice@example.com' };
const violations: Array<[string, Record<string, unknown>]> = [
  ['sub of 257 characters', { ...baseUser, sub: long(257) }],
  ['username of 300 characters', { ...baseUser, username: long(300) }],
  ['501 groups', { ...baseUser, groups: Array.from({ length: 501 }, (_, i) => `${MARK}g${i}`) }],
  ['a group name of 257 characters', { ...baseUser, groups: ['admin', long(257)] }],
  ['email of 321 characters', { ...baseUser, email: `${long(310)}@example.com` }],
  ['a group that is not a string', { ...baseUser, groups: ['admin', 7] }],
];

describe('a stored user that breaks the state limits is a corrupt entry, not a wedged app', () => {
  const lines: string[] = [];
  const logger = createLogger({ sink: (line) => lines.push(line), level: 'debug' });
  const { profile } = parseProfile({
    id: `big${process.pid}x${Date.now()}`,
    label: 'limits',
    region: 'us-east-1',
    userPoolId: 'us-east-1_LocalPool1',
    clientId: 'limitsclient01',
    domain: 'http://127.0.0.1:9',
    issuer: 'http://127.0.0.1:9/us-east-1_LocalPool1',
    scopes: ['openid'],
    redirect: { loopback: ['http://127.0.0.1:9/callback'], prefer: 'loopback' },
    apis: [],
  });
  const account = keychainAccount(profile.id, profile.clientId);
  beforeAll(() => assertPrivateKeyring());
  afterAll(async () => {
    await createCredentialStore({ profileId: profile.id, clientId: profile.clientId }).clear();
  });

  for (const [what, user] of violations) {
    it(`${what}: start() resolves signed-out (error), getState() works, the entry is removed`, async () => {
      const envelope = JSON.stringify({ v: 1, rt: `rt-${MARK}-secret`, t: Date.now(), u: user });
      await keytar.setPassword(KEYCHAIN_SERVICE, account, JSON.stringify({ v: 1, e: envelope }));
      const session = createSession({ profile, openExternal: async () => undefined, logger });
      const state = await session.start();
      expect(state).toMatchObject({
        status: 'signed-out',
        reason: 'error',
        error: { code: 'SIGN_IN_REQUIRED' },
      });
      expect(SessionStateSchema.safeParse(session.getState()).success).toBe(true);
      await expect(session.getAccessToken()).rejects.toMatchObject({ code: 'SIGN_IN_REQUIRED' });
      expect(await keytar.getPassword(KEYCHAIN_SERVICE, account)).toBeNull();
      await session.dispose();
    });
  }

  it('values at the limits are still restored as found', async () => {
    const store = createCredentialStore({ profileId: profile.id, clientId: profile.clientId });
    const atLimit = {
      sub: 's'.repeat(256),
      username: 'u'.repeat(256),
      groups: Array.from({ length: 500 }, () => 'g'.repeat(256)),
      email: `${'e'.repeat(308)}@example.com`,
    };
    await store.save({ refreshToken: 'rt-at-limit', user: atLimit });
    const loaded = await store.load();
    expect(loaded.kind).toBe('found');
    expect(loaded.kind === 'found' && loaded.credential.user).toEqual(atLimit);
    await store.clear();
  });

  it('no oversized value or refresh token was logged', () => {
    expect(lines.join('\n')).not.toContain(MARK);
  });
});

describe('the ID token verifier refuses a user beyond the state limits (TOKEN_INVALID)', () => {
  const ISSUER = 'http://127.0.0.1/us-east-1_TestPool1';
  const CLIENT = 'client0one';
  let server: Server;
  let verifier: TokenVerifier;
  let key: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    key = pair.privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    server = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    verifier = createTokenVerifier({
      issuer: ISSUER,
      clientId: CLIENT,
      jwksUri: new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`),
      now: () => Date.now(),
      timeoutMs: 2000,
    });
  });
  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
  });

  const now = () => Math.floor(Date.now() / 1000);
  const claims = (extra: JWTPayload): JWTPayload => ({
    sub: 'u1',
    aud: CLIENT,
    iss: ISSUER,
    token_use: 'id',
    'cognito:username': 'alice',
    'cognito:groups': ['admin'],
    email: 'alice@example.com',
    iat: now(),
    exp: now() + 3600,
    ...extra,
  });
  const sign = (payload: JWTPayload) =>
    new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).sign(key);
  const failure = async (payload: JWTPayload) => {
    try {
      await verifier.verifyIdToken(await sign(payload));
      return 'accepted';
    } catch (error) {
      return error instanceof AppError ? `${error.code}: ${error.message}` : String(error);
    }
  };

  it.each([
    ['sub of 257 characters', { sub: 's'.repeat(257) }, /sub longer than 256/],
    [
      'cognito:username of 300 characters',
      { 'cognito:username': 'u'.repeat(300) },
      /username longer than 256/,
    ],
    [
      '501 groups',
      { 'cognito:groups': Array.from({ length: 501 }, (_, i) => `g${i}`) },
      /more than 500 groups/,
    ],
    ['a group name of 257 characters', { 'cognito:groups': ['g'.repeat(257)] }, /group name longer than 256/],
    ['email of 321 characters', { email: `${'e'.repeat(309)}@example.com` }, /email longer than 320/],
    ['a group that is not a string', { 'cognito:groups': ['admin', 7] }, /wrong type/],
  ])('%s -> TOKEN_INVALID', async (_what, extra, detail) => {
    const outcome = await failure(claims(extra as JWTPayload));
    expect(outcome).toMatch(/^TOKEN_INVALID: /);
    expect(outcome).toMatch(detail);
  });

  it('exactly at the limits is accepted unchanged', async () => {
    const user = await verifier.verifyIdToken(
      await sign(
        claims({
          sub: 's'.repeat(256),
          'cognito:username': 'u'.repeat(256),
          'cognito:groups': Array.from({ length: 500 }, () => 'g'.repeat(256)),
        }),
      ),
    );
    expect(user.username).toHaveLength(256);
    expect(user.groups).toHaveLength(500);
  });
});
