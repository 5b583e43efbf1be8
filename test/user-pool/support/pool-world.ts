import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { startUserPool, type RunningUserPool } from '../../../tools/user-pool';
import { launchBrowser } from '../../../tools/support/browser';
import { startCallbackServer, type CallbackServer } from './callback-server';
import { TEST_CLIENT_ID, testPoolDefinition } from './pool-fixtures';

/** What a user-pool test file runs against: the test pool, its redirect target, optionally Chromium. */
export interface PoolWorld {
  pool: RunningUserPool;
  callbacks: CallbackServer;
  browser: Browser | undefined;
  /** Closes whatever was started, browser first, then the pool, then the callback server. */
  close(): Promise<void>;
}

export async function startPoolWorld(options: { browser?: boolean } = {}): Promise<PoolWorld> {
  const callbacks = await startCallbackServer();
  let pool: RunningUserPool | undefined;
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close();
    await pool?.close();
    await callbacks.close();
  };
  try {
    pool = await startUserPool({
      definition: testPoolDefinition(callbacks.callbackUrl, callbacks.signedOutUrl),
    });
    if (options.browser) browser = await launchBrowser();
    return { pool, callbacks, browser, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/**
 * A test file's pool world: started before its tests, closed after them. `onStart` hands the
 * world to the file (which keeps `pool`, `callbacks` and `browser` under its own short names).
 */
export function usePoolWorld(options: { browser?: boolean }, onStart: (world: PoolWorld) => void): void {
  let world: PoolWorld | undefined;
  beforeAll(async () => {
    world = await startPoolWorld(options);
    onStart(world);
  });
  afterAll(() => world?.close());
}

/** carol of the test pool (pool-fixtures.ts) signing in with `clientId`, redirected to `callbacks`. */
export function carolSignIn(callbacks: CallbackServer, clientId = TEST_CLIENT_ID) {
  return { clientId, redirectUri: callbacks.callbackUrl, username: 'carol', password: 'Carol-test-1!' };
}
