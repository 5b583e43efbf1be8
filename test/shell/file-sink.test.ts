import {
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
  chmodSync,
  mkdirSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createFileSink } from '../../src/main/log/file-sink';
import { createLogger } from '../../src/main/log/logger';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'shell-log-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('rotating log file sink', () => {
  it('creates the log file with mode 0600 in a 0700 folder', () => {
    const dir = path.join(tempDir(), 'logs');
    const sink = createFileSink({ dir });
    sink.write('hello');
    sink.close();
    expect(statSync(sink.file).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(readFileSync(sink.file, 'utf8')).toBe('hello\n');
  });

  it('tightens a pre-existing world-readable log file', () => {
    const dir = tempDir();
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'main.log');
    writeFileSync(file, 'old\n');
    chmodSync(file, 0o644);
    const sink = createFileSink({ dir });
    sink.write('new');
    sink.close();
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toBe('old\nnew\n');
  });

  it('rotates by size and keeps at most maxFiles old files, each 0600', () => {
    const dir = tempDir();
    const sink = createFileSink({ dir, maxBytes: 1024, maxFiles: 2 });
    const line = 'x'.repeat(99); // 100 bytes with the newline
    for (let i = 0; i < 50; i++) sink.write(`${String(i).padStart(2, '0')}${line.slice(2)}`);
    sink.close();
    const files = readdirSync(dir).sort();
    expect(files).toEqual(['main.log', 'main.log.1', 'main.log.2']);
    for (const f of files) {
      const stat = statSync(path.join(dir, f));
      expect(stat.size).toBeLessThanOrEqual(1024);
      expect(stat.mode & 0o777).toBe(0o600);
    }
    // The newest line is in the current file; the oldest lines were dropped.
    expect(readFileSync(path.join(dir, 'main.log'), 'utf8')).toContain('49x');
    expect(files.map((f) => readFileSync(path.join(dir, f), 'utf8')).join('')).not.toContain('00x');
  });

  it('never writes a token, through the logger or directly', () => {
    const dir = tempDir();
    const sink = createFileSink({ dir });
    const log = createLogger({ sink: (line) => sink.write(line) });
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzZW50aW5lbCJ9.c2lnbmF0dXJlLXNlbnRpbmVs';
    log.info(`got token ${jwt}`, { refresh_token: 'SENTINEL-REFRESH-1' });
    sink.write(`Authorization: Bearer SENTINEL-BEARER-2 and ${jwt}`);
    sink.close();
    const text = readFileSync(sink.file, 'utf8');
    expect(text).not.toContain('eyJ');
    expect(text).not.toContain('SENTINEL-REFRESH-1');
    expect(text).not.toContain('SENTINEL-BEARER-2');
    expect(text).toContain('[REDACTED]');
  });
});
