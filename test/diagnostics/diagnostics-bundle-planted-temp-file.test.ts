import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writePrivateFileAtomic } from '../../src/main/config/private-file';
import { writeDiagnostics, type DiagnosticsBundle } from '../../src/main/diagnostics/diagnostics-bundle';

/**
 * Issue 24 item 5: the diagnostics bundle was written to a predictable `<file>.<pid>.tmp` with a
 * plain write, which follows a symlink planted there and keeps a planted file's mode (0666). The
 * temporary file is now random, created exclusively, not followed, mode 0600, then renamed.
 */

const dir = mkdtempSync(path.join(os.tmpdir(), 'bundle-temp-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const bundle: DiagnosticsBundle = {
  format: 'cognito-desktop-diagnostics/1',
  createdAt: new Date(0).toISOString(),
  versions: { app: '0', node: '20', os: 'x' },
  policy: { sources: [] },
  profile: null,
  session: null,
  checks: [],
  log: { lines: [] },
} as unknown as DiagnosticsBundle;

describe('diagnostics bundle follows a planted file (issue 24 item 5)', () => {
  it('does not write through a symlink planted at the old predictable temporary name', () => {
    const file = path.join(dir, 'one.json');
    const victim = path.join(dir, 'victim.txt');
    writeFileSync(victim, 'the victim file\n');
    symlinkSync(victim, `${file}.${process.pid}.tmp`);
    writeDiagnostics(file, bundle);
    expect(readFileSync(victim, 'utf8')).toBe('the victim file\n');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ format: 'cognito-desktop-diagnostics/1' });
  });

  it('is mode 0600 even where a world-writable file was planted at the old temporary name', () => {
    const file = path.join(dir, 'two.json');
    const planted = `${file}.${process.pid}.tmp`;
    writeFileSync(planted, 'planted');
    chmodSync(planted, 0o666);
    writeDiagnostics(file, bundle);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('writes through a random temporary name and leaves none behind', () => {
    const sub = mkdtempSync(path.join(dir, 'names-'));
    const file = path.join(sub, 'three.json');
    writeDiagnostics(file, bundle);
    writeDiagnostics(file, bundle);
    expect(readdirSync(sub)).toEqual(['three.json']);
  });

  it('refuses a temporary name that already exists (exclusive, no-follow) and leaves its target alone', () => {
    const file = path.join(dir, 'four.json');
    const victim = path.join(dir, 'victim-2.txt');
    writeFileSync(victim, 'untouched\n');
    symlinkSync(victim, path.join(dir, 'guessed.tmp'));
    expect(() => writePrivateFileAtomic(file, 'data', { tempName: () => 'guessed.tmp' })).toThrow(
      expect.objectContaining({ code: 'EEXIST' }),
    );
    expect(readFileSync(victim, 'utf8')).toBe('untouched\n');
    expect(existsSync(file)).toBe(false);
    // A dangling symlink is refused too (O_EXCL), so no file appears at its target.
    symlinkSync(path.join(dir, 'would-appear.txt'), path.join(dir, 'dangling.tmp'));
    expect(() => writePrivateFileAtomic(file, 'data', { tempName: () => 'dangling.tmp' })).toThrow();
    expect(existsSync(path.join(dir, 'would-appear.txt'))).toBe(false);
  });
});
