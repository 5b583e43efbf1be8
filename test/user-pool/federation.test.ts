/**
 * Federated sign-in through the local pool, in Chromium, against a second OIDC provider on its own
 * port: identity_provider / idp_identifier straight to the upstream, the Hosted UI button, the
 * upstream declining, unknown providers, and what the pool's tokens say about a federated user.
 */
import { decodeJwt } from 'jose';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { authorizeUrl, tokenRequest } from './support/http-sign-in';
import {
  appRequest,
  FEDERATED_USERNAME,
  IDP_IDENTIFIER,
  IDP_NAME,
  SECRET_CLIENT_ID,
  signInUpstream,
  startFederationWorld,
  TEST_CLIENT_ID,
  UPSTREAM_USER,
  type FederationWorld,
} from './support/federation-world';
import { localVerifiers } from './support/verifiers';

describe('user pool: federated sign-in (OIDC upstream)', { timeout: 60_000 }, () => {
  let world: FederationWorld;

  beforeAll(async () => {
    world = await startFederationWorld();
  }, 60_000);
  afterAll(async () => {
    await world?.close();
  });

  async function withPage<T>(run: (page: Page, context: BrowserContext) => Promise<T>): Promise<T> {
    const context = await world.browser.newContext();
    try {
      return await run(await context.newPage(), context);
    } finally {
      await context.close();
    }
  }

  async function exchange(code: string, verifier: string) {
    const res = await tokenRequest(world.pool, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: world.callbacks.callbackUrl,
      client_id: TEST_CLIENT_ID,
      code_verifier: verifier,
    });
    expect(res.status).toBe(200);
    return res.body as { id_token: string; access_token: string; refresh_token: string };
  }

  /** Every URL the page requests, and every pool page it was shown (a 200 HTML answer from the pool). */
  function recordRequests(page: Page): { seen: string[]; shown: string[] } {
    const seen: string[] = [];
    const shown: string[] = [];
    page.on('request', (r) => seen.push(r.url()));
    page.on('response', (r) => {
      if (r.url().startsWith(world.pool.domain) && r.status() === 200) shown.push(r.url());
    });
    return { seen, shown };
  }

  it('identity_provider=<name> skips the Hosted UI page, signs in upstream and issues the pool its own code', async () => {
    const app = appRequest();
    await withPage(async (page) => {
      const { seen, shown } = recordRequests(page);
      await page.goto(
        authorizeUrl(
          world.pool,
          app.params(world.callbacks.callbackUrl, {
            state: app.state,
            nonce: app.nonce,
            identity_provider: IDP_NAME,
          }),
        ),
      );
      expect(new URL(page.url()).origin).toBe(world.upstream.issuer);
      await signInUpstream(page, UPSTREAM_USER.username, UPSTREAM_USER.password);
      const callback = await world.callbacks.next();
      expect(callback.searchParams.get('state')).toBe(app.state);
      const code = callback.searchParams.get('code');
      expect(code).toBeTruthy();

      // The pool never showed a page of its own, and it asked the upstream with its own state and nonce.
      expect(shown).toEqual([]);
      const upstreamAuthorize = new URL(seen.find((u) => u.startsWith(`${world.upstream.issuer}/auth`))!);
      expect(upstreamAuthorize.searchParams.get('redirect_uri')).toBe(
        `${world.pool.domain}/oauth2/idpresponse`,
      );
      expect(upstreamAuthorize.searchParams.get('client_id')).toBe('pool-at-upstream');
      expect(upstreamAuthorize.searchParams.get('state')).not.toBe(app.state);
      expect(upstreamAuthorize.searchParams.get('nonce')).toBeTruthy();
      expect(upstreamAuthorize.searchParams.get('nonce')).not.toBe(app.nonce);

      const tokens = await exchange(code!, app.verifier);
      const verifiers = localVerifiers(world.pool, TEST_CLIENT_ID);
      const id = await verifiers.id.verify(tokens.id_token);
      expect(id['cognito:username']).toBe(FEDERATED_USERNAME);
      expect(id['nonce']).toBe(app.nonce);
      expect(id['email']).toBe(UPSTREAM_USER.email);
      expect(id['email_verified']).toBe(true);
      expect(id['cognito:groups']).toEqual(
        expect.arrayContaining([`${world.pool.userPoolId}_${IDP_NAME}`, 'admin']),
      );
      expect(id['identities']).toEqual([
        {
          userId: UPSTREAM_USER.sub,
          providerName: IDP_NAME,
          providerType: 'OIDC',
          issuer: null,
          primary: 'true',
          dateCreated: expect.stringMatching(/^\d{13}$/),
        },
      ]);
      const access = await verifiers.access.verify(tokens.access_token);
      expect(access['username']).toBe(FEDERATED_USERNAME);
      expect(access['cognito:groups']).toEqual(
        expect.arrayContaining([`${world.pool.userPoolId}_${IDP_NAME}`]),
      );
      expect(access['identities']).toBeUndefined();
    });
  });

  it('the Hosted UI page shows a button per provider; pressing it goes upstream and back to the app', async () => {
    const app = appRequest();
    await withPage(async (page) => {
      await page.goto(
        authorizeUrl(world.pool, app.params(world.callbacks.callbackUrl, { state: app.state })),
      );
      expect(new URL(page.url()).pathname).toBe('/login');
      await expect(page.getByLabel('Username').count()).resolves.toBe(1);
      const button = page.getByRole('button', { name: IDP_NAME });
      await expect(button.count()).resolves.toBe(1);
      await button.click();
      expect(new URL(page.url()).origin).toBe(world.upstream.issuer);
      await signInUpstream(page, UPSTREAM_USER.username, UPSTREAM_USER.password);
      const callback = await world.callbacks.next();
      expect(callback.searchParams.get('state')).toBe(app.state);
      const tokens = await exchange(callback.searchParams.get('code')!, app.verifier);
      expect(decodeJwt(tokens.id_token)['cognito:username']).toBe(FEDERATED_USERNAME);
    });
  });

  it('idp_identifier=<identifier> goes to the provider it is mapped to', async () => {
    const app = appRequest();
    await withPage(async (page) => {
      await page.goto(
        authorizeUrl(
          world.pool,
          app.params(world.callbacks.callbackUrl, { state: app.state, idp_identifier: IDP_IDENTIFIER }),
        ),
      );
      expect(new URL(page.url()).origin).toBe(world.upstream.issuer);
      await signInUpstream(page, UPSTREAM_USER.username, UPSTREAM_USER.password);
      const callback = await world.callbacks.next();
      expect(callback.searchParams.get('code')).toBeTruthy();
    });
  });

  it('the upstream declining ("Cancel" there) ends at the app with access_denied, the app state and a description', async () => {
    const app = appRequest();
    const declinesBefore = world.upstream.counters.declines;
    await withPage(async (page) => {
      await page.goto(
        authorizeUrl(
          world.pool,
          app.params(world.callbacks.callbackUrl, { state: app.state, identity_provider: IDP_NAME }),
        ),
      );
      await page.getByRole('button', { name: 'Cancel' }).click();
      const callback = await world.callbacks.next();
      expect(callback.searchParams.get('error')).toBe('access_denied');
      expect(callback.searchParams.get('state')).toBe(app.state);
      expect(callback.searchParams.get('error_description')).toContain(`${IDP_NAME} Error`);
      expect(callback.searchParams.get('code')).toBeNull();
    });
    expect(world.upstream.counters.declines).toBe(declinesBefore + 1);
  });

  it('an unknown provider, identifier, or a provider the client does not support ends on the pool error page, never at the app', async () => {
    const cases: Array<[string, Record<string, string>]> = [
      [TEST_CLIENT_ID, { identity_provider: 'NoSuchIdP' }],
      [TEST_CLIENT_ID, { idp_identifier: 'nowhere.example' }],
      [SECRET_CLIENT_ID, { identity_provider: IDP_NAME }],
    ];
    const before = world.callbacks.received.length;
    await withPage(async (page) => {
      for (const [clientId, extra] of cases) {
        const app = appRequest(clientId);
        await page.goto(
          authorizeUrl(world.pool, app.params(world.callbacks.callbackUrl, { state: app.state, ...extra })),
        );
        const url = new URL(page.url());
        expect(url.origin).toBe(world.pool.domain);
        expect(url.pathname).toBe('/error');
        await expect(page.locator('#error').textContent()).resolves.toBe('Login option is not available.');
      }
    });
    expect(world.callbacks.received.length).toBe(before);
  });

  it("a federated user's refresh keeps the federated claims; /logout ends the pool session, the upstream keeps its own", async () => {
    const app = appRequest();
    await withPage(async (page) => {
      await page.goto(
        authorizeUrl(
          world.pool,
          app.params(world.callbacks.callbackUrl, { state: app.state, identity_provider: IDP_NAME }),
        ),
      );
      await signInUpstream(page, UPSTREAM_USER.username, UPSTREAM_USER.password);
      const first = await world.callbacks.next();
      const tokens = await exchange(first.searchParams.get('code')!, app.verifier);

      const refreshed = await tokenRequest(world.pool, {
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token,
        client_id: TEST_CLIENT_ID,
      });
      expect(refreshed.status).toBe(200);
      const id = await localVerifiers(world.pool, TEST_CLIENT_ID).id.verify(
        String(refreshed.body['id_token']),
      );
      expect(id['cognito:username']).toBe(FEDERATED_USERNAME);
      expect((id['identities'] as Array<{ providerName: string }>)[0]?.providerName).toBe(IDP_NAME);
      expect(id['cognito:groups']).toEqual(expect.arrayContaining([`${world.pool.userPoolId}_${IDP_NAME}`]));

      // Sign out at the pool: its session is gone (authorize shows the page again) ...
      await page.goto(
        `${world.pool.domain}/logout?${new URLSearchParams({ client_id: TEST_CLIENT_ID, logout_uri: world.callbacks.signedOutUrl })}`,
      );
      expect((await world.callbacks.next()).pathname).toBe('/signed-out');
      const again = appRequest();
      await page.goto(
        authorizeUrl(world.pool, again.params(world.callbacks.callbackUrl, { state: again.state })),
      );
      expect(new URL(page.url()).pathname).toBe('/login');

      // ... while the upstream's session is the upstream's: through it, no form is shown.
      const logins = world.upstream.counters.logins;
      const third = appRequest();
      await page.goto(
        authorizeUrl(
          world.pool,
          third.params(world.callbacks.callbackUrl, { state: third.state, identity_provider: IDP_NAME }),
        ),
      );
      const callback = await world.callbacks.next();
      expect(callback.searchParams.get('state')).toBe(third.state);
      expect(callback.searchParams.get('code')).toBeTruthy();
      expect(world.upstream.counters.logins).toBe(logins);
    });
  });

  it('a federated user has no password at the pool: the Hosted UI form refuses the federated username', async () => {
    const app = appRequest();
    await withPage(async (page) => {
      await page.goto(
        authorizeUrl(world.pool, app.params(world.callbacks.callbackUrl, { state: app.state })),
      );
      await page.getByLabel('Username').fill(FEDERATED_USERNAME);
      await page.getByLabel('Password').fill(UPSTREAM_USER.password);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await expect(page.getByRole('alert').textContent()).resolves.toContain(
        'Incorrect username or password.',
      );
    });
  });
});
