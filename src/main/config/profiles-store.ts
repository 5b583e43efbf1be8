import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../../shared/errors';
import type { ProfileSummary, Profiles } from '../../shared/ipc-contract';
import type { ResolvedProfile } from './profile';
import { writePrivateFileAtomic } from './private-file';
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
  /**
   * False when the organisation policy allows no profiles of the user's own: then every profile
   * is managed. `policy/profile-precedence.ts` sets it; config knows no policy.
   */
  allowUserProfiles: boolean;
  /** Ids of the profiles from the organisation (its policy or the installer's file): read-only. */
  managedIds?: string[];
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
    ...(profile.identityPool ? { identityPool: true } : {}),
    ...(profile.sessionTracking ? { sessionTracking: true } : {}),
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
  writePrivateFileAtomic(stateFile, `${JSON.stringify({ activeProfileId: id })}\n`);
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
      summary(p, !loaded.allowUserProfiles || loaded.managedIds?.includes(p.id) === true),
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
