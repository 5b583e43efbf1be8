import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { summarize } from '../../tools/run-tests-summary';

/**
 * The real `npm test` runner (tools/run-tests.ts, a child process running a real vitest) on
 * small fixture suites under test/fixtures/runner/ (excluded from the normal run): its closing
 * line must count every kind of failure, and its exit code must agree with that line. Before
 * the fix, a failing beforeAll read "1 passed, 0 failed, 2 skipped", a file that failed to load
 * and an unhandled error read "1 passed, 0 failed", and an unexpected skip passed the run.
 */
const root = path.resolve(import.meta.dirname, '../..');
const fixtures = path.join(root, 'test/fixtures/runner');
const tsxCli = path.join(root, 'node_modules/tsx/dist/cli.mjs');

interface RunnerResult {
  code: number;
  lines: string[];
  last: string;
}

function runRunner(scenario: string): Promise<RunnerResult> {
  // The outer vitest's worker variables must not leak into the inner run.
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && !k.startsWith('VITEST')) env[k] = v;
  env['NO_COLOR'] = '1';
  delete env['FORCE_COLOR'];
  const child = spawn(
    process.execPath,
    [
      tsxCli,
      path.join(root, 'tools/run-tests.ts'),
      '--config',
      path.join(fixtures, 'vitest.config.ts'),
      '--root',
      path.join(fixtures, scenario),
    ],
    { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`runner on ${scenario} did not finish in 60 s:\n${out}`));
    }, 60_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      const lines = out
        .split('\n')
        .map((l) => l.trimEnd())
        .filter((l) => l !== '');
      resolve({ code: code ?? 1, lines, last: lines.at(-1) ?? '' });
    });
  });
}

describe('npm test runner summary (tools/run-tests.ts)', () => {
  it.concurrent('a clean run: counts the passes, exit 0', async () => {
    const r = await runRunner('passing');
    expect(r.last).toBe('2 passed, 0 failed, 0 skipped');
    expect(r.code).toBe(0);
  });

  it.concurrent('a failed test: counted, exit non-zero', async () => {
    const r = await runRunner('failing-test');
    expect(r.last).toBe('1 passed, 1 failed, 0 skipped');
    expect(r.code).not.toBe(0);
  });

  it.concurrent('a failing beforeAll counts as failed; its tests show as not run', async () => {
    const r = await runRunner('failing-hook');
    expect(r.last).toBe('1 passed, 1 failed, 2 skipped');
    expect(r.code).not.toBe(0);
    expect(r.lines).toContain(
      'failed: failing-hook.test.ts > needs a server (suite or hook): Error: server did not start',
    );
    expect(r.lines.filter((l) => l.startsWith('skipped (not run: its suite failed)'))).toHaveLength(2);
  });

  it.concurrent('a file that fails to load counts as failed', async () => {
    const r = await runRunner('load-error');
    expect(r.last).toBe('1 passed, 1 failed, 0 skipped');
    expect(r.code).not.toBe(0);
    expect(
      r.lines.some((l) => l.startsWith('failed: broken.test.ts') && l.includes('this file fails to load')),
    ).toBe(true);
  });

  it.concurrent('an unhandled error counts as failed even when every test passed', async () => {
    const r = await runRunner('unhandled-error');
    expect(r.last).toBe('1 passed, 1 failed, 0 skipped');
    expect(r.code).not.toBe(0);
    expect(r.lines).toContain('failed (unhandled error): Error: thrown after the assertion');
  });

  it.concurrent('skip budget: a skip outside the launch test fails the run, named', async () => {
    const r = await runRunner('unexpected-skip');
    expect(r.last).toBe('1 passed, 1 failed, 0 skipped');
    expect(r.code).not.toBe(0);
    expect(r.lines).toContain(
      'failed (unexpected skip: only test/launch/electron-launch.test.ts may skip): skips.test.ts > is skipped though it is not the Electron launch test',
    );
  });

  it.concurrent('skip budget: the launch test may skip with its reason', async () => {
    const r = await runRunner('allowed-skip');
    expect(r.last).toBe('1 passed, 0 failed, 1 skipped');
    expect(r.code).toBe(0);
    expect(
      r.lines.some(
        (l) =>
          l.startsWith('skipped: ') &&
          l.includes('(skipped: Electron binary absent (looked for /x/dist/electron)'),
      ),
    ).toBe(true);
  });

  it.concurrent('skip budget: the launch test skipping without a reason fails the run', async () => {
    const r = await runRunner('unexplained-skip');
    expect(r.last).toBe('1 passed, 1 failed, 0 skipped');
    expect(r.code).not.toBe(0);
  });

  it('a non-zero vitest exit with nothing else counted still reads as failed; so does a missing record', () => {
    const record = {
      nameFilter: false,
      tests: [
        {
          file: 'a.test.ts',
          name: 'ok',
          state: 'passed' as const,
          mode: 'run',
          note: undefined,
          underFailedSuite: false,
        },
      ],
      suiteErrors: [],
      unhandledErrors: [],
    };
    expect(summarize(record, 0).line).toBe('1 passed, 0 failed, 0 skipped');
    expect(summarize(record, 1).line).toBe('1 passed, 1 failed, 0 skipped');
    expect(summarize(undefined, 0).line).toBe('0 passed, 1 failed, 0 skipped');
    expect(summarize({ ...record, tests: [] }, 0).line).toBe('0 passed, 1 failed, 0 skipped');
  });
});
