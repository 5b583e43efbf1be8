import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refusedDebugSwitch, settleWithin } from '../../src/main/launch-options';
import { runBuiltMain } from '../support/electron-stand-in/run-built-main-child';
import { buildPrivately } from '../support/private-build';

/**
 * Defect 8 of issue 14: "debug switches in a packaged app". A packaged app launched with
 * --remote-debugging-port / --remote-debugging-pipe / --js-flags exits at start, before any
 * window or session; development builds keep them. The rule is launch-options.ts; the composition
 * root's use of it is checked on the BUILT main bundle with the recording stand-in for `electron`.
 */
const root = path.resolve(import.meta.dirname, '../..');

describe('refusedDebugSwitch (the rule)', () => {
  const exe = '/opt/Cognito Desktop/cognito-desktop';
  it.each([
    ['--remote-debugging-port=9222', 'remote-debugging-port'],
    ['--remote-debugging-port', 'remote-debugging-port'],
    ['-remote-debugging-port=0', 'remote-debugging-port'],
    ['--remote-debugging-pipe', 'remote-debugging-pipe'],
    ['--js-flags=--allow-natives-syntax', 'js-flags'],
    ['-js-flags=--expose-gc', 'js-flags'],
  ])('packaged: %s is refused', (arg, name) => {
    expect(refusedDebugSwitch([exe, arg], { packaged: true, platform: 'linux' })).toBe(name);
    expect(refusedDebugSwitch([exe, 'com.example.cognitodesktop:/callback', arg], { packaged: true })).toBe(
      name,
    );
  });
  it('Windows spellings (slash prefix, any case) are refused there', () => {
    expect(
      refusedDebugSwitch([exe, '/Remote-Debugging-Port=9222'], { packaged: true, platform: 'win32' }),
    ).toBe('remote-debugging-port');
    expect(refusedDebugSwitch([exe, '--JS-FLAGS=x'], { packaged: true, platform: 'win32' })).toBe('js-flags');
  });
  it('development builds keep them; ordinary arguments pass', () => {
    expect(refusedDebugSwitch([exe, '--remote-debugging-port=9222'], { packaged: false })).toBeUndefined();
    expect(
      refusedDebugSwitch([exe, '--profile', 'corp.json', 'com.example.cognitodesktop:/callback?code=x'], {
        packaged: true,
        platform: 'linux',
      }),
    ).toBeUndefined();
    // argv[0] is the executable, whatever its name.
    expect(refusedDebugSwitch(['--js-flags'], { packaged: true })).toBeUndefined();
  });
  it('settleWithin waits for the promise, but not past the bound', async () => {
    expect(await settleWithin(Promise.resolve(), 1000)).toBe('settled');
    expect(await settleWithin(Promise.reject(new Error('x')), 1000)).toBe('settled');
    expect(await settleWithin(new Promise(() => undefined), 50)).toBe('timeout');
  });
});

interface StandInRecord {
  seq: number;
  kind: string;
  [key: string]: unknown;
}
interface Report {
  records: StandInRecord[];
  error?: string;
}

let work: string;
let outDir: string;

function run(env: Record<string, string>, extraArgs: string[]): Promise<{ report: Report; stderr: string }> {
  return runBuiltMain<Report>({ outDir, work, env: { COGNITO_DESKTOP_PROFILE: '', ...env }, extraArgs });
}

const kinds = (report: Report, kind: string) => report.records.filter((r) => r.kind === kind);

beforeAll(async () => {
  ({ work, outDir } = await buildPrivately(root, 'debug-switches-'));
}, 180_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the composition root (built bundle, recording stand-in for electron)', () => {
  for (const flag of ['--remote-debugging-port=9222', '--remote-debugging-pipe', '--js-flags=--expose-gc']) {
    it(`packaged + ${flag}: exits 1 before any lock, window or session`, async () => {
      const { report, stderr } = await run({ STAND_IN_PACKAGED: '1' }, [flag]);
      expect(report.error, stderr).toBeUndefined();
      expect(kinds(report, 'app.exit')).toEqual([expect.objectContaining({ code: 1 })]);
      expect(kinds(report, 'app.requestSingleInstanceLock')).toEqual([]);
      expect(kinds(report, 'app.whenReady')).toEqual([]);
      expect(kinds(report, 'BrowserWindow.new')).toEqual([]);
      expect(kinds(report, 'ipcMain.handle')).toEqual([]);
      expect(stderr).toContain(`refuses to start with --${flag.slice(2).split('=')[0]}`);
    });
  }

  it('packaged without a debugging switch: starts normally (window created)', async () => {
    const { report, stderr } = await run({ STAND_IN_PACKAGED: '1' }, []);
    expect(report.error, stderr).toBeUndefined();
    expect(kinds(report, 'app.exit')).toEqual([]);
    expect(kinds(report, 'BrowserWindow.new')).toHaveLength(1);
  });

  it('development build keeps --remote-debugging-port (window created, no exit)', async () => {
    const { report, stderr } = await run({}, ['--remote-debugging-port=9222']);
    expect(report.error, stderr).toBeUndefined();
    expect(kinds(report, 'app.exit')).toEqual([]);
    expect(kinds(report, 'BrowserWindow.new')).toHaveLength(1);
  });
});
