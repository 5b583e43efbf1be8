import { existsSync } from 'node:fs';
import { ProfileFileError, parseProfileFileJson, readProfileFile } from '../config/profile-file';
import type { ProfileSources } from '../config/profile-sources';
import type { LoadedProfiles } from '../config/profiles-store';
import { NO_POLICY, type PolicyOutcome } from './effective-policy';

/**
 * Precedence: machine policy > user policy (both settled in `policy/effective-policy.ts`) > the
 * organisation file in the installer > the user's profiles.json > development flags. A policy
 * list of profiles replaces the installer's file; with user profiles not allowed, the user's
 * file and the development flags that add files are not read at all.
 */
export function loadProfiles(
  sources: ProfileSources,
  outcome: PolicyOutcome = { policy: NO_POLICY },
): LoadedProfiles {
  if ('error' in outcome) {
    // Fail closed: a policy that does not validate signs nobody in, whatever the other files say.
    const { error } = outcome;
    return {
      profiles: [],
      warnings: [],
      configError: { file: error.source, field: error.key, message: error.message },
      blockActive: true,
      allowUserProfiles: NO_POLICY.allowUserProfiles,
    };
  }
  const { policy } = outcome;
  const loaded: LoadedProfiles = {
    profiles: [],
    warnings: [],
    blockActive: false,
    allowUserProfiles: policy.allowUserProfiles,
  };
  const files: Array<{ file: string; optional: boolean; dev: boolean; json?: unknown }> = [];
  if (policy.profiles) {
    const { source, entries, defaultProfileId } = policy.profiles;
    files.push({ file: source, optional: false, dev: false, json: { profiles: entries, defaultProfileId } });
  } else if (sources.orgFile) files.push({ file: sources.orgFile, optional: true, dev: false });
  if (policy.allowUserProfiles) {
    files.push({ file: sources.userFile, optional: true, dev: false });
    if (sources.devFile) files.push({ file: sources.devFile, optional: false, dev: true });
  } else if (sources.devFile) {
    loaded.warnings.push(
      `Organisation policy does not allow profiles of your own; ${sources.devFile} was not read.`,
    );
  }

  for (const { file, optional, dev, json } of files) {
    if (json === undefined && optional && !existsSync(file)) continue;
    try {
      const contents =
        json === undefined
          ? readProfileFile(file, sources.rules)
          : parseProfileFileJson(file, json, sources.rules);
      const clash = contents.profiles.find((p) => loaded.profiles.some((q) => q.id === p.id));
      if (clash) {
        const index = contents.profiles.indexOf(clash);
        throw new ProfileFileError(
          file,
          contents.profiles.length > 1 ? `profiles[${index}].id` : 'id',
          `id ${clash.id} is already used by a profile in another file`,
        );
      }
      loaded.profiles.push(...contents.profiles);
      loaded.warnings.push(...contents.warnings);
      if (file === sources.orgFile || json !== undefined) {
        loaded.managedIds = [...(loaded.managedIds ?? []), ...contents.profiles.map((p) => p.id)];
      }
      if (dev) loaded.preferredId = contents.defaultProfileId ?? contents.profiles[0]?.id;
      else if (loaded.preferredId === undefined && contents.defaultProfileId) {
        loaded.preferredId = contents.defaultProfileId;
      }
    } catch (error) {
      if (!(error instanceof ProfileFileError)) throw error;
      loaded.configError ??= { file: error.file, field: error.field, message: error.message };
      if (dev) loaded.blockActive = true;
      if (json !== undefined) {
        // A policy's own profile list that does not validate: fail closed, no profile at all.
        return { ...loaded, profiles: [], blockActive: true };
      }
    }
  }
  if (sources.devProfileId !== undefined) {
    if (loaded.profiles.some((p) => p.id === sources.devProfileId)) loaded.preferredId = sources.devProfileId;
    else {
      loaded.configError ??= {
        file: '--profile',
        field: 'id',
        message: `No profile has id ${sources.devProfileId} (asked for with --profile or COGNITO_DESKTOP_PROFILE)`,
      };
      loaded.blockActive = true;
    }
  }
  return loaded;
}
