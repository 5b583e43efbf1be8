import { detectLinuxSandbox, sandboxKeychainHint } from '../platform/linux-sandbox';
import path from 'node:path';
import { AppError } from '../../shared/errors';
import {
  CHUNK_CHARS,
  compareBinding,
  encodeEntries,
  encodeEnvelope,
  fromEnvelopeBinding,
  MAX_PARTS,
  parseEnvelope,
  parseHead,
  SLOTS,
  toEnvelopeBinding,
  UNSPLIT_ENTRY_CHARS,
  digest,
  type Envelope,
  type SessionBinding,
  type Slot,
} from './credential-codec';
import { readRemovals, REMOVALS_FILE, updateRemovals } from './keychain-removals';
import type { SecretStorage, SessionUser } from '../../shared/session-state';
import { silentLogger } from '../log/logger';
import type { Logger } from '../log/logger';

/**
 * Where the refresh token lives between runs: the OS keychain through keytar, one entry per
 * profile (service `com.example.cognitodesktop`, account `<profileId>:<clientId>`).
 *
 * API:
 *   createCredentialStore({ profileId, clientId, backend?, logger? }) -> CredentialStore
 *   store.init()  -> SecretStorage        probes the keychain once; memory mode with a reason if absent
 *   store.load(expected?) -> LoadResult   { kind: 'empty' | 'found' | 'corrupt' | 'removal-pending'
 *                                         | 'mismatch' } ('mismatch' only when `expected` is given)
 *   store.save({ refreshToken, user, binding, signedInAt })   persists (keychain) or keeps in memory
 *   store.clear()                         removes every entry of this profile; rejects
 *                                         KEYCHAIN_UNAVAILABLE when the keychain refused
 *   store.storage                         current SecretStorage (token-free, for SessionState)
 *
 * The value is a small versioned envelope (credential-codec.ts: its text, the head entry, the
 * split into parts, the binding). Windows caps a credential at 2,560 bytes and Cognito refresh
 * tokens are ~1.8 KB JWEs, so on Windows envelopes over CHUNK_CHARS are split into part entries
 * `<account>#<slot><i>` (slot a or b); the head entry names the slot, the count and a digest of
 * the whole. New parts go to the other slot before the head switches to them and old parts are
 * removed after, so a rotation never loses the previous refresh token midway.
 *
 * A stored session is bound to where it came from (issuer, token endpoint origin, client id): a
 * load(expected) whose binding differs, or that finds an entry with no binding, answers
 * `mismatch` and never `found`, so the token is not handed to a profile that would send it
 * elsewhere.
 *
 * Nothing is ever written to disk in plaintext: without a keychain the token stays in this
 * process's memory only, and the state says so.
 *
 * Removal is never skipped: clear() asks the OS keychain again even after an earlier call of this
 * run failed (the backend may be back). If it still cannot delete, and a `dataDir` is given, the
 * account name (token-free) is recorded in `<dataDir>/keychain-removals.json`; the next load()
 * of that account answers `removal-pending` (so the session revokes and removes it) instead of
 * restoring it.
 *
 * A stored user is validated with the published state's limits (SessionUserSchema): an entry
 * that parses but breaks them is corrupt (removed, never logged), never a wedged session.
 */
export const KEYCHAIN_SERVICE = 'com.example.cognitodesktop';

export { CHUNK_CHARS, UNSPLIT_ENTRY_CHARS, sessionBindingOf } from './credential-codec';
export type { SessionBinding } from './credential-codec';

export interface KeytarLike {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
  /** Not used by the store (libsecret's search can crash on concurrent deletes); tests may use it. */
  findCredentials?(service: string): Promise<Array<{ account: string; password: string }>>;
}

export interface StoredCredential {
  refreshToken: string;
  /** Last known user (token-free) so an offline start can still show who is signed in. */
  user?: SessionUser;
  savedAt: number;
  /** Where the refresh token came from; absent in entries written before the binding existed. */
  binding?: SessionBinding;
  /** When the token's family began (its sign-in), epoch ms; absent in older entries. */
  signedInAt?: number;
}

