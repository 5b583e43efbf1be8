import { redact } from '../../shared/redact';
import type { EffectivePolicy } from '../policy/effective-policy';
import type { CodeSignature } from './code-signature';

/**
 * When the app looks for updates and what the UI shows about them. Plain code: the call into
 * electron-updater is the `UpdaterPort`, implemented by `electron-updater-port.ts` in the app and by
 * a recording port in tests.
 *
 * API:
 *   updateSettings({ policy, feedUrl, packaged }) -> { enabled, feedUrl?, reason, code?, message? }
 *   decideUpdateSettings({ ...those, platform, probeSignature }) -> Promise<UpdateSettings>
 *     the same, and on macOS updates that would be on stay off unless the app has a Developer ID
 *     signature (signedBuildGate); probeSignature runs only then
 *   createUpdateController({ port, settings, timers, random, isSignInActive, log? }) -> UpdateController
 *     .start()            first check now, then every CHECK_INTERVAL_MS (+ jitter); when off for a
 *                         reason the user can act on (an unsigned build), logs it once instead
 *     .state()            UpdateState for the UI; .onChange(listener) -> unsubscribe
 *     .restartToUpdate()  only in state "ready" and never during a sign-in; else UpdateRefusal
 *     .stop()
 *
 * Promises: updates are off unless a feed is configured (policy first, then the installer's
 * profile) and off whenever policy says so; nothing restarts the app except the user's click;
 * a bad feed (unreachable, bad YAML, bad signature or hash: electron-updater checks the sha512
 * from `latest.yml` and the code signature) is an "error" state that the next check retries,
 * never a crash and never an install. Integrity is electron-updater's; this layer only decides.
 */

export const CHECK_INTERVAL_MS = 4 * 60 * 60 * 1000;
/** Up to 30 minutes later, so a fleet started at 09:00 does not hit the feed in one second. */
export const CHECK_JITTER_MS = 30 * 60 * 1000;

/** Why updates are off where the reason alone says enough. */
export type UpdateOffReason = 'policy-off' | 'no-feed' | 'development' | 'feed-not-https';
/** Why updates are off on macOS for this copy of the app: the state carries code and message. */
export type UpdateSignatureReason = 'needs-signed-build' | 'signature-unverified';
export type UpdateBlockCode = 'UPDATES_NEED_SIGNED_BUILD' | 'UPDATES_SIGNATURE_UNVERIFIED';

export type UpdateSettings =
  | { enabled: true; feedUrl: string; reason: 'on' }
  | { enabled: false; feedUrl?: string; reason: UpdateOffReason }
  | {
      enabled: false;
      feedUrl?: string;
      reason: UpdateSignatureReason;
      code: UpdateBlockCode;
      message: string;
    };

export function updateSettings(input: {
  policy: EffectivePolicy;
  /** The feed named by the installer's organisation profile (electron-builder `publish`), if any. */
  feedUrl?: string;
  packaged: boolean;
}): UpdateSettings {
  if (input.policy.updates.enabled === false) return { enabled: false, reason: 'policy-off' };
  const feedUrl = input.policy.updates.feedUrl ?? input.feedUrl;
  if (feedUrl === undefined) return { enabled: false, reason: 'no-feed' };
  let https = false;
  try {
    https = new URL(feedUrl).protocol === 'https:';
  } catch {
    https = false;
  }
  if (!https) return { enabled: false, reason: 'feed-not-https' };
  // electron-updater refuses to run unpacked; say so instead of failing a check.
  if (!input.packaged) return { enabled: false, feedUrl, reason: 'development' };
  return { enabled: true, feedUrl, reason: 'on' };
}

const INSTALL_SIGNED = 'Install a signed release to get updates.';

/**
 * Updates on macOS need a Developer ID signature (code-signature.ts says why); without one the
 * app says so instead of downloading updates it cannot apply. Settings already off stay as they are.
 */
export function signedBuildGate(settings: UpdateSettings, signature: CodeSignature): UpdateSettings {
  if (!settings.enabled || signature.kind === 'developer-id') return settings;
  const base = { enabled: false as const, feedUrl: settings.feedUrl };
  switch (signature.kind) {
    case 'adhoc':
    case 'unsigned':
    case 'other-identity': {
      const why = {
        adhoc: 'is not signed with a Developer ID (ad-hoc signature)',
        unsigned: 'is not signed at all',
        'other-identity': 'is signed, but not with a Developer ID',
      }[signature.kind];
      return {
        ...base,
        reason: 'needs-signed-build',
        code: 'UPDATES_NEED_SIGNED_BUILD',
        message: `This copy of the app ${why}, so macOS cannot apply updates to it. ${INSTALL_SIGNED}`,
      };
    }
    case 'unverified':
      return {
        ...base,
        reason: 'signature-unverified',
        code: 'UPDATES_SIGNATURE_UNVERIFIED',
        message: `The app could not verify its own code signature (${signature.detail.slice(0, 200)}), so it does not apply updates. ${INSTALL_SIGNED}`,
      };
  }
}

export async function decideUpdateSettings(input: {
  policy: EffectivePolicy;
  feedUrl?: string;
  packaged: boolean;
  platform: NodeJS.Platform;
  /** Only called on macOS, and only when updates would otherwise be on. */
  probeSignature: () => Promise<CodeSignature>;
}): Promise<UpdateSettings> {
  const settings = updateSettings(input);
  if (input.platform !== 'darwin' || !settings.enabled) return settings;
  let signature: CodeSignature;
  try {
    signature = await input.probeSignature();
  } catch {
    signature = { kind: 'unverified', detail: 'the signature check failed' };
  }
  return signedBuildGate(settings, signature);
}

