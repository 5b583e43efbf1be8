/**
 * Turns a run record (tools/run-tests-reporter.ts) into the closing line of `npm test`,
 * `N passed, N failed, N skipped`, and the reasons behind it. Promises:
 * - Every test counts once: passed, failed, or skipped.
 * - Failures that belong to no test count as failed too: each failed suite or hook, each file
 *   that failed to load, each unhandled error, so a failed run never reads "0 failed".
 * - The skip budget: the only test that may skip is the Electron launch test
 *   (test/launch/electron-launch.test.ts), and only with its reason in its name
 *   (`... (skipped: why)`) or as its skip note. Any other skip counts as failed, named.
 *   Tests that did not run because their suite's hook failed stay "skipped" (the hook's failure
 *   is already counted); tests left out by a `-t` name filter are not held to the budget.
 * - If vitest exited non-zero and nothing above explains it, that counts as one failure.
 */

export const LAUNCH_TEST_FILE = 'test/launch/electron-launch.test.ts';
const REASON_IN_NAME = /\(skipped: .+\)\s*$/;

export interface RunRecord {
  nameFilter: boolean;
  tests: Array<{
    /** Path relative to the run's root, with forward slashes. */
    file: string;
    name: string;
    state: 'passed' | 'failed' | 'skipped' | 'pending';
    mode: string;
    note: string | undefined;
    underFailedSuite: boolean;
  }>;
  suiteErrors: Array<{ file: string; suite: string; message: string }>;
  unhandledErrors: string[];
}

export interface RunSummary {
  passed: number;
  failed: number;
  skipped: number;
  /** One line per counted failure that is not a failed test, and per skip, saying why. */
  notes: string[];
  line: string;
}

function allowedSkip(test: RunRecord['tests'][number]): boolean {
  if (test.file !== LAUNCH_TEST_FILE || test.mode === 'todo') return false;
  return REASON_IN_NAME.test(test.name) || (test.note !== undefined && test.note.trim() !== '');
}

export function summarize(record: RunRecord | undefined, vitestExitCode: number): RunSummary {
  const notes: string[] = [];
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  if (record === undefined) {
    failed = 1;
    notes.push('failed: vitest wrote no run record (it crashed or was killed before the end of the run)');
  } else {
    for (const test of record.tests) {
      if (test.state === 'passed') passed += 1;
      else if (test.state === 'failed') failed += 1;
      else if (test.underFailedSuite) {
        skipped += 1;
        notes.push(`skipped (not run: its suite failed): ${test.file} > ${test.name}`);
      } else if (allowedSkip(test)) {
        skipped += 1;
        notes.push(`skipped: ${test.name}${test.note ? ` (${test.note})` : ''}`);
      } else if (record.nameFilter && test.state === 'skipped' && test.mode === 'skip') {
        skipped += 1;
        notes.push(`skipped (name filter): ${test.file} > ${test.name}`);
      } else {
        failed += 1;
        const why =
          test.state === 'pending'
            ? 'never finished'
            : test.file === LAUNCH_TEST_FILE
              ? 'the launch test may skip only with its reason'
              : `only ${LAUNCH_TEST_FILE} may skip`;
        notes.push(
          `failed (unexpected ${test.mode === 'todo' ? 'todo' : 'skip'}: ${why}): ${test.file} > ${test.name}`,
        );
      }
    }
    for (const e of record.suiteErrors) {
      failed += 1;
      const where =
        e.suite === ''
          ? `${e.file} (file failed to load or a top-level hook failed)`
          : `${e.file} > ${e.suite} (suite or hook)`;
      notes.push(`failed: ${where}: ${e.message}`);
    }
    for (const e of record.unhandledErrors) {
      failed += 1;
      notes.push(`failed (unhandled error): ${e}`);
    }
    if (vitestExitCode !== 0 && failed === 0) {
      failed = 1;
      notes.push(`failed: vitest exited with code ${vitestExitCode} and reported no failure`);
    }
    if (failed === 0 && passed === 0) {
      failed = 1;
      notes.push('failed: no test ran');
    }
  }
  return { passed, failed, skipped, notes, line: `${passed} passed, ${failed} failed, ${skipped} skipped` };
}
