import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../../shared/errors';
import type { Profiles } from '../../shared/ipc-contract';
import type { ProfileSources } from './profile-sources';
import type { LoadedProfiles } from './profiles-store';
import { writePrivateFileAtomic } from './private-file';
import type { ResolvedProfile } from './profile';
import { describeProfileChange, type ConfirmProfileChange } from './profile-change-confirmation';
import {
  MAX_PROFILE_FILE_BYTES,
  ProfileFileError,
  parseProfileFileJson,
  type ProfileFileRules,
} from './profile-file';

/**
 * Adding, editing and removing the user's own profiles (`<userData>/profiles.json`) from
 * Settings. Only the user's file is ever written: the organisation's profiles (policy list,
 * installer file) are not in it and cannot be reached from here.
 *
 * API:
 *   saveUserProfile(file, input, rules)  adds `input`, or replaces the profile with its id
 *   removeUserProfile(file, id, rules)   removes that profile (an unknown id is CONFIG_INVALID)
 *   createUserProfilesEditor(...)        both, refused where the policy or an organisation
 *                                        profile forbids it, followed by a live reload
 *
 * A change that alters where tokens or credentials go (issuer, domain, client id or secret, APIs,
 * proxy) and every new profile is applied only after `confirm` (main's native dialog) says yes;
 * editing the profile that is signed in signs it out first. Declined: nothing changes.
 *
 * Promises: the whole resulting file is validated with the profile file's own schema and rules
 * before anything is written (a bad profile is a ProfileFileError naming the field, and the file
 * on disk is untouched); the write is atomic (a temporary file renamed over the old one, mode
 * 0600), so a crash leaves the old file or the new one, never half of one. Removing the last
 * profile removes the file (a profile file holds at least one). A file that is itself
 * invalid is not rewritten: the user's hand-written file is theirs to fix.
 */
interface FileShape {
  profiles: unknown[];
  defaultProfileId?: string;
}

function readShape(file: string, rules: ProfileFileRules): FileShape {
  if (!existsSync(file)) return { profiles: [] };
  const text = readFileSync(file, 'utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ProfileFileError(file, '', 'is not valid JSON; fix or remove it before changing profiles here');
  }
  // Validates what is there now; a broken file is reported, not overwritten.
  parseProfileFileJson(file, json, rules);
  if (json !== null && typeof json === 'object' && 'profiles' in json) {
    const wrapper = json as { profiles: unknown[]; defaultProfileId?: string };
    return {
      profiles: [...wrapper.profiles],
      ...(wrapper.defaultProfileId === undefined ? {} : { defaultProfileId: wrapper.defaultProfileId }),
    };
  }
  return { profiles: [json] };
}

function idOf(entry: unknown): unknown {
  return entry !== null && typeof entry === 'object' ? (entry as { id?: unknown }).id : undefined;
}

function writeShape(file: string, shape: FileShape, rules: ProfileFileRules): void {
  // A profile file holds at least one profile: removing the last one removes the file.
  if (shape.profiles.length === 0) {
    rmSync(file, { force: true });
    return;
  }
  parseProfileFileJson(file, shape, rules);
  const text = `${JSON.stringify(shape, null, 2)}\n`;
  if (Buffer.byteLength(text) > MAX_PROFILE_FILE_BYTES) {
    throw new ProfileFileError(file, '', `would be larger than ${MAX_PROFILE_FILE_BYTES} bytes`);
  }
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  writePrivateFileAtomic(file, text);
}

/**
 * Validates the file that saving `input` would give, without writing it: the resolved profile
 * (for the confirmation) and the write to do once it is confirmed.
 */
export function planUserProfileSave(
  file: string,
  input: unknown,
  rules: ProfileFileRules = {},
): { next: ResolvedProfile; write(): void } {
  const shape = readShape(file, rules);
  const id = idOf(input);
  const at = shape.profiles.findIndex((entry) => idOf(entry) === id);
  const profiles = [...shape.profiles];
  if (at >= 0) profiles[at] = input;
  else profiles.push(input);
  const nextShape = { ...shape, profiles };
  const next = parseProfileFileJson(file, nextShape, rules).profiles.find((p) => p.id === id);
  if (!next) throw new ProfileFileError(file, 'id', 'the saved profile has no id');
  return { next, write: () => writeShape(file, nextShape, rules) };
}

export function saveUserProfile(file: string, input: unknown, rules: ProfileFileRules = {}): void {
  planUserProfileSave(file, input, rules).write();
}

export function removeUserProfile(file: string, profileId: string, rules: ProfileFileRules = {}): void {
  const shape = readShape(file, rules);
  const profiles = shape.profiles.filter((entry) => idOf(entry) !== profileId);
  if (profiles.length === shape.profiles.length) {
    throw new AppError('CONFIG_INVALID', `None of your own profiles has id ${profileId}.`);
  }
  const { defaultProfileId, ...rest } = shape;
  writeShape(
    file,
    {
      ...rest,
      profiles,
      ...(defaultProfileId !== undefined && defaultProfileId !== profileId ? { defaultProfileId } : {}),
    },
    rules,
  );
}

/** What the IPC handlers call: the guarded, reloading form of the two functions above. */
export interface UserProfilesEditor {
  save(input: Record<string, unknown>): Promise<Profiles>;
  remove(profileId: string): Promise<Profiles>;
}

export function createUserProfilesEditor(options: {
  sources: ProfileSources;
  loaded: () => LoadedProfiles;
  /** Reads the files again and applies them (app-services: profiles.reload). */
  reload: () => Promise<Profiles>;
  /**
   * Main's native confirmation (profile-change-confirmation.ts). Omitted: every change that
   * needs one is refused, never applied unasked.
   */
  confirm?: ConfirmProfileChange;
  /** Whether this profile's session is signed in now (the active profile, signed in). */
  signedIn?: (profileId: string) => boolean;
  /** Signs the active profile out (memory and keychain wiped, token revoked at its old origin). */
  signOut?: () => Promise<void>;
}): UserProfilesEditor {
  const guard = (id: unknown) => {
    const loaded = options.loaded();
    if (!loaded.allowUserProfiles) {
      throw new AppError(
        'CONFIG_INVALID',
        'Your organisation manages the sign-in profiles: profiles of your own cannot be added or changed.',
      );
    }
    if (typeof id === 'string' && loaded.managedIds?.includes(id)) {
      throw new AppError(
        'CONFIG_INVALID',
        `Profile ${id} is your organisation's and cannot be changed here.`,
      );
    }
  };
  const rules = () => options.sources.rules ?? {};
  return {
    async save(input) {
      guard(input['id']);
      const plan = planUserProfileSave(options.sources.userFile, input, rules());
      const previous = options.loaded().profiles.find((p) => p.id === plan.next.id);
      const signedIn = previous !== undefined && options.signedIn?.(previous.id) === true;
      const change = describeProfileChange(previous, plan.next, signedIn);
      if (change) {
        // Only the person's answer in main applies it; the renderer's request is just a request.
        const confirmed = options.confirm ? await options.confirm(change) : false;
        if (!confirmed) {
          throw new AppError(
            'CANCELLED',
            options.confirm
              ? 'The change was not applied: it was not confirmed.'
              : 'The change was not applied: it needs a confirmation this app cannot show here.',
          );
        }
        // The stored session belongs to the old definition: end it there (revoked at the old
        // origin) before the new definition exists.
        if (change.signsOut) await options.signOut?.();
      }
      plan.write();
      return options.reload();
    },
    async remove(profileId) {
      guard(profileId);
      removeUserProfile(options.sources.userFile, profileId, rules());
      return options.reload();
    },
  };
}