export type UpdateState =
  | { status: 'off'; reason: UpdateOffReason }
  | { status: 'off'; reason: UpdateSignatureReason; code: UpdateBlockCode; message: string }
  | { status: 'idle'; lastCheckedAt?: number }
  | { status: 'checking' }
  | { status: 'downloading'; version: string }
  | { status: 'ready'; version: string }
  | { status: 'error'; message: string; lastCheckedAt: number };

export interface UpdaterPort {
  setFeedUrl(url: string): void;
  /** The newer version on the feed, or null when this one is current. */
  checkForUpdate(): Promise<string | null>;
  download(): Promise<void>;
  quitAndInstall(): void;
}

/** The port of a controller whose settings are off: the controller never calls it. */
export const OFF_PORT: UpdaterPort = {
  setFeedUrl: () => undefined,
  checkForUpdate: () => Promise.reject(new Error('updates are off')),
  download: () => Promise.reject(new Error('updates are off')),
  quitAndInstall: () => undefined,
};

export interface UpdateTimers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export class UpdateRefusal extends Error {
  readonly code: 'UPDATE_NOT_READY' | 'SIGN_IN_IN_PROGRESS';
  constructor(code: UpdateRefusal['code'], message: string) {
    super(message);
    this.name = 'UpdateRefusal';
    this.code = code;
  }
}

export interface UpdateController {
  start(): void;
  stop(): void;
  state(): UpdateState;
  onChange(listener: (state: UpdateState) => void): () => void;
  restartToUpdate(): void;
  /** One check now (also what the timer runs); resolves when it has settled. */
  checkNow(): Promise<void>;
}

export function createUpdateController(options: {
  port: UpdaterPort;
  settings: UpdateSettings;
  timers: UpdateTimers;
  random?: () => number;
  isSignInActive: () => boolean;
  /** Where start() says once why updates are off for this copy (the state's message, no tokens). */
  log?: (line: string) => void;
}): UpdateController {
  const { port, settings, timers } = options;
  const random = options.random ?? Math.random;
  let state: UpdateState = !settings.enabled
    ? 'code' in settings
      ? { status: 'off', reason: settings.reason, code: settings.code, message: settings.message }
      : { status: 'off', reason: settings.reason }
    : { status: 'idle' };
  let told = false;
  const listeners = new Set<(s: UpdateState) => void>();
  let timer: unknown;
  let running: Promise<void> | undefined;
  let stopped = false;

  const set = (next: UpdateState) => {
    state = next;
    for (const listener of listeners) {
      try {
        listener(next);
      } catch {
        // A broken listener must not stop the others or the check.
      }
    }
  };

  const schedule = () => {
    if (stopped) return;
    timer = timers.setTimeout(
      () => void checkNow().finally(schedule),
      CHECK_INTERVAL_MS + random() * CHECK_JITTER_MS,
    );
  };

  const check = async () => {
    set({ status: 'checking' });
    let version: string | null;
    try {
      version = await port.checkForUpdate();
    } catch (error) {
      set({ status: 'error', message: describe(error), lastCheckedAt: timers.now() });
      return;
    }
    if (version === null) {
      set({ status: 'idle', lastCheckedAt: timers.now() });
      return;
    }
    set({ status: 'downloading', version });
    try {
      await port.download();
    } catch (error) {
      set({ status: 'error', message: describe(error), lastCheckedAt: timers.now() });
      return;
    }
    set({ status: 'ready', version });
  };

  const checkNow = (): Promise<void> => {
    // A downloaded update stays ready; checking again could only replace it with the same one.
    if (!settings.enabled || stopped || state.status === 'ready') return Promise.resolve();
    running ??= check().finally(() => {
      running = undefined;
    });
    return running;
  };

  return {
    start() {
      if (state.status === 'off' && 'code' in state && !told) {
        told = true;
        options.log?.(`update: off (${state.code}): ${redact(state.message)}`);
      }
      if (!settings.enabled) return;
      port.setFeedUrl(settings.feedUrl);
      void checkNow().finally(schedule);
    },
    stop() {
      stopped = true;
      if (timer !== undefined) timers.clearTimeout(timer);
    },
    state: () => state,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    restartToUpdate() {
      if (state.status !== 'ready')
        throw new UpdateRefusal('UPDATE_NOT_READY', 'No update has been downloaded yet.');
      if (options.isSignInActive()) {
        throw new UpdateRefusal(
          'SIGN_IN_IN_PROGRESS',
          'Finish or cancel the sign-in first, then restart to update.',
        );
      }
      port.quitAndInstall();
    },
    checkNow,
  };
}

/** electron-updater's messages can carry the whole feed response; keep one short line. */
function describe(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const line = text.split('\n')[0] ?? '';
  return `The update check failed: ${redact(line.slice(0, 200))}`;
}

/**
 * The feed electron-builder wrote into the package when the release workflow set one
 * (`<resources>/app-update.yml`, `url:` of a generic provider). Read without a YAML library: the
 * file is electron-builder's own two-line output, and a line that is not that shape is no feed.
 */
export function installerFeedUrl(appUpdateYml: string | undefined): string | undefined {
  if (appUpdateYml === undefined || !/^provider:\s*generic\s*$/m.test(appUpdateYml)) return undefined;
  const url = /^url:\s*['"]?([^'"\s]+)['"]?\s*$/m.exec(appUpdateYml)?.[1];
  return url;
}
