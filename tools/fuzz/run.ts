/**
 * `npm run fuzz` (= `tsx tools/fuzz/run.ts`): the full fuzz counts, outside CI.
 *   FUZZ_LISTENER_RUNS (default 10,000) generated requests at the loopback listener of a pending sign-in;
 *   FUZZ_TOKEN_RUNS (default 2,000) generated token-endpoint answers fed to the refresh path;
 *   FUZZ_SEED reproduces a run (printed at the start and in every failure).
 * Runs against a private gnome-keyring started here (never the user's keychain) and Chromium.
 * Exit code 0 when every case held, 1 otherwise.
 */
import { redact } from '../../src/shared/redact';
import { launchBrowser } from '../support/browser';
import { enterPrivateKeyring } from '../support/keyring';
import { fuzzLoopbackListener } from './loopback-listener-fuzz';
import { fuzzTokenAnswers } from './token-answer-fuzz';

function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer`);
  return value;
}

const listenerRuns = envInt('FUZZ_LISTENER_RUNS', 10_000);
const tokenRuns = envInt('FUZZ_TOKEN_RUNS', 2_000);
const seed = envInt('FUZZ_SEED', Date.now() % 2_147_483_647);
console.log(`fuzz: seed ${seed} (FUZZ_SEED=${seed} reproduces this run)`);

const keyring = await enterPrivateKeyring();
const browser = await launchBrowser();
let failed = false;
try {
  if (listenerRuns > 0) {
    const r = await fuzzLoopbackListener({ numRuns: listenerRuns, seed, browser });
    console.log(
      `fuzz: loopback listener: ${r.cases} requests (${r.realStateCases} with the real state), ` +
        `answers ${JSON.stringify(r.statuses)}, endings ${JSON.stringify(r.endings)}, ` +
        `real callback signed in: ${r.signedIn}, ${(r.durationMs / 1000).toFixed(1)} s`,
    );
  }
  if (tokenRuns > 0) {
    const r = await fuzzTokenAnswers({ numRuns: tokenRuns, seed });
    console.log(
      `fuzz: token answers: ${r.cases} answers (${r.invalidGrantCases} invalid_grant), ` +
        `outcomes ${JSON.stringify(r.codes)}, ${(r.durationMs / 1000).toFixed(1)} s`,
    );
  }
} catch (err) {
  failed = true;
  // fast-check's message starts with the seed and path that replay the case, then prints the
  // whole counterexample (which may be 20 KB); the property's own error is the cause.
  const e = err instanceof Error ? (err as Error & { cause?: unknown }) : new Error(String(err));
  const replay = e.message.split('\n').slice(0, 2).join(' ').slice(0, 300);
  const cause = e.cause instanceof Error ? e.cause.message : '';
  console.error(redact(`fuzz: FAILED: ${cause || e.message.slice(0, 2000)} [${replay}]`));
} finally {
  await browser.close();
  await keyring.leave();
}
process.exit(failed ? 1 : 0);
