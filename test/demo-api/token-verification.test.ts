import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportSPKI, importJWK, type CryptoKey } from 'jose';
import { startDemoApi, type RunningDemoApi } from '../../tools/demo-api';
import { call, tempDir } from './support/api-call';
import { TestIssuer, b64url, decode, makeSigningKey } from './support/test-issuer';

/** Bearer verification against a Cognito-shaped test issuer: what must pass and every forgery that must not. */
describe('demo API bearer verification', () => {
  let issuer: TestIssuer;
  let api: RunningDemoApi;
  const tmp = tempDir();
  const logs: string[] = [];

  beforeAll(async () => {
    issuer = await TestIssuer.start();
    api = await startDemoApi({
      issuer: issuer.issuer,
      clientId: issuer.clientId,
      dbPath: tmp.dbPath,
      log: (l) => logs.push(l),
    });
  });
  afterAll(async () => {
    await api?.close();
    await issuer?.close();
    tmp.cleanup();
  });

  async function expectInvalid(token: string, description?: string) {
    const res = await call(api.url, '/me', { token });
    expect(res.status).toBe(401);
    const www = res.headers.get('www-authenticate') ?? '';
    expect(www).toMatch(/^Bearer realm="demo-api", error="invalid_token", error_description="[^"]+"$/);
    expect(res.json['error']).toBe('invalid_token');
    if (description) expect(res.json['error_description']).toBe(description);
    // The token never comes back, in whole or in part.
    const signature = token.split('.')[2];
    expect(res.text).not.toContain(token);
    if (signature && signature.length > 8) expect(res.text + www).not.toContain(signature);
    return res;
  }

  it('accepts a valid Cognito-shaped access token and says who it belongs to', async () => {
    const res = await call(api.url, '/me', { token: await issuer.mint() });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      sub: '4a1b2c3d-0000-4000-8000-00000000a11c',
      username: 'alice',
      groups: ['admin'],
      scopes: ['openid', 'email', 'profile', 'aws.cognito.signin.user.admin'],
      clientId: issuer.clientId,
      issuer: issuer.issuer,
    });
  });

  it('answers a request without credentials with 401 and a bare Bearer challenge', async () => {
    for (const authorization of [undefined, 'Basic YWxpY2U6cHc=', 'Token abc']) {
      const res = await call(api.url, '/me', authorization === undefined ? {} : { authorization });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="demo-api"');
    }
  });

  it('refuses tokens of the wrong kind, client, issuer or time', async () => {
    await expectInvalid(
      await issuer.mint({ claims: { token_use: 'id', aud: issuer.clientId } }),
      'not an access token',
    );
    await expectInvalid(await issuer.mint({ claims: { token_use: undefined } }), 'not an access token');
    await expectInvalid(
      await issuer.mint({ claims: { client_id: 'someotherclient000000000001' } }),
      'client not accepted',
    );
    await expectInvalid(await issuer.mint({ claims: { client_id: undefined } }), 'client not accepted');
    await expectInvalid(
      await issuer.mint({ claims: { iss: 'http://127.0.0.1:1/us-east-1_Other' } }),
      'issuer not accepted',
    );
    await expectInvalid(await issuer.mint({ expiresIn: -5 }), 'token expired');
    await expectInvalid(await issuer.mint({ claims: { exp: undefined } }), 'token has no expiry');
    await expectInvalid(
      await issuer.mint({ claims: { nbf: Math.floor(Date.now() / 1000) + 600 } }),
      'token not yet valid',
    );
    await expectInvalid(
      await issuer.mint({ claims: { iat: Math.floor(Date.now() / 1000) + 600 } }),
      'token issued in the future',
    );
    await expectInvalid(await issuer.mint({ claims: { sub: undefined } }), 'token has no subject');
  });

  it('refuses a token from another issuer with its own keys', async () => {
    const other = await TestIssuer.start(issuer.clientId);
    try {
      await expectInvalid(await other.mint(), 'unknown signing key');
      // Even naming our kid does not help: the signature is checked against our key.
      await expectInvalid(await other.mint({ header: { kid: issuer.currentKey.kid } }));
    } finally {
      await other.close();
    }
  });

  it('refuses forged signatures and algorithm tricks', async () => {
    const good = await issuer.mint();
    const { header, payload, parts } = decode(good);
    const kid = issuer.currentKey.kid;

    // alg none, with and without an empty signature
    const none = `${b64url({ ...header, alg: 'none' })}.${parts[1]}.`;
    await expectInvalid(none);
    await expectInvalid(`${b64url({ ...header, alg: 'none' })}.${parts[1]}`);

    // HS256 "signed" with the RSA public key as the HMAC secret (key confusion)
    const spki = await exportSPKI((await importJWK(issuer.currentKey.publicJwk, 'RS256')) as CryptoKey);
    const hsInput = `${b64url({ alg: 'HS256', kid, typ: 'JWT' })}.${parts[1]}`;
    await expectInvalid(
      `${hsInput}.${createHmac('sha256', spki).update(hsInput).digest('base64url')}`,
      'algorithm not accepted',
    );

    // A key not in the JWKS that claims our kid
    const attacker = await makeSigningKey(kid);
    await expectInvalid(await issuer.mint({ key: attacker }), 'invalid signature');

    // Header-supplied keys: jwk, jku, x5u are ignored; keys come only from the configured JWKS
    await expectInvalid(
      await issuer.mint({ key: attacker, header: { jwk: attacker.publicJwk } }),
      'invalid signature',
    );
    await expectInvalid(
      await issuer.mint({ key: attacker, header: { jku: `${issuer.url}/attacker/jwks.json` } }),
      'invalid signature',
    );
    await expectInvalid(
      await issuer.mint({ key: attacker, header: { x5u: `${issuer.url}/attacker/cert.pem` } }),
      'invalid signature',
    );

    // Tampered payload with the original signature
    await expectInvalid(
      `${parts[0]}.${b64url({ ...payload, 'cognito:groups': ['admin', 'root'] })}.${parts[2]}`,
      'invalid signature',
    );
    await expectInvalid(
      `${parts[0]}.${b64url({ ...payload, sub: 'someone-else' })}.${parts[2]}`,
      'invalid signature',
    );
    // Tampered header (other alg) with the original signature
    await expectInvalid(`${b64url({ ...header, alg: 'RS512' })}.${parts[1]}.${parts[2]}`);
    // ES256 header with our kid: only RS256 is accepted
    await expectInvalid(
      `${b64url({ ...header, alg: 'ES256' })}.${parts[1]}.${parts[2]}`,
      'algorithm not accepted',
    );
  });

  it('refuses an unknown kid and a token without kid', async () => {
    await expectInvalid(
      await issuer.mint({ key: await makeSigningKey('not-in-jwks') }),
      'unknown signing key',
    );
    const { parts, header } = decode(await issuer.mint());
    const { kid: _kid, ...noKid } = header;
    await expectInvalid(`${b64url(noKid)}.${parts[1]}.${parts[2]}`, 'unknown signing key');
  });

  it('refuses malformed structures and over-long tokens, and stays up', async () => {
    const { parts } = decode(await issuer.mint());
    const malformed = [
      'abc',
      'a.b',
      'a.b.c',
      '..',
      `${parts[0]}.${parts[1]}.${parts[2]}.extra`,
      `${b64url('not an object')}.${parts[1]}.${parts[2]}`,
      `${parts[0]}.${b64url([1, 2, 3])}.${parts[2]}`,
      `${parts[0]}.!!!notbase64!!!.${parts[2]}`,
      `${Buffer.from('{"alg":"RS256",').toString('base64url')}.${parts[1]}.${parts[2]}`,
      `${parts[0]}.${parts[1]}.${parts[2]}`.replace(/\./g, '..'),
    ];
    for (const token of malformed) await expectInvalid(token);
    for (const authorization of ['Bearer', 'Bearer ', 'Bearer a b', 'Bearer ===', 'Bearer a"b']) {
      const res = await call(api.url, '/me', { authorization });
      expect(res.status).toBe(401);
      expect(res.json['error_description']).toBe('malformed token');
    }
    await expectInvalid('eyJ' + 'A'.repeat(9000), 'token too long');
    // Beyond the header limit the HTTP parser refuses it (431) before any token handling, and it is logged.
    const huge = await call(api.url, '/me', { token: 'A'.repeat(20_000) });
    expect(huge.status).toBe(431);
    expect(logs.some((l) => l.includes('"event":"client_error"'))).toBe(true);
    const health = await call(api.url, '/healthz');
    expect(health.status).toBe(200);
    expect((await call(api.url, '/me', { token: await issuer.mint() })).status).toBe(200);
  });

  it('never logs the Authorization header or any token', async () => {
    const token = await issuer.mint({ claims: { jti: 'sentinel-jti-for-log-test' } });
    await call(api.url, '/me?access_token=leaky', { token });
    const all = logs.join('\n');
    expect(logs.some((l) => l.includes('"path":"/me"'))).toBe(true);
    expect(all).not.toContain(token.split('.')[2]);
    expect(all).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/);
    expect(all).not.toContain('leaky');
    expect(all.toLowerCase()).not.toContain('authorization');
  });
});
