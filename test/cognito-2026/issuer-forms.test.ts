import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenVerifier } from '../../src/main/auth/token-verifier';
import { parseProfile } from '../../src/main/config/profile';
import { runProfileChecks } from '../../src/main/doctor/profile-checks';
import { otherIssuerForm } from '../../src/shared/issuer-forms';
import { startDemoApi } from '../../tools/demo-api';
import os from 'node:os';
import path from 'node:path';
import { CLIENT_ID, startHarness, type Harness } from '../auth/support/harness';
import { signInWithBrowser } from '../../tools/support/pool-sign-in';

/**
 * Issue 28 item 1: a pool on Cognito's UPDATED issuer form. The app signs in when the profile
 * names that issuer; with the original form (what it derived before) it fails with
 * ISSUER_FORM_MISMATCH naming the profile field; the doctor says which form the pool uses; the
 * demo API accepts the pool's tokens whichever form it was configured with.
 */
describe('issuer forms against an updated-issuer pool', () => {
  let h: Harness;
  let original: string;

  beforeAll(async () => {
    h = await startHarness({ poolDefinition: { issuerType: 'updated' } });
    original = otherIssuerForm(h.pool.issuer)!.issuer;
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  it('serves discovery and JWKS under the updated issuer, naming it', async () => {
    expect(h.pool.issuerType).toBe('updated');
    expect(h.pool.issuer).toBe(`${h.pool.domain}/updated/us-east-1_LocalPool1`);
    const doc = (await (await fetch(`${h.pool.issuer}/.well-known/openid-configuration`)).json()) as {
      issuer: string;
      jwks_uri: string;
    };
    expect(doc.issuer).toBe(h.pool.issuer);
    expect(doc.jwks_uri).toBe(`${h.pool.issuer}/.well-known/jwks.json`);
    const keys = (await (await fetch(doc.jwks_uri)).json()) as { keys: unknown[] };
    expect(keys.keys.length).toBeGreaterThan(0);
  });

  it('signs in when the profile names the updated issuer', async () => {
    const session = h.newSession();
    try {
      const state = await session.signIn();
      expect(state.status).toBe('signed-in');
    } finally {
      await session.signOut({ endHostedUiSession: false }).catch(() => undefined);
      session.dispose();
    }
  }, 60_000);

  it('refuses the original form with ISSUER_FORM_MISMATCH naming "issuer" and the right value', async () => {
    const { profile } = parseProfile({ ...h.profile, issuer: original });
    const { createSession } = await import('../../src/main/auth/session');
    const session = createSession({ profile, openExternal: (url) => h.openExternal(url) });
    try {
      const err = (await session.signIn().catch((e: unknown) => e)) as { code?: string; message?: string };
      expect(err.code).toBe('ISSUER_FORM_MISMATCH');
      expect(err.message).toContain('"issuer"');
      expect(err.message).toContain(h.pool.issuer);
      expect(err.message).toContain('updated issuer form');
    } finally {
      session.dispose();
    }
  }, 60_000);

  it('a token verifier expecting the original form names the mismatch, not a generic token error', async () => {
    const tokens = await signInWithBrowser(h.pool, {
      clientId: CLIENT_ID,
      username: 'alice',
      password: 'Alice-demo-1!',
      redirectUri: h.profile.redirect.loopback[0]!,
      scopes: ['openid', 'email'],
      browser: h.browser,
    });
    h.secrets.add(tokens.id_token);
    const verifier = createTokenVerifier({
      issuer: original,
      clientId: CLIENT_ID,
      jwksUri: new URL(h.pool.jwksUri),
      now: () => Date.now(),
      timeoutMs: 5_000,
    });
    const err = (await verifier.verifyIdToken(tokens.id_token).catch((e: unknown) => e)) as {
      code?: string;
      message?: string;
    };
    expect(err.code).toBe('ISSUER_FORM_MISMATCH');
    expect(err.message).toContain(`Set the profile's "issuer" to ${h.pool.issuer}`);
    // The right issuer verifies the same token.
    const right = createTokenVerifier({
      issuer: h.pool.issuer,
      clientId: CLIENT_ID,
      jwksUri: new URL(h.pool.jwksUri),
      now: () => Date.now(),
      timeoutMs: 5_000,
    });
    await expect(right.verifyIdToken(tokens.id_token)).resolves.toMatchObject({ username: 'alice' });

    // The demo API configured with either form accepts the pool's access token.
    for (const issuer of [h.pool.issuer, original]) {
      const api = await startDemoApi({
        issuer,
        jwksUri: h.pool.jwksUri,
        clientId: CLIENT_ID,
        port: 0,
        dbPath: path.join(os.tmpdir(), `issuer-forms-${process.pid}-${Date.now()}.sqlite`),
      });
      try {
        const res = await fetch(`${api.url}/me`, {
          headers: { Authorization: `Bearer ${tokens.access_token}` },
        });
        expect(res.status, `demo API with issuer ${issuer}`).toBe(200);
      } finally {
        await api.close();
      }
    }
  }, 60_000);

  it('the doctor finds the updated form and names the field to set', async () => {
    const { profile } = parseProfile({ ...h.profile, issuer: original });
    const results = await runProfileChecks(profile);
    const discovery = results.find((r) => r.id === 'discovery');
    expect(discovery?.status).toBe('fail');
    expect(discovery?.detail).toContain(`the pool uses the updated issuer form ${h.pool.issuer}`);
    expect(discovery?.fix).toContain(`"issuer" to ${h.pool.issuer}`);
    const right = await runProfileChecks(h.profile);
    expect(right.find((r) => r.id === 'discovery')).toMatchObject({
      status: 'pass',
      detail: expect.stringContaining('updated issuer form'),
    });
  }, 60_000);
});

describe('issuerType in a profile', () => {
  const base = {
    id: 'p',
    label: 'p',
    region: 'eu-west-1',
    userPoolId: 'eu-west-1_AbC123',
    clientId: 'abc123',
    domain: 'https://login.example.com',
    scopes: ['openid'],
    redirect: { loopback: ['http://127.0.0.1:53682/callback'] },
  };
  it('derives the form it names; an explicit issuer wins', () => {
    expect(parseProfile(base).profile.issuer).toBe(
      'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123',
    );
    expect(parseProfile({ ...base, issuerType: 'updated' }).profile.issuer).toBe(
      'https://issuer-cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123',
    );
    expect(() => parseProfile({ ...base, issuerType: 'global' })).toThrow(/issuerType/);
    expect(otherIssuerForm('https://issuer-cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123')).toEqual({
      form: 'original',
      issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123',
    });
    expect(otherIssuerForm('https://login.example.com/oauth')).toBeUndefined();
  });
});
