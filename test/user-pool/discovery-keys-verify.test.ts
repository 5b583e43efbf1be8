import { decodeJwt, decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';

import { startUserPool, type RunningUserPool } from '../../tools/user-pool';
import { startCallbackServer, type CallbackServer } from './support/callback-server';
import { carolSignIn, usePoolWorld } from './support/pool-world';
import { signInForTokens } from './support/http-sign-in';
import { localVerifiers } from './support/verifiers';
import { ROTATING_CLIENT_ID, testPoolDefinition, TEST_CLIENT_ID } from './support/pool-fixtures';

describe('discovery, JWKS and offline verification with aws-jwt-verify', () => {
  let pool: RunningUserPool;
  let callbacks: CallbackServer;
  usePoolWorld({}, (world) => ({ pool, callbacks } = world));

  const carol = () => carolSignIn(callbacks);

  it('lays out URLs like Cognito: issuer = domain + /<userPoolId>, endpoints on the domain', () => {
    expect(pool.issuer).toBe(`${pool.domain}/eu-west-1_TestPool9`);
    expect(pool.jwksUri).toBe(`${pool.issuer}/.well-known/jwks.json`);
    expect(pool.domain).toBe(`http://127.0.0.1:${pool.port}`);
    expect(pool.region).toBe('eu-west-1');
    expect(pool.userPoolId).toBe('eu-west-1_TestPool9');
  });

  it('serves discovery with exactly Cognito’s keys (no code_challenge_methods_supported)', async () => {
    const res = await fetch(`${pool.issuer}/.well-known/openid-configuration`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(doc).sort()).toEqual(
      [
        'authorization_endpoint',
        'end_session_endpoint',
        'id_token_signing_alg_values_supported',
        'issuer',
        'jwks_uri',
        'response_types_supported',
        'revocation_endpoint',
        'scopes_supported',
        'subject_types_supported',
        'token_endpoint',
        'token_endpoint_auth_methods_supported',
        'userinfo_endpoint',
      ].sort(),
    );
    expect(doc).toMatchObject({
      issuer: pool.issuer,
      jwks_uri: pool.jwksUri,
      authorization_endpoint: `${pool.domain}/oauth2/authorize`,
      token_endpoint: `${pool.domain}/oauth2/token`,
      userinfo_endpoint: `${pool.domain}/oauth2/userInfo`,
      revocation_endpoint: `${pool.domain}/oauth2/revoke`,
      end_session_endpoint: `${pool.domain}/logout`,
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code', 'token'],
      scopes_supported: ['openid', 'email', 'phone', 'profile'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    });
  });

  it('serves no discovery at the domain root and 404 for unknown paths', async () => {
    expect((await fetch(`${pool.domain}/.well-known/openid-configuration`)).status).toBe(404);
    expect((await fetch(`${pool.domain}/oauth2/nosuch`)).status).toBe(404);
    expect((await fetch(`${pool.domain}/_provider/jwks`)).status).toBe(404);
  });

  it('serves a JWKS of public RSA RS256 signing keys; ID and access tokens use different kids from it', async () => {
    const jwks = (await (await fetch(pool.jwksUri)).json()) as { keys: Array<Record<string, unknown>> };
    expect(jwks.keys.length).toBeGreaterThanOrEqual(2);
    for (const key of jwks.keys) {
      expect(key).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig', e: 'AQAB' });
      expect(typeof key['kid']).toBe('string');
      for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi']) expect(key[secret]).toBeUndefined();
    }
    const tokens = await signInForTokens(pool, carol());
    const kids = jwks.keys.map((k) => k['kid']);
    const idKid = decodeProtectedHeader(tokens.id_token).kid;
    const accessKid = decodeProtectedHeader(tokens.access_token).kid;
    expect(kids).toContain(idKid);
    expect(kids).toContain(accessKid);
    expect(idKid).not.toBe(accessKid);
  });

  it('verifies access and ID tokens with aws-jwt-verify’s JwtVerifier and Cognito field checks', async () => {
    const tokens = await signInForTokens(pool, carol());
    const { access, id } = localVerifiers(pool, TEST_CLIENT_ID);
    await expect(access.verify(tokens.access_token)).resolves.toMatchObject({
      token_use: 'access',
      client_id: TEST_CLIENT_ID,
      username: 'carol',
    });
    await expect(id.verify(tokens.id_token)).resolves.toMatchObject({ token_use: 'id', aud: TEST_CLIENT_ID });
    // Crossed uses and another client are refused.
    await expect(access.verify(tokens.id_token)).rejects.toThrow();
    await expect(id.verify(tokens.access_token)).rejects.toThrow();
    const other = localVerifiers(pool, ROTATING_CLIENT_ID);
    await expect(other.access.verify(tokens.access_token)).rejects.toThrow('client not accepted');
    await expect(other.id.verify(tokens.id_token)).rejects.toThrow();
  });

  it('rotateAccessTokenKey adds a key to the JWKS, signs new access tokens with it and keeps old ones verifiable', async () => {
    const cb = await startCallbackServer();
    const rotating = await startUserPool({ definition: testPoolDefinition(cb.callbackUrl, cb.signedOutUrl) });
    try {
      const signIn = { ...carol(), redirectUri: cb.callbackUrl };
      const before = await signInForTokens(rotating, signIn);
      const keysBefore = ((await (await fetch(rotating.jwksUri)).json()) as { keys: unknown[] }).keys.length;
      const { kid } = await rotating.rotateAccessTokenKey();
      const jwks = (await (await fetch(rotating.jwksUri)).json()) as { keys: Array<{ kid: string }> };
      expect(jwks.keys.length).toBe(keysBefore + 1);
      expect(jwks.keys.map((k) => k.kid)).toContain(kid);
      const after = await signInForTokens(rotating, signIn);
      expect(decodeProtectedHeader(after.access_token).kid).toBe(kid);
      expect(decodeProtectedHeader(before.access_token).kid).not.toBe(kid);
      expect(decodeProtectedHeader(after.id_token).kid).toBe(decodeProtectedHeader(before.id_token).kid);
      const { access } = localVerifiers(rotating, TEST_CLIENT_ID);
      await expect(access.verify(before.access_token)).resolves.toBeTruthy();
      await expect(access.verify(after.access_token)).resolves.toBeTruthy();
      expect(decodeJwt(after.access_token)['iss']).toBe(rotating.issuer);
    } finally {
      await rotating.close();
      await cb.close();
    }
  });
});