export type LoadResult =
  | { kind: 'empty' }
  | { kind: 'found'; credential: StoredCredential }
  /** An unreadable entry was found and removed; treat as signed out. */
  | { kind: 'corrupt' }
  /** An entry an earlier sign-out could not remove: revoke it and clear(), never restore it. */
  | { kind: 'removal-pending'; credential: StoredCredential }
  /**
   * load(expected) only: the entry was issued for another issuer, token endpoint origin or client
   * (`credential.binding`), or records none (written before bindings). Never send it to the
   * expected place: revoke it where it came from (when known), clear(), start signed out.
   */
  | { kind: 'mismatch'; credential: StoredCredential; reason: 'mismatch' | 'unbound' };

export interface CredentialStore {
  readonly storage: SecretStorage;
  init(): Promise<SecretStorage>;
  /**
   * With `expected`, a found entry whose binding is not exactly `expected` is answered
   * `mismatch` instead of `found` (the session always passes it; tools that only peek do not).
   */
  load(expected?: SessionBinding): Promise<LoadResult>;
  /** `binding` is recorded with the token; without it the entry is unbound (restores refuse it). */
  save(credential: {
    refreshToken: string;
    user?: SessionUser;
    binding?: SessionBinding;
    signedInAt?: number;
  }): Promise<void>;
  /** Rejects AppError KEYCHAIN_UNAVAILABLE when the entry could not be removed (memory wiped anyway). */
  clear(): Promise<void>;
}

export interface CredentialStoreOptions {
  profileId: string;
  clientId: string;
  /** Defaults to keytar, loaded lazily (its native module or D-Bus may be missing). */
  backend?: KeytarLike | (() => Promise<KeytarLike>);
  logger?: Logger;
  now?: () => number;
  /** Longest single entry: CHUNK_CHARS on Windows, UNSPLIT_ENTRY_CHARS elsewhere (tests force either). */
  entryLimitChars?: number;
  /** The app's data folder, for the token-free record of entries a sign-out could not remove. */
  dataDir?: string;
}

export { REMOVALS_FILE };

export function keychainAccount(profileId: string, clientId: string): string {
  return `${profileId}:${clientId}`;
}

// Loaded once per process: a dynamic import per store would repeat module resolution.
let keytarModule: Promise<KeytarLike> | undefined;
function loadKeytar(): Promise<KeytarLike> {
  keytarModule ??= import('keytar').then((m) => {
    const mod = m as unknown as KeytarLike & { default?: KeytarLike };
    return mod.default ?? mod;
  });
  // A failed load (native module missing) is retried by the next store, not cached.
  keytarModule.catch(() => {
    keytarModule = undefined;
  });
  return keytarModule;
}

/**
 * Every keychain call of this process goes through one queue. libsecret's search (keytar's
 * findCredentials) crashes the process with SIGSEGV when an item vanishes while it reads, and
 * overlapping writes of two profiles gain nothing; so calls never overlap, and this store never
 * searches at all: part entries have deterministic names.
 */
let keychainQueue: Promise<unknown> = Promise.resolve();
function serialised<T>(fn: () => Promise<T>): Promise<T> {
  const run = keychainQueue.then(fn, fn);
  keychainQueue = run.catch(() => undefined);
  return run;
}

function describeKeychainError(err: unknown): string {
  const raw = err instanceof Error ? err.message : String(err);
  if (/dbus|x11|autolaunch/i.test(raw)) return 'No Secret Service is reachable (D-Bus session unavailable).';
  if (/locked/i.test(raw)) return 'The login keyring is locked.';
  if (/cannot find module|did not self-register|\.node/i.test(raw))
    return 'The keychain module could not be loaded.';
  return 'The OS keychain refused access.';
}

/** `found`, or `mismatch` when an expected binding is given and the credential's is not it. */
function checked(credential: StoredCredential, expected: SessionBinding | undefined): LoadResult {
  if (!expected) return { kind: 'found', credential };
  const verdict = compareBinding(credential.binding, expected);
  return verdict === 'match'
    ? { kind: 'found', credential }
    : { kind: 'mismatch', credential, reason: verdict };
}

