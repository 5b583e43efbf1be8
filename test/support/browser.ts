import { existsSync } from 'node:fs';
import { chromium, type Browser, type LaunchOptions } from 'playwright-core';

/**
 * Chromium for tests. Debian's /usr/bin/chromium where present (CHROMIUM_PATH overrides);
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
