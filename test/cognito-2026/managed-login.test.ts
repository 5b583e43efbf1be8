import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { passkeyAddUrl } from '../../src/main/auth/passkeys';
import { parseProfile } from '../../src/main/config/profile';
import { createExternalOpener } from '../../src/main/external-links';
import { startUserPool } from '../../tools/user-pool';
import type { PoolDefinition, RunningUserPool } from '../../tools/user-pool/types';
import { launchBrowser } from '../../tools/support/browser';

/**
 * Issue 28 item 5: managed login 2 serves /passkeys/add (a stand-in registration) for the user
 * signed in to the Hosted UI; managed login 1 answers 404. `lang` sets a cookie that keeps the
 * language for later pages. The app opens exactly that page, and only for managedLogin 2.
 */
const CLIENT = 'passkeyclient01';
let CALLBACK = '';
let callbackServer: Server;

function definition(managedLoginVersion: 1 | 2): PoolDefinition {
  return {
    region: 'us-east-1',
    userPoolId: 'us-east-1_Passkeys1',
    managedLoginVersion,
    clients: [{ clientId: CLIENT, callbackUrls: [CALLBACK], logoutUrls: [], allowedScopes: ['openid'] }],
    users: [{ username: 'alice', password: 'Alice-demo-1!', email: 'alice@example.com' }],
  };
}

let browser: Browser;
let v1: RunningUserPool;
let v2: RunningUserPool;
beforeAll(async () => {
  // The app's redirect URI: a plain page here (the app is not part of these pool tests).
  callbackServer = createServer((_req, res) => res.end('done'));
  await new Promise<void>((resolve) => callbackServer.listen(0, '127.0.0.1', resolve));
  CALLBACK = `http://127.0.0.1:${(callbackServer.address() as AddressInfo).port}/callback`;
  [browser, v1, v2] = await Promise.all([
    launchBrowser(),
    startUserPool({ definition: definition(1) }),
    startUserPool({ definition: definition(2) }),
  ]);
}, 60_000);
afterAll(async () => {
  await Promise.all([browser?.close(), v1?.close(), v2?.close()]);
  callbackServer?.closeAllConnections();
  await new Promise<void>((resolve) => callbackServer?.close(() => resolve()));
});

const profileFor = (pool: RunningUserPool, managedLogin?: 1 | 2) =>
  parseProfile({
    id: 'p',
    label: 'p',
    region: 'us-east-1',
    userPoolId: 'us-east-1_Passkeys1',
    clientId: CLIENT,
    domain: pool.domain,
    issuer: pool.issuer,
    scopes: ['openid'],
    redirect: { loopback: [CALLBACK] },
    ...(managedLogin ? { managedLogin } : {}),
  }).profile;

/** Signs alice in to the Hosted UI in a fresh context (the redirect to the app is caught). */
async function hostedUiSession(pool: RunningUserPool, lang?: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const authorize = new URL(`${pool.domain}/oauth2/authorize`);
  for (const [k, v] of Object.entries({
    response_type: 'code',
    client_id: CLIENT,
    redirect_uri: CALLBACK,
    scope: 'openid',
    code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    code_challenge_method: 'S256',
    ...(lang ? { lang } : {}),
  })) {
    authorize.searchParams.set(k, v);
  }
  await page.goto(authorize.href);
  const htmlLang = await page.locator('html').getAttribute('lang');
  await page.getByLabel('Username').fill('alice');
  await page.getByLabel('Password').fill('Alice-demo-1!');
  await Promise.all([
    page.waitForURL((u) => u.href.startsWith(CALLBACK)),
    page.getByRole('button', { name: 'Sign in' }).click(),
  ]);
  return { context, page, htmlLang };
}

describe('managed login and passkeys', () => {
  it('managed login 1 has no /passkeys/add', async () => {
    const res = await fetch(passkeyAddUrl(profileFor(v1, 2)), { redirect: 'manual' });
    expect(res.status).toBe(404);
  });

  it('managed login 2 sends a browser without a Hosted UI session to the login page', async () => {
    const res = await fetch(passkeyAddUrl(profileFor(v2, 2)), { redirect: 'manual' });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location')!, v2.domain);
    expect(location.pathname).toBe('/login');
    expect(location.searchParams.get('client_id')).toBe(CLIENT);
    const wrong = await fetch(
      `${v2.domain}/passkeys/add?client_id=${CLIENT}&redirect_uri=http://127.0.0.1:1/x`,
      {
        redirect: 'manual',
      },
    );
    expect(wrong.headers.get('location')).toContain('/error?error=redirect_mismatch');
  });

  it('registers a stand-in passkey for the signed-in Hosted UI user, and says it is a stand-in', async () => {
    const { context, page } = await hostedUiSession(v2);
    try {
      expect(v2.passkeys('alice')).toEqual([]);
      await page.goto(passkeyAddUrl(profileFor(v2, 2)));
      await expect.poll(() => page.locator('#username').textContent()).toBe('alice');
      expect(await page.locator('#stand-in').textContent()).toContain('stands in');
      await page.getByRole('button', { name: 'Add passkey' }).click();
      await expect.poll(() => page.locator('#done').textContent()).toContain('A passkey was added for alice');
      expect(v2.passkeys('alice')).toHaveLength(1);
    } finally {
      await context.close();
    }
  }, 60_000);

  it('lang sets a cookie that keeps the language for later pages', async () => {
    const { context, page, htmlLang } = await hostedUiSession(v2, 'de');
    try {
      expect(htmlLang).toBe('de');
      const cookies = await context.cookies(v2.domain);
      expect(cookies.find((c) => c.name === 'cognito-lang')?.value).toBe('de');
      // A later page asked for without `lang` keeps German.
      await page.goto(
        `${v2.domain}/login?client_id=${CLIENT}&redirect_uri=${encodeURIComponent(CALLBACK)}&response_type=code&prompt=login`,
      );
      await page.waitForSelector('#username');
      expect(await page.locator('html').getAttribute('lang')).toBe('de');
    } finally {
      await context.close();
    }
  }, 60_000);

  it('the app opens exactly /passkeys/add, and only for a managedLogin 2 profile', async () => {
    const opened: string[] = [];
    const refused: string[] = [];
    const opener = (passkeys: boolean) =>
      createExternalOpener({
        openExternal: async (url) => void opened.push(url),
        activeHostedUi: () => ({ domain: v2.domain, passkeys }),
        log: (line) => refused.push(line),
      });
    const url = passkeyAddUrl(profileFor(v2, 2));
    expect(new URL(url).searchParams.get('redirect_uri')).toBe(CALLBACK);
    await opener(true).openHostedUi(url);
    expect(opened).toEqual([url]);
    await expect(opener(false).openHostedUi(url)).rejects.toMatchObject({ code: 'ORIGIN_NOT_ALLOWED' });
    await expect(opener(true).openHostedUi(`${v2.domain}/passkeys/other`)).rejects.toMatchObject({
      code: 'ORIGIN_NOT_ALLOWED',
    });
    await expect(opener(true).openHostedUi(`${v2.domain}/passkeys`)).rejects.toMatchObject({
      code: 'ORIGIN_NOT_ALLOWED',
    });
    expect(opened).toHaveLength(1);
    expect(() => passkeyAddUrl(profileFor(v2))).toThrow(/managedLogin 2/);
  });
});
