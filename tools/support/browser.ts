import { existsSync } from 'node:fs';
import { chromium, type Browser, type LaunchOptions, type Page } from 'playwright-core';

/**
 * Chromium for tests, benches and fuzzers. Debian's /usr/bin/chromium where present (CHROMIUM_PATH overrides);
 * elsewhere Playwright's own browser. The background-networking flags keep Chromium from
 * dialling out, which this machine's closed network answers with a storm of refusals.
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export function chromiumExecutablePath(): string | undefined {
  const fromEnv = process.env['CHROMIUM_PATH'];
  if (fromEnv) return fromEnv;
  return existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined;
}

export async function launchBrowser(options: LaunchOptions = {}): Promise<Browser> {
  const executablePath = chromiumExecutablePath();
  return await chromium.launch({
    headless: true,
    ...(executablePath ? { executablePath } : {}),
    ...options,
    args: [...CHROMIUM_ARGS, ...(options.args ?? [])],
  });
}

export interface HostedUiUser {
  username: string;
  password: string;
}

/** Fills and submits the local user pool's Hosted UI login form on a page that shows it. */
export async function fillHostedUiLogin(page: Page, user: HostedUiUser, timeout?: number): Promise<void> {
  const options = timeout === undefined ? {} : { timeout };
  await page.getByLabel('Username').fill(user.username, options);
  await page.getByLabel('Password').fill(user.password, options);
  await page.getByRole('button', { name: 'Sign in' }).click(options);
}

/**
 * A session's `openExternal` for benches: opens the authorize URL in a new context of `browser`
 * and signs in as `user`; the Hosted UI then redirects to the session's loopback listener.
 */
export function hostedUiOpener(browser: Browser, user: HostedUiUser): (url: string) => Promise<void> {
  return async (url) => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(url);
    await fillHostedUiLogin(page, user);
  };
}

/**
 * A test's or bench's system browser, as shell.openExternal behaves: returns at once; in a context
 * of its own (no cookies shared with other sign-ins) it opens `url`, signs in as `user` on the
 * Hosted UI page, waits for `settled` (default: the page's load state), then closes the context.
 * Failures end quietly: whoever called it asserts the app's side. `onPage` sees the page first
 * (e.g. to record a custom-scheme redirect).
 */
export function signInInOwnContext(
  browser: Browser,
  url: string,
  user: HostedUiUser,
  options: { settled?: (page: Page) => Promise<unknown>; onPage?: (page: Page) => void } = {},
): void {
  void (async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    options.onPage?.(page);
    await page.goto(url);
    await fillHostedUiLogin(page, user).catch(() => undefined);
    await (options.settled ?? ((p: Page) => p.waitForLoadState()))(page).catch(() => undefined);
    await context.close().catch(() => undefined);
  })().catch(() => undefined);
}
