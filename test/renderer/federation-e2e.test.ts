/**
 * End to end with federation: the built renderer in Chromium, the real IPC pipeline, session
 * engine and API client, the local pool federating the demo corporate IdP (Example Corp SSO, a
 * second oidc-provider), the demo API. The profile has two sign-in options. Writes the
 * screenshots docs/screenshots/sign-in-options.png and waiting-copy-link.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DEMO_SSO_POOL_USERNAME } from '../../tools/user-pool';
import { startAppHarness, type AppHarness } from '../support/app-harness';
import { builtRendererCopy } from './built-renderer';
import { screenshot } from './page-checks';
import { startRendererServer, type RendererServer } from './renderer-server';

let server: RendererServer;
let build: { dir: string; dispose: () => void } | undefined;

describe('federated sign-in in the app (Example Corp SSO)', { timeout: 90_000 }, () => {
  let h: AppHarness;

  beforeAll(async () => {
    build = builtRendererCopy();
    server = await startRendererServer(build.dir);
    h = await startAppHarness(server.url, { federation: true });
  }, 90_000);
  afterAll(async () => {
    await h?.close();
    await server?.close();
    build?.dispose();
  });

  const accountMenu = () => h.page.getByRole('button', { name: /account menu$/ });

  it('one button per sign-in option; the SSO one goes straight to the corporate IdP; the federated admin sees the admin page', async () => {
    const { page } = h;
    const sso = page.getByRole('button', { name: 'Sign in with Example Corp SSO', exact: true });
    const password = page.getByRole('button', { name: 'Sign in with email and password', exact: true });
    await sso.waitFor();
    expect(await password.isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Sign in', exact: true }).count()).toBe(0);
    await screenshot(page, 'sign-in-options');

    h.browserBehaviour = { kind: 'sign-in', user: 'alice' };
    await sso.click();
    await accountMenu().waitFor();
    const opened = new URL(h.openedUrls.at(-1)!);
    expect(opened.searchParams.get('identity_provider')).toBe('ExampleCorpSSO');
    expect(await page.getByTestId('username').textContent()).toBe(DEMO_SSO_POOL_USERNAME);
    const groups = await page.getByRole('list', { name: 'Groups' }).textContent();
    expect(groups).toContain('admin');
    expect(groups).toContain(`${h.pool.userPoolId}_ExampleCorpSSO`);
    expect(await page.getByText('dana@corp.example').isVisible()).toBe(true);
    // The provider she came through, from the ID token's identities claim.
    expect(await page.getByTestId('identity-provider').textContent()).toBe('ExampleCorpSSO');

    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('button', { name: 'Admin', exact: true })
      .click();
    await page.getByRole('table', { name: 'Users of the user pool' }).waitFor();

    await accountMenu().click();
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.getByRole('button', { name: 'Sign in with Example Corp SSO', exact: true }).waitFor();
  });

  it('declining at the corporate IdP ("Cancel" there) brings the app back to the sign-in screen with the refusal shown', async () => {
    const { page } = h;
    h.browserBehaviour = { kind: 'leave-open' };
    // Without this, Example Corp SSO's own session from the first test would sign dana in at once.
    await h.forgetBrowserSession();
    const tabs = h.browserPages.length;
    await page.getByRole('button', { name: 'Sign in with Example Corp SSO', exact: true }).click();
    await page.getByRole('heading', { name: 'Continue in your browser' }).waitFor();
    // The waiting screen shows before the app hands the URL to the (stand-in) browser's new tab.
    await expect.poll(() => h.browserPages.length).toBeGreaterThan(tabs);
    await h.browserIdle();
    const tab = h.browserPages.at(-1)!;
    await tab.getByRole('button', { name: 'Cancel' }).click();
    // access_denied at the redirect URI: SIGN_IN_DENIED (wording: src/renderer/src/error-messages.ts).
    await page.getByText('Sign-in was cancelled at the identity provider.').waitFor();
    expect(
      await page.getByRole('button', { name: 'Sign in with Example Corp SSO', exact: true }).isEnabled(),
    ).toBe(true);
  });

  it('waiting screen: "Copy sign-in link" gives the pending URL; opened in another browser it completes the same attempt', async () => {
    const { page } = h;
    h.browserBehaviour = { kind: 'leave-open' };
    await h.forgetBrowserSession();
    const opened = h.openedUrls.length;
    await page.getByRole('button', { name: 'Sign in with email and password', exact: true }).click();
    await page.getByRole('heading', { name: 'Continue in your browser' }).waitFor();
    await expect.poll(() => h.openedUrls.length).toBeGreaterThan(opened);
    await page.getByRole('button', { name: 'Copy sign-in link' }).click();
    const linkBox = page.getByLabel('Sign-in link');
    await linkBox.waitFor();
    const link = await linkBox.inputValue();
    expect(link).toBe(h.openedUrls.at(-1));
    expect(new URL(link).searchParams.get('identity_provider')).toBe('COGNITO');
    await screenshot(page, 'waiting-copy-link');

    // "Another browser": a fresh context, no cookies of the first.
    const other = await h.page.context().browser()!.newContext();
    try {
      const tab = await other.newPage();
      await tab.goto(link);
      await tab.getByLabel('Username').fill('alice');
      await tab.getByLabel('Password').fill('Alice-demo-1!');
      await tab.getByRole('button', { name: 'Sign in', exact: true }).click();
      await accountMenu().waitFor();
      expect(await page.getByTestId('username').textContent()).toBe('alice');
    } finally {
      await other.close();
    }
  });
});
