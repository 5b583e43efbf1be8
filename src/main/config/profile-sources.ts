import { existsSync } from 'node:fs';
import path from 'node:path';
import type { ProfileFileRules } from './profile-file';

/**
 * Where profiles come from, in order:
 *   1. the organisation's file shipped with its build: `<resources>/profiles/organisation.json`
 *      (electron-builder `extraResources`, from assets/profiles/);
 *   2. the user's file in the app data folder: `<userData>/profiles.json`;
 *   3. development only (never in a packaged app): `--profile <file|id>` on the command line or the
 *      COGNITO_DESKTOP_PROFILE environment variable. A value naming an existing file (or ending in
 *      .json) adds that file and makes its default profile active; any other value selects a
 *      profile id from 1 and 2.
 * In a packaged app every file is also held to the packaged-mode rule (config/profile.ts): no
 * demo profile, no loopback-http issuer, domain or API, unless the organisation's policy allows
 * loopback profiles for its development builds.
 */
export const PROFILE_FILE_NAME = 'profiles.json';
export const ORG_PROFILE_RELATIVE_PATH = path.join('profiles', 'organisation.json');
export const PROFILE_ENV_VAR = 'COGNITO_DESKTOP_PROFILE';

export interface ProfileSourceInputs {
  /** process.resourcesPath in Electron; undefined when there is none. */
  resourcesDir?: string;
  /** app.getPath('userData') */
  userDataDir: string;
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  /** False in a packaged app: the command line and environment cannot redirect sign-in there. */
  allowDevOverrides: boolean;
  /** app.isPackaged: applies the packaged-mode profile rule (no demo / loopback-http profiles). */
  packaged?: boolean;
  /** Organisation (machine) policy: allow loopback profiles in a packaged development build. */
  allowLoopbackProfiles?: boolean;
}

export interface ProfileSources {
  orgFile?: string;
  userFile: string;
  devFile?: string;
  /** A profile id asked for on the command line or in the environment. */
  devProfileId?: string;
  /** How every profile file is checked (the packaged-mode rule). */
  rules?: ProfileFileRules;
}

/** The value of `--profile X` / `--profile=X`; the last one wins, like most CLIs. */
export function profileFlag(argv: readonly string[]): string | undefined {
  let value: string | undefined;
  argv.forEach((arg, i) => {
    if (arg === '--profile') value = argv[i + 1];
    else if (arg.startsWith('--profile=')) value = arg.slice('--profile='.length);
  });
  return value === undefined || value === '' ? undefined : value;
}

export function resolveProfileSources(inputs: ProfileSourceInputs): ProfileSources {
  const sources: ProfileSources = {
    userFile: path.join(inputs.userDataDir, PROFILE_FILE_NAME),
    rules: inputs.packaged ? { packaged: { allowLoopback: inputs.allowLoopbackProfiles === true } } : {},
  };
  if (inputs.resourcesDir) {
    const orgFile = path.join(inputs.resourcesDir, ORG_PROFILE_RELATIVE_PATH);
    if (existsSync(orgFile)) sources.orgFile = orgFile;
  }
  if (inputs.allowDevOverrides) {
    const value = profileFlag(inputs.argv) ?? inputs.env[PROFILE_ENV_VAR];
    if (value) {
      if (value.endsWith('.json') || existsSync(value)) sources.devFile = path.resolve(value);
      else sources.devProfileId = value;
    }
  }
  return sources;
}
