import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseProfile } from '../../src/main/config/profile';
import { runProfileChecks } from '../../src/main/doctor/profile-checks';
import { CLIENT_ID, CUSTOM_SCHEME, startHarness, type Harness } from '../auth/support/harness';
import { freePort } from '../../tools/support/ports';

/**
 * Issue 28 item 4: an AWS WAF web ACL in front of the pool answers 403 to authorize requests
 * whose redirect_uri is on 127.0.0.1. The doctor tells that apart from Cognito's own errors and
 * names the localhost fix; a profile that prefers localhost signs in through the same pool.
 */
describe('AWS WAF blocking loopback-IP redirect URIs', () => {
  let h: Harness;
  let ipUri: string;
  let localhostUri: string;

  beforeAll(async () => {
    const [ipPort, localhostPort] = [await freePort(), await freePort()];
    ipUri = `http://127.0.0.1:${ipPort}/callback`;
    localhostUri = `http://localhost:${localhostPort}/callback`;
    h = await startHarness({
      poolDefinition: { waf: { blockLoopbackIpRedirects: true } },
      client: { callbackUrls: [ipUri, localhostUri, CUSTOM_SCHEME] },
      profile: {
        redirect: { loopback: [ipUri, localhostUri], customScheme: CUSTOM_SCHEME, prefer: 'localhost' },
      },
    });
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  const authorize = (redirectUri: string) =>
    fetch(
      `${h.pool.domain}/oauth2/authorize?${new URLSearchParams({
        response_type: 'code',
        client_id: CLIENT_ID,
        redirect_uri: redirectUri,
        scope: 'openid',
        code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
        code_challenge_method: 'S256',
      }).toString()}`,
      { redirect: 'manual' },
    );

  it("answers WAF's 403 page for a 127.0.0.1 redirect URI and lets localhost through", async () => {
    const blocked = await authorize(ipUri);
    expect(blocked.status).toBe(403);
    const body = await blocked.text();
    expect(body).toContain('403 Forbidden');
    expect(body).not.toContain('An error was encountered');
    const through = await authorize(localhostUri);
    expect([302, 303]).toContain(through.status);
    expect(through.headers.get('location')).toMatch(/\/login\?/);
  });

  it('the doctor reports the WAF 403 and the localhost fix', async () => {
    const results = await runProfileChecks(h.profile);
    const ip = results.find((r) => r.id === `redirect:${ipUri}`);
    expect(ip?.status).toBe('fail');
    expect(ip?.detail).toContain("not Cognito's error page");
    expect(ip?.detail).toContain('AWS WAF');
    expect(ip?.fix).toContain(`Register http://localhost:${new URL(ipUri).port}/callback`);
    expect(ip?.fix).toContain('"redirect.prefer": "localhost"');
    expect(results.find((r) => r.id === `redirect:${localhostUri}`)?.status).toBe('pass');
  }, 60_000);

  it('a profile preferring localhost signs in through the web ACL', async () => {
    const session = h.newSession();
    try {
      const state = await session.signIn();
      expect(state.status).toBe('signed-in');
      const opened = new URL(h.opened.at(-1)!);
      expect(opened.searchParams.get('redirect_uri')).toBe(localhostUri);
    } finally {
      await session.signOut({ endHostedUiSession: false }).catch(() => undefined);
      session.dispose();
    }
  }, 60_000);

  it('prefer localhost needs a localhost redirect URI', () => {
    expect(() =>
      parseProfile({ ...h.profile, redirect: { loopback: [ipUri], prefer: 'localhost' } }),
    ).toThrow(/redirect\.prefer/);
  });
});
