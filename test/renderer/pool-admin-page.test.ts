/**
 * The Admin page on the user pool and the account menu's "Sign out everywhere", in Chromium: the
 * built renderer running the BUILT preload over the test transport into createAppServices'
 * handlers (the AWS world: local pool with identity pool, demo API in IAM mode). alice (admin
 * role) searches, opens bob, adds him to a group and removes him, disables and enables him, each
 * through the stand-in confirm dialog; bob (staff role) gets the role explanation; axe finds
 * nothing serious; no credential or token crosses the transport.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../../tools/support/browser';
import { installTestTransport, type TestTransport } from '../support/test-transport';
import { startAwsAppWorld, type AwsAppWorld } from '../aws/support/aws-app-world';
import { accountMenu, nav } from './app-e2e-steps';
import { builtRendererCopy } from './built-renderer';
import { screenshot, seriousA11yViolations } from './page-checks';
import { startRendererServer, type RendererServer } from './renderer-server';

let server: RendererServer;
let build: { dir: string; dispose: () => void } | undefined;
let world: AwsAppWorld;
let browser: Browser;
let page: Page;
let transport: TestTransport;

beforeAll(async () => {
  build = builtRendererCopy();
  server = await startRendererServer(build.dir);
  world = await startAwsAppWorld();
  browser = await launchBrowser();
  page = await (await browser.newContext({ viewport: { width: 1100, height: 800 } })).newPage();
  transport = await installTestTransport(page, world.services.handlers, { appUrl: server.url });
  await page.goto(server.url);
});
afterAll(async () => {
  await transport?.dispose();
  await browser?.close();
  await world?.close();
  await server?.close();
  build?.dispose();
});

async function signInAs(user: 'alice' | 'bob') {
  world.nextUserForBrowser(user);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await accountMenu(page, user).waitFor();
}

describe('the Admin page on the user pool, in Chromium', () => {
  it("alice: AWS access on Home, search, bob's details, group add/remove and disable/enable through the confirm dialog", async () => {
    await signInAs('alice');
    const access = page.getByTestId('aws-access');
    await access.getByTestId('aws-role').filter({ hasText: 'LocalPoolAdmin' }).waitFor();

    await nav(page, 'Admin').click();
    await page.getByRole('heading', { name: 'Admin: user pool' }).waitFor();
    await page.getByRole('table', { name: 'Users of the user pool' }).waitFor();
    await page.getByLabel('Starts with').fill('bo');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const table = page.getByRole('table', { name: 'Users of the user pool' });
    await table.getByRole('button', { name: 'bob', exact: true }).click();
    const detail = page.getByRole('region', { name: 'User details: bob' });
    await detail.waitFor();
    expect(await detail.getByRole('list', { name: 'Groups' }).textContent()).toMatch(/staff/);

    // The dialog says no: nothing changes, the page says so.
    world.confirm.answers.push(false);
    await detail.getByLabel('Add to group').selectOption('admin');
    await detail.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByTestId('admin-outcome').filter({ hasText: 'Nothing was changed.' }).waitFor();
    expect(world.confirm.asked.at(-1)?.message).toBe('Add the user "bob" to the group "admin"?');

    world.confirm.answers.push(true);
    await detail.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByTestId('admin-outcome').filter({ hasText: 'bob was added to admin.' }).waitFor();
    await detail.getByRole('button', { name: 'Remove from admin' }).waitFor();
    world.confirm.answers.push(true);
    await detail.getByRole('button', { name: 'Remove from admin' }).click();
    await page.getByTestId('admin-outcome').filter({ hasText: 'bob was removed from admin.' }).waitFor();

    world.confirm.answers.push(true);
    await detail.getByRole('button', { name: 'Disable user' }).click();
    await detail.getByTestId('admin-enabled').filter({ hasText: 'Disabled' }).waitFor();
    await screenshot(page, 'admin-pool-detail');
    expect(await seriousA11yViolations(page)).toEqual([]);
    world.confirm.answers.push(true);
    await detail.getByRole('button', { name: 'Enable user' }).click();
    await detail.getByTestId('admin-enabled').filter({ hasText: 'Enabled' }).waitFor();
    expect(world.confirm.asked.map((a) => a.message)).toEqual([
      'Add the user "bob" to the group "admin"?',
      'Add the user "bob" to the group "admin"?',
      'Remove the user "bob" from the group "admin"?',
      'Disable the user "bob"?',
      'Enable the user "bob"?',
    ]);
  });

  it('the account menu signs out everywhere (after the dialog); bob gets the role explanation', async () => {
    await accountMenu(page, 'alice').click();
    world.confirm.answers.push(true);
    await page.getByRole('button', { name: 'Sign out everywhere', exact: true }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(world.confirm.asked.at(-1)?.message).toBe('Sign out everywhere as "alice"?');

    await signInAs('bob');
    await nav(page, 'Admin').click();
    const explained = page.getByTestId('admin-role-denied');
    await explained.waitFor();
    expect(await explained.textContent()).toMatch(/Your role cannot manage the user pool\..*LocalPoolStaff/);
    await screenshot(page, 'admin-pool-role-denied');
    expect(await seriousA11yViolations(page)).toEqual([]);

    const crossed = JSON.stringify(transport.messages);
    expect(crossed).toMatch(/LocalPoolStaff/); // the recording is real
    expect(crossed).not.toMatch(/eyJ|ASIA[A-Z0-9]{16}|SecretKey|SessionToken/);
    for (const secret of world.secrets) expect(crossed.includes(secret)).toBe(false);
  });
});
