/**
 * The token-free record of keychain entries a sign-out could not remove:
 * `<dataDir>/keychain-removals.json`, `{ "v": 1, "accounts": ["<profileId>:<clientId>", ...] }`.
 * The credential store adds an account when clear() fails and drops it once the entry is gone;
 * while an account is listed, load() answers `removal-pending` instead of restoring the entry.
 *
 * Promises: only account names are ever written (never a token or user); a read of a missing or
 * damaged file is an empty list; every read-modify-write of the process goes through one queue
 * and replaces the file by rename, so a crash leaves the old list or the new one.
 */
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { writePrivateFileAtomic } from '../config/private-file';

export const REMOVALS_FILE = 'keychain-removals.json';

let removalsQueue: Promise<unknown> = Promise.resolve();
export async function readRemovals(file: string): Promise<string[]> {
  try {
    const value = JSON.parse(await readFile(file, 'utf8')) as { v?: unknown; accounts?: unknown };
    return value.v === 1 && Array.isArray(value.accounts)
      ? value.accounts.filter((a): a is string => typeof a === 'string').slice(0, 1000)
      : [];
  } catch {
    return [];
  }
}
export function updateRemovals(file: string, change: (accounts: Set<string>) => void): Promise<void> {
  const run = removalsQueue.then(async () => {
    const accounts = new Set(await readRemovals(file));
    const before = JSON.stringify([...accounts]);
    change(accounts);
    if (JSON.stringify([...accounts]) === before) return;
    await mkdir(path.dirname(file), { recursive: true });
    writePrivateFileAtomic(file, JSON.stringify({ v: 1, accounts: [...accounts] }));
  });
  removalsQueue = run.catch(() => undefined);
  return run;
}
