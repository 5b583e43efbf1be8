/**
 * `npm test`: runs every test (vitest; browser tests drive Chromium through playwright-core
 * from inside it) and ends with one plain line `N passed, N failed, N skipped`.
 * The counts come from tools/run-tests-reporter.ts (what happened to every test, suite and
 * file) through tools/run-tests-summary.ts, which also counts failed hooks, files that failed
 * to load and unhandled errors as failed, and enforces the skip budget (only the Electron launch
 * test may skip, with its reason). The exit code is non-zero exactly when the line's failed
 * count is: a failed run never reads "0 failed".
 * Extra arguments go to vitest (e.g. `npm test -- test/user-pool`).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { summarize, type RunRecord } from './run-tests-summary';

const root = path.resolve(import.meta.dirname, '..');
// A folder of its own per run: two runs at once (a developer's and a test's) never share files.
mkdirSync(path.join(root, 'test-results'), { recursive: true });
const runDir = mkdtempSync(path.join(root, 'test-results', 'run-'));
const recordFile = path.join(runDir, 'record.json');

const vitestBin = path.join(root, 'node_modules', 'vitest', 'vitest.mjs');
const child = spawn(
  process.execPath,
  [
    vitestBin,
    'run',
    '--reporter=default',
    `--reporter=${path.join(root, 'tools', 'run-tests-reporter.ts')}`,
    ...process.argv.slice(2),
  ],
  { cwd: root, stdio: 'inherit', env: { ...process.env, RUN_TESTS_RECORD: recordFile } },
);

const code: number = await new Promise((resolve) =>
  child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0))),
);

const record = existsSync(recordFile)
  ? (JSON.parse(readFileSync(recordFile, 'utf8')) as RunRecord)
  : undefined;
rmSync(runDir, { recursive: true, force: true });
const summary = summarize(record, code);
for (const note of summary.notes) console.log(note);
console.log(summary.line);
process.exit(summary.failed > 0 ? (code !== 0 ? code : 1) : 0);
