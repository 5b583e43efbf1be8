import { randomBytes } from 'node:crypto';
import { closeSync, constants, fchmodSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';

/**
 * One way to replace a file that only this user may read (profiles, settings, window state,
 * diagnostics bundles, the keychain-removal record): write a temporary file beside it, then rename
 * it over the target, so a crash leaves the old file or the new one, never half of one.
 *
 * API:
 *   writePrivateFileAtomic(file, data, { tempName? })   mode 0600, atomic; throws the fs error
 *
 * Why the temporary file is made this way: a predictable name (`<file>.<pid>.tmp`) written with a
 * plain write follows a symlink another local user planted there (the write lands in their target)
 * and keeps an existing file's mode (0666 seen). So the name is random, the file is created
 * exclusively (O_CREAT|O_EXCL fails on anything already there, a dangling symlink included) and
 * with O_NOFOLLOW where the OS has it, and its mode is set to 0600 on the open descriptor whatever
 * the umask. The rename replaces a symlink at the target itself, never its target.
 */
export function writePrivateFileAtomic(
  file: string,
  data: string | Uint8Array,
  options: { tempName?: () => string } = {},
): void {
  const name = options.tempName?.() ?? `.${path.basename(file)}.${randomBytes(12).toString('hex')}.tmp`;
  const tmp = path.join(path.dirname(file), name);
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0);
  const fd = openSync(tmp, flags, 0o600);
  try {
    try {
      fchmodSync(fd, 0o600);
      const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      for (let at = 0; at < bytes.length;) at += writeSync(fd, bytes, at, bytes.length - at);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
}
