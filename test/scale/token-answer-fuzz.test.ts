/**
 * CI share of the token-endpoint answer fuzzer (tools/fuzz/token-answer-fuzz.ts): generated
 * statuses and bodies injected at the local user pool, each fed to a forced refresh of a real
 * session whose refresh token lives in the private gnome-keyring. `npm run fuzz` runs more.
 */
import { expect, it } from 'vitest';
import { fuzzTokenAnswers } from '../../tools/fuzz/token-answer-fuzz';
import { assertPrivateKeyring } from '../support/keyring-guard';

it('every generated token-endpoint answer ends typed, and only invalid_grant costs the refresh token', async () => {
  assertPrivateKeyring();
  const seed = process.env['FUZZ_SEED'] === undefined ? undefined : Number(process.env['FUZZ_SEED']);
  const result = await fuzzTokenAnswers({ numRuns: 200, ...(seed === undefined ? {} : { seed }) });
  expect(result.cases).toBe(200);
  expect(result.codes['UNTYPED']).toBeUndefined();
  // The generator exercised both sides of the property.
  expect(result.invalidGrantCases).toBeGreaterThan(0);
  expect(result.cases - result.invalidGrantCases).toBeGreaterThan(100);
});
