import { chmodSync, closeSync, fstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { redact } from '../../shared/redact';

/**
 * A size-rotated log file in the app's log folder.
 *
 * Files are created with mode 0600 in a 0700 folder (and re-chmodded if they already existed with
 * looser modes): log lines are redacted, but a log still says who signed in when, which is nobody
 * else's business on a shared machine. Writes are synchronous so the last lines before a crash are
 * on disk; the app logs a few lines a minute, so the cost does not matter.
 */
export interface FileSinkOptions {
  dir: string;
  /** Default main.log */
  fileName?: string;
  /** Rotate when the current file would grow past this. Default 1 MiB. */
  maxBytes?: number;
  /** Rotated files kept beside the current one (main.log.1 ... main.log.N). Default 3. */
  maxFiles?: number;
}

export interface FileSink {
  readonly file: string;
  write(line: string): void;
  close(): void;
}

export function createFileSink(options: FileSinkOptions): FileSink {
  const file = path.join(options.dir, options.fileName ?? 'main.log');
  const maxBytes = Math.max(1024, options.maxBytes ?? 1024 * 1024);
  const maxFiles = Math.max(1, options.maxFiles ?? 3);

  mkdirSync(options.dir, { recursive: true, mode: 0o700 });
  chmodSync(options.dir, 0o700);

  let fd: number | undefined;
  let size = 0;

  const open = () => {
    fd = openSync(file, 'a', 0o600);
    // `mode` applies only when the file is created: tighten a pre-existing one too.
    chmodSync(file, 0o600);
    size = fstatSync(fd).size;
  };

  const rotate = () => {
    if (fd !== undefined) closeSync(fd);
    fd = undefined;
    rmSync(`${file}.${maxFiles}`, { force: true });
    for (let i = maxFiles - 1; i >= 1; i--) {
      try {
        renameSync(`${file}.${i}`, `${file}.${i + 1}`);
      } catch {
        // a gap in the sequence is fine
      }
    }
    renameSync(file, `${file}.1`);
    open();
  };

  open();

  return {
    file,
    write(line) {
      if (fd === undefined) return;
      // Redaction is the logger's job; doing it again here costs little and keeps the file safe
      // even when a caller writes to the sink directly.
      const data = Buffer.from(`${redact(line).replace(/\n+$/, '')}\n`, 'utf8');
      if (size > 0 && size + data.length > maxBytes) rotate();
      size += writeSync(fd as number, data);
    },
    close() {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}
