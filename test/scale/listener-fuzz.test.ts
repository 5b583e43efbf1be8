/**
 * CI share of the loopback-listener fuzzer (tools/fuzz/loopback-listener-fuzz.ts): a few hundred
 * generated requests during a real pending sign-in, then the real callback through Chromium.
 * The full count (10,000+) runs with `npm run fuzz`. FUZZ_SEED reproduces a failing run.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fuzzLoopbackListener } from '../../tools/fuzz/loopback-listener-fuzz';
import { launchBrowser } from '../../tools/support/browser';
import { assertPrivateKeyring } from '../support/keyring-guard';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

it('no generated request completes, crashes or leaks from a pending sign-in; the real callback still works', async () => {
  assertPrivateKeyring();
  const seed = process.env['FUZZ_SEED'] === undefined ? undefined : Number(process.env['FUZZ_SEED']);
  const result = await fuzzLoopbackListener({
    numRuns: 300,
    browser,
    halfOpenHeld: 20,
    ...(seed === undefined ? {} : { seed }),
  });
  expect(result.cases).toBe(300);
  expect(result.realStateCases).toBeGreaterThan(0);
  expect(result.signedIn).toBe(true);
  // The generator reached the listener's refusal paths, not just connection errors.
  expect(Object.keys(result.statuses).filter((s) => /^4\d\d$/.test(s)).length).toBeGreaterThan(1);
});