export function createCredentialStore(options: CredentialStoreOptions): CredentialStore {
  const log = (options.logger ?? silentLogger).child('credential-store');
  const account = keychainAccount(options.profileId, options.clientId);
  const now = options.now ?? Date.now;
  const entryLimit =
    options.entryLimitChars ?? (process.platform === 'win32' ? CHUNK_CHARS : UNSPLIT_ENTRY_CHARS);
  let backend: KeytarLike | undefined;
  let storage: SecretStorage = { kind: 'keychain' };
  let initialised: Promise<SecretStorage> | undefined;
  // Memory mode: the credential lives only here (a closure variable, not an object property).
  let memory: StoredCredential | undefined;
  // The head entry read by init(), used once by the next load() (undefined: read it again).
  let probedHead: string | null | undefined;

  const toMemory = (err: unknown) => {
    const hint = sandboxKeychainHint(detectLinuxSandbox(process.env));
    const reason = `${describeKeychainError(err)}${hint ? ` ${hint}` : ''} Your sign-in is kept in memory only and ends when the app quits.`;
    storage = { kind: 'memory', reason };
    // The reason is ours; the library message may contain paths, not secrets, but stay terse.
    log.warn('keychain unavailable, using memory only', { reason });
  };

  const removalsFile = options.dataDir === undefined ? undefined : path.join(options.dataDir, REMOVALS_FILE);
  const acquireBackend = async (): Promise<KeytarLike> => {
    const given = options.backend;
    return given === undefined ? await loadKeytar() : typeof given === 'function' ? await given() : given;
  };

  const init = (): Promise<SecretStorage> => {
    initialised ??= (async () => {
      try {
        const b = await acquireBackend();
        backend = b;
        // A read proves D-Bus and the Secret Service are there. It reads our own head entry, so
        // the load() that follows at start costs no second keychain round trip.
        probedHead = await serialised(() => b.getPassword(KEYCHAIN_SERVICE, account));
      } catch (err) {
        backend = undefined;
        toMemory(err);
      }
      return storage;
    })();
    return initialised;
  };

  const partAccount = (slot: Slot, i: number) => `${account}#${slot}${i}`;

  /** Deletes part entries of a slot from index `from` up to the first one that does not exist. */
  const removeSlot = async (b: KeytarLike, slot: Slot, from = 0) => {
    for (let i = from; i < MAX_PARTS; i++) {
      if (!(await b.deletePassword(KEYCHAIN_SERVICE, partAccount(slot, i)))) break;
    }
  };

  /** Head and every part, whatever state an interrupted write left them in. */
  const removeAll = async (b: KeytarLike) => {
    await b.deletePassword(KEYCHAIN_SERVICE, account);
    for (const slot of SLOTS) await removeSlot(b, slot);
  };

  const readEnvelope = async (b: KeytarLike): Promise<Envelope | 'empty' | 'corrupt'> => {
    const headText = probedHead !== undefined ? probedHead : await b.getPassword(KEYCHAIN_SERVICE, account);
    probedHead = undefined;
    if (headText === null) return 'empty';
    const head = parseHead(headText);
    if (!head) return 'corrupt';
    let text: string;
    if (head.e !== undefined) {
      text = head.e;
    } else {
      const parts: string[] = [];
      for (let i = 0; i < (head.n ?? 0); i++) {
        const part = await b.getPassword(KEYCHAIN_SERVICE, partAccount(head.s ?? 'a', i));
        if (part === null) return 'corrupt';
        parts.push(part);
      }
      text = parts.join('');
      if (digest(text) !== head.d) return 'corrupt';
    }
    return parseEnvelope(text) ?? 'corrupt';
  };

  /**
   * New parts go to the slot the current head does not use, then the head switches to them,
   * then the old slot is emptied: at every step a complete credential is readable.
   */
  const writeEnvelope = async (b: KeytarLike, text: string) => {
    const oldHeadText = await b.getPassword(KEYCHAIN_SERVICE, account);
    const oldHead = oldHeadText === null ? undefined : parseHead(oldHeadText);
    const { head, slot: newSlot, parts } = encodeEntries(text, entryLimit, oldHead?.s);
    if (newSlot !== undefined) {
      for (const [i, part] of parts.entries())
        await b.setPassword(KEYCHAIN_SERVICE, partAccount(newSlot, i), part);
      await removeSlot(b, newSlot, parts.length); // leftovers of an older, longer write
    }
    await b.setPassword(KEYCHAIN_SERVICE, account, head);
    // Empty the slot the old head used; with no readable old head, whatever an interrupted write left.
    for (const slot of SLOTS) {
      if (slot !== newSlot && (!oldHead || oldHead.s === slot)) await removeSlot(b, slot);
    }
  };

  return {
    get storage() {
      return storage;
    },
    init,

    async load(expected?: SessionBinding): Promise<LoadResult> {
      await init();
      const b = backend;
      if (!b) return memory ? checked({ ...memory }, expected) : { kind: 'empty' };
      try {
        const env = await serialised(() => readEnvelope(b));
        const pendingRemoval =
          removalsFile !== undefined && (await readRemovals(removalsFile)).includes(account);
        if (env === 'empty') {
          if (pendingRemoval)
            await updateRemovals(removalsFile!, (a) => a.delete(account)).catch(() => undefined);
          return { kind: 'empty' };
        }
        if (env === 'corrupt') {
          // Never log the value: it may be a damaged token.
          log.warn('stored session entry was unreadable and has been removed');
          await serialised(() => removeAll(b)).catch(() => undefined);
          return { kind: 'corrupt' };
        }
        const credential: StoredCredential = {
          refreshToken: env.rt,
          savedAt: env.t,
          ...(env.u ? { user: env.u } : {}),
          ...(env.b ? { binding: fromEnvelopeBinding(env.b) } : {}),
          ...(env.s === undefined ? {} : { signedInAt: env.s }),
        };
        return pendingRemoval ? { kind: 'removal-pending', credential } : checked(credential, expected);
      } catch (err) {
        // Keychain went away between init and now: behave as memory-only from here on.
        backend = undefined;
        toMemory(err);
        return { kind: 'empty' };
      }
    },

    async save(credential): Promise<void> {
      await init();
      probedHead = undefined;
      const savedAt = now();
      if (backend) {
        const envelope: Envelope = { v: 1, rt: credential.refreshToken, t: savedAt };
        if (credential.user) envelope.u = credential.user;
        if (credential.binding) envelope.b = toEnvelopeBinding(credential.binding);
        if (credential.signedInAt !== undefined) envelope.s = credential.signedInAt;
        const text = encodeEnvelope(envelope);
        const b = backend;
        try {
          await serialised(() => writeEnvelope(b, text));
          memory = undefined;
          return;
        } catch (err) {
          backend = undefined;
          toMemory(err);
        }
      }
      memory = {
        refreshToken: credential.refreshToken,
        savedAt,
        ...(credential.user ? { user: credential.user } : {}),
        ...(credential.binding ? { binding: { ...credential.binding } } : {}),
        ...(credential.signedInAt === undefined ? {} : { signedInAt: credential.signedInAt }),
      };
    },

    async clear(): Promise<void> {
      memory = undefined;
      await init();
      probedHead = undefined;
      // Always ask the keychain, even after an earlier failure of this run: the backend may be
      // back, and an entry of an earlier run must not survive a sign-out.
      try {
        const b = backend ?? (await acquireBackend());
        await serialised(() => removeAll(b));
        if (!backend) {
          backend = b;
          storage = { kind: 'keychain' };
          log.info('keychain reachable again');
        }
      } catch (err) {
        backend = undefined;
        if (storage.kind === 'keychain') toMemory(err);
        if (removalsFile !== undefined) {
          await updateRemovals(removalsFile, (a) => a.add(account)).catch(() =>
            log.warn('could not record the keychain entry for removal at the next start'),
          );
        }
        throw new AppError(
          'KEYCHAIN_UNAVAILABLE',
          'The saved sign-in could not be removed from the keychain.',
        );
      }
      if (removalsFile !== undefined)
        await updateRemovals(removalsFile, (a) => a.delete(account)).catch(() => undefined);
    },
  };
}
