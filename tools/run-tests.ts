/**
 * `npm test`: runs every test (vitest; browser tests drive Chromium through playwright-core
 * from inside it) and ends with one plain line `N passed, N failed, N skipped` read from
 * vitest's JSON report. Exits non-zero when anything failed or when no test ran.
 * Extra arguments go to vitest (e.g. `npm test -- test/user-pool`).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, existsSync, rmSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const reportFile = path.join(root, 'test-results', 'vitest.json');
mkdirSync(path.dirname(reportFile), { recursive: true });
rmSync(reportFile, { force: true });

const vitestBin = path.join(root, 'node_modules', 'vitest', 'vitest.mjs');
const child = spawn(
  process.execPath,
  [
    vitestBin,
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${reportFile}`,
    ...process.argv.slice(2),
  ],
  { cwd: root, stdio: 'inherit' },
);

const code: number = await new Promise((resolve) =>
  child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0))),
);

interface Report {
  testResults: Array<{ assertionResults: Array<{ status: string; fullName: string }> }>;
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  numTotalTests: number;
}

if (!existsSync(reportFile)) {
  console.log('0 passed, 1 failed');
  console.error('vitest wrote no JSON report');
  process.exit(code || 1);
}
const report = JSON.parse(readFileSync(reportFile, 'utf8')) as Report;
const skipped = report.numPendingTests + report.numTodoTests;
// Say what skipped and why (only the Electron launch test may, and its name carries the reason).
for (const file of report.testResults) {
  for (const test of file.assertionResults) {
    if (test.status === 'skipped' || test.status === 'pending' || test.status === 'todo') {
      console.log(`skipped: ${test.fullName}`);
    }
  }
}
console.log(`${report.numPassedTests} passed, ${report.numFailedTests} failed, ${skipped} skipped`);
if (report.numPassedTests + report.numFailedTests === 0) {
  console.error('no test ran');
  process.exit(1);
}
process.exit(code !== 0 ? code : report.numFailedTests > 0 ? 1 : 0);
