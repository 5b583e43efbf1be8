import path from 'node:path';
import type { ResolvedProfile } from '../config/profile';
import { resolveProfileSources, type ProfileSourceInputs } from '../config/profile-sources';
import { createProfilesStore, type LoadedProfiles, type ProfilesStore } from '../config/profiles-store';
import { createUserProfilesEditor, type UserProfilesEditor } from '../config/user-profiles';
import type { ConfirmProfileChange } from '../config/profile-change-confirmation';
import type { Logger } from '../log/logger';
import type { PolicyOutcome } from '../policy/effective-policy';
import { loadProfiles } from '../policy/profile-precedence';

/**
 * The profiles of this run: read under the organisation policy, the active one remembered in
 * <userData>/active-profile.json, and the user's own file edited from Settings (then read again).
 * `onSwitch` / `onNone` are where the live session follows the active profile.
 */
export interface AppProfiles {
  readonly store: ProfilesStore;
  readonly userProfiles: UserProfilesEditor;
  /** The configuration error, or that no profile is configured: what the UI shows without a session. */
  noProfileReason(): string;
}

export interface AppProfilesOptions {
  inputs: ProfileSourceInputs;
  policy: PolicyOutcome | undefined;
  log: Logger;
  onSwitch(next: ResolvedProfile): Promise<void>;
  onNone(): Promise<void>;
  /** Main's native confirmation of a change that alters where tokens or credentials go. */
  confirm?: ConfirmProfileChange;
  /** Whether the profile with this id is the live, signed-in one (its edit signs it out first). */
  signedIn(id: string): boolean;
  signOut(): Promise<void>;
}

export function createAppProfiles(options: AppProfilesOptions): AppProfiles {
  const { log } = options;
  const sources = resolveProfileSources(options.inputs);
  const load = (): LoadedProfiles => {
    const next = loadProfiles(sources, options.policy);
    for (const warning of next.warnings) log.warn(warning);
    return next;
  };
  let loaded = load();
  if (loaded.configError) log.error(`profile configuration error: ${loaded.configError.message}`);

  const store = createProfilesStore({
    loaded,
    stateFile: path.join(options.inputs.userDataDir, 'active-profile.json'),
    onSwitch: async (next, previous) => {
      log.info(`switching profile ${previous?.id ?? '(none)'} -> ${next.id}`);
      await options.onSwitch(next);
    },
    onNone: () => options.onNone(),
  });
  const userProfiles = createUserProfilesEditor({
    sources,
    loaded: () => loaded,
    ...(options.confirm ? { confirm: options.confirm } : {}),
    signedIn: options.signedIn,
    signOut: options.signOut,
    reload: async () => {
      loaded = load();
      return store.reload(loaded);
    },
  });

  return {
    store,
    userProfiles,
    noProfileReason: () =>
      loaded.configError
        ? loaded.configError.message
        : 'No sign-in profile is configured. Add a profile file (see the README) and restart.',
  };
}
