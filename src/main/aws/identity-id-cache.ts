import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/**
 * The identity id each user has in each identity pool, per profile, so a restart skips `GetId`
 * and goes straight to `GetCredentialsForIdentity`. An identity id is an identifier, not a
 * secret (Cognito shows it in the console and puts it in IAM policy variables), so it is kept
 * in a plain file in the app data folder: `<userData>/aws-identities.json`, mode 0600, at most
 * MAX_ENTRIES (the oldest go first). A missing or unreadable file is an empty cache; nothing
 * depends on it but one request saved.
 */
export interface IdentityIdCache {
  get(key: IdentityKey): string | undefined;
  set(key: IdentityKey, identityId: string): void;
  delete(key: IdentityKey): void;
}

export interface IdentityKey {
  profileId: string;
  identityPoolId: string;
  /** The user's `sub`. */
  sub: string;
}

export const IDENTITY_CACHE_FILE = 'aws-identities.json';
const MAX_ENTRIES = 200;
const FileSchema = z
  .object({ v: z.literal(1), entries: z.record(z.string().max(600), z.string().max(128)) })
  .strict();

const keyText = (key: IdentityKey) => `${key.profileId}|${key.identityPoolId}|${key.sub}`;

/** In memory only (tests, no data folder). */
export function memoryIdentityIdCache(): IdentityIdCache {
  const entries = new Map<string, string>();
  return {
    get: (key) => entries.get(keyText(key)),
    set: (key, id) => void entries.set(keyText(key), id),
    delete: (key) => void entries.delete(keyText(key)),
  };
}

export function fileIdentityIdCache(dataDir: string): IdentityIdCache {
  const file = path.join(dataDir, IDENTITY_CACHE_FILE);
  let entries: Map<string, string> | undefined;
  const load = (): Map<string, string> => {
    if (entries) return entries;
    try {
      const parsed = FileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
      entries = new Map(parsed.success ? Object.entries(parsed.data.entries) : []);
    } catch {
      entries = new Map();
    }
    return entries;
  };
  const save = () => {
    const all = load();
    while (all.size > MAX_ENTRIES) all.delete(all.keys().next().value as string);
    try {
      mkdirSync(dataDir, { recursive: true });
      const temp = `${file}.${process.pid}.tmp`;
      writeFileSync(temp, JSON.stringify({ v: 1, entries: Object.fromEntries(all) }), { mode: 0o600 });
      renameSync(temp, file);
    } catch {
      // A cache that cannot be written costs one GetId at the next start, nothing more.
    }
  };
  return {
    get: (key) => load().get(keyText(key)),
    set(key, id) {
      const all = load();
      if (all.get(keyText(key)) === id) return;
      all.delete(keyText(key)); // re-insert: most recent last
      all.set(keyText(key), id);
      save();
    },
    delete(key) {
      if (load().delete(keyText(key))) save();
    },
  };
}
