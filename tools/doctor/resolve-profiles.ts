import { existsSync } from 'node:fs';
import path from 'node:path';
import { defaultUserDataDir } from '../../src/main/config/app-paths';
import type { ResolvedProfile } from '../../src/main/config/profile';
import { readProfileFile } from '../../src/main/config/profile-file';
import { PROFILE_ENV_VAR, PROFILE_FILE_NAME, profileFlag } from '../../src/main/config/profile-sources';
import { AppError } from '../../src/shared/errors';

/**
 * Which profile(s) the doctor checks, with the app's own precedence:
 *   --profile FILE  -> every profile in that file
 *   --profile NAME  -> that profile id from the user file or the organisation file
 *   nothing         -> COGNITO_DESKTOP_PROFILE (same rules), else every profile the app would load
 * A bad file throws the same CONFIG_INVALID error (file + field) the app shows.
 */
export interface ResolveOptions {
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  userDataDir?: string;
  /** The organisation profile shipped with builds (assets/profiles/organisation.json in this repo). */
  orgFile?: string;
}

export function resolveDoctorProfiles(options: ResolveOptions): ResolvedProfile[] {
  const userFile = path.join(options.userDataDir ?? defaultUserDataDir(), PROFILE_FILE_NAME);
  const knownFiles = [options.orgFile, userFile].filter((f): f is string => f !== undefined && existsSync(f));
  const asked = profileFlag(options.argv) ?? options.env[PROFILE_ENV_VAR];

  if (asked !== undefined && (asked.endsWith('.json') || existsSync(asked))) {
    return readProfileFile(path.resolve(asked)).profiles;
  }
  const all = knownFiles.flatMap((file) => readProfileFile(file).profiles);
  if (asked !== undefined) {
    const match = all.find((p) => p.id === asked);
    if (!match) {
      const known = all.map((p) => p.id).join(', ') || 'none';
      throw new AppError(
        'CONFIG_INVALID',
        `No profile has id ${asked} (known: ${known}; looked in ${knownFiles.join(', ') || userFile}).`,
      );
    }
    return [match];
  }
  if (all.length === 0) {
    throw new AppError(
      'CONFIG_INVALID',
      `No profile configured: pass --profile FILE|NAME, set ${PROFILE_ENV_VAR}, or create ${userFile}.`,
    );
  }
  return all;
}
