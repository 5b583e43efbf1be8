import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../../shared/errors';
import type { ProfileSummary, Profiles } from '../../shared/ipc-contract';
import type { ResolvedProfile } from './profile';
import { ProfileFileError, parseProfileFileJson, readProfileFile } from './profile-file';
import type { ProfileSources } from './profile-sources';
import { NO_POLICY, type EffectivePolicy } from '../policy/effective-policy';
import type { PolicyError } from '../policy/policy-forms';
import type { ProfilesController } from './profiles-controller';

/**
 * The loaded profiles and which one is active.
 *
 * A bad file contributes no profile at all and is reported as `configError` (file + field), which
 * the UI shows as an error screen. When the file that a development override points at is bad, no
 * profile is active: the app must not quietly fall back to another pool than the one asked for.
 *
 * Each profile keeps its own keychain entry (account `<profileId>:<clientId>`), so switching only
 * changes which session is live; the old profile's stored sign-in stays where it is.
 */

export interface LoadedProfiles {
  profiles: ResolvedProfile[];
  warnings: string[];
  configError?: { file: string; field: string; message: string };
  /** The profile a development override or a file's defaultProfileId asks for. */
  preferredId?: string;
  /** True when the preferred source was rejected: start with no active profile. */
  blockActive: boolean;
  /** The organisation policy these profiles were loaded under. */
  policy: EffectivePolicy;
  /** Ids of the profiles from the organisation (its policy or the installer's file): read-only. */
  managedIds?: string[];
}

/** The policy in force, or the reason it could not be used (then nobody is signed in). */
export type PolicyOutcome = { policy: EffectivePolicy } | { error: PolicyError };

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
      policy: NO_POLICY,
    };
  }
  const { policy } = outcome;
  const loaded: LoadedProfiles = { profiles: [], warnings: [], blockActive: false, policy };
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

export interface ProfilesStore extends ProfilesController {
  active(): ResolvedProfile | undefined;
  byId(id: string): ResolvedProfile | undefined;
  readonly warnings: readonly string[];
  /**
   * Live reload after the user's own file changed (Settings): the active profile stays active if
   * it still exists (re-attached through onSwitch when its definition changed), else the next
   * preferred one becomes active, or none (onNone). Serialised with switches.
   */
  reload(next: LoadedProfiles): Promise<Profiles>;
}

export interface ProfilesStoreOptions {
  loaded: LoadedProfiles;
  /** Remembers the last chosen profile across runs, e.g. <userData>/active-profile.json. */
  stateFile: string;
  /**
   * Called with the new profile before switchTo() resolves (app-services swaps the session here).
   * If it throws, the switch is undone.
   */
  onSwitch?: (next: ResolvedProfile, previous: ResolvedProfile | undefined) => Promise<void>;
  /** A reload left no profile to activate: the previous one's session ends here. */
  onNone?: (previous: ResolvedProfile | undefined) => Promise<void>;
}

function summary(profile: ResolvedProfile, managed: boolean): ProfileSummary {
  return {
    id: profile.id,
    label: profile.label,
    demo: profile.demo === true,
    apis: profile.apis.map((api) => ({ name: api.name, baseUrl: api.baseUrl })),
    ...(managed ? { managed: true } : {}),
    ...(profile.managedLogin === 2 ? { passkeys: true } : {}),
    ...(profile.signInOptions?.length
      ? { signInOptions: profile.signInOptions.map((option) => ({ label: option.label })) }
      : {}),
  };
}

function readRememberedId(stateFile: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(readFileSync(stateFile, 'utf8'));
    const id = (parsed as { activeProfileId?: unknown } | null)?.activeProfileId;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}

function remember(stateFile: string, id: string): void {
  mkdirSync(path.dirname(stateFile), { recursive: true, mode: 0o700 });
  const tmp = `${stateFile}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify({ activeProfileId: id })}\n`, { mode: 0o600 });
  renameSync(tmp, stateFile);
}

export function createProfilesStore(options: ProfilesStoreOptions): ProfilesStore {
  let { loaded } = options;
  const byId = (id: string | undefined) =>
    id === undefined ? undefined : loaded.profiles.find((p) => p.id === id);

  let active: ResolvedProfile | undefined;
  if (!loaded.blockActive) {
    active =
      byId(loaded.preferredId) ??
      byId(readRememberedId(options.stateFile)) ??
      loaded.profiles[0] ??
      undefined;
  }
  let switching: Promise<unknown> = Promise.resolve();

  const list = (): Profiles => ({
    activeProfileId: active?.id ?? null,
    // With user profiles off (policy), every profile is the organisation's to change.
    profiles: loaded.profiles.map((p) =>
      summary(p, !loaded.policy.allowUserProfiles || loaded.managedIds?.includes(p.id) === true),
    ),
    ...(loaded.configError
      ? { configError: { file: loaded.configError.file, message: loaded.configError.message } }
      : {}),
  });

  const switchTo = async (profileId: string): Promise<Profiles> => {
    const next = byId(profileId);
    if (!next) throw new AppError('CONFIG_INVALID', `No profile has id ${profileId}`);
    if (next === active) return list();
    const previous = active;
    active = next;
    try {
      await options.onSwitch?.(next, previous);
    } catch (error) {
      active = previous;
      throw error;
    }
    remember(options.stateFile, next.id);
    return list();
  };

  const reload = async (next: LoadedProfiles): Promise<Profiles> => {
    const previous = active;
    loaded = next;
    const target = next.blockActive
      ? undefined
      : ((previous ? byId(previous.id) : undefined) ?? byId(next.preferredId) ?? next.profiles[0]);
    if (target === undefined) {
      active = undefined;
      if (previous) await options.onNone?.(previous);
      return list();
    }
    // An edited profile is a new object: its session is made again from the new definition.
    if (target !== previous) {
      active = target;
      await options.onSwitch?.(target, previous);
      remember(options.stateFile, target.id);
    }
    return list();
  };
  const serialised = <T>(task: () => Promise<T>): Promise<T> => {
    const run = switching.then(task, task);
    switching = run.catch(() => undefined);
    return run;
  };

  return {
    list,
    // Switches are serialised: two quick clicks must not interleave two session swaps.
    switchTo: (profileId) => serialised(() => switchTo(profileId)),
    reload: (next) => serialised(() => reload(next)),
    active: () => active,
    byId: (id) => byId(id),
    get warnings() {
      return loaded.warnings;
    },
  };
}
