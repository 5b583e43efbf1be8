import path from 'node:path';
import { passkeyAddUrl } from './auth/passkeys';
import { createSession, type CreateSessionOptions, type Session } from './auth/session';
import type { ResolvedProfile } from './config/profile';
import { resolveProfileSources, type ProfileSourceInputs } from './config/profile-sources';
import {
  createProfilesStore,
  loadProfiles,
  type PolicyOutcome,
  type ProfilesStore,
} from './config/profiles-store';
import { parseDeepLink } from './deep-link';
import { createExternalOpener, type ExternalOpener } from './external-url-policy';
import { createApiClient, type ApiClient } from './http/api-client';
import { createHandlers, type AppIpcHandlers } from './ipc/handlers';
import type { Logger } from './log/logger';
import { defaultNodeTransport } from './net/default-transport';
import type { NetTransport } from './net/transport';
import { startOnlineWatcher } from './online-watcher';
import { AppError } from '../shared/errors';
import { SessionStateSchema, type SessionState } from '../shared/session-state';
import type { SessionController } from './auth/session-controller';
import type { AccessTokenSource } from './auth/access-token-source';
import { SETTINGS_FILE_NAME } from './settings/settings-store';
import { createUiServices, type UiServices } from './ui-services';
import { hostedUiLanguage } from '../shared/languages';
import type { AboutInfo } from '../shared/ipc-contract';
import { createDiagnosticsExporter, type DiagnosticsExporter } from './diagnostics/diagnostics-export';
import { createUserProfilesEditor } from './config/user-profiles';
import type { CheckResult } from './doctor/checks';
import type { UpdateController } from './updates/update-controller';

/**
 * The whole app minus Electron: profiles, the session of the active profile, the API client, the
 * IPC handlers, the external-URL policy, deep links and resume. index.ts passes Electron's pieces
 * in (paths, argv, shell.openExternal, net.isOnline) and binds the result to ipcMain, so
 * everything here runs, and is tested, in plain Node.
 *
 * One session exists at a time, for the active profile. Switching profiles disposes it (timers
 * off, pending sign-in cancelled, keychain untouched) and starts the next profile's session, which
 * restores its own keychain entry (`<profileId>:<clientId>`). The handlers talk to a stable
 * facade, so a switch needs no re-registration.
 *
 * The API client does NOT use the facade: each request is bound to the session (and the APIs) of
 * the profile active when it started. Once that session is no longer the active one, the request
 * ends CANCELLED and sends nothing more; no token of another profile can reach its API.
 */
export interface AppServicesOptions extends ProfileSourceInputs {
  /** Electron's shell.openExternal. Only ever called through the external-URL policy. */
  openExternal(url: string): Promise<void>;
  logger: Logger;
  /**
   * How main reaches the network (src/main/net): Electron's net.fetch in the app; omitted, the
   * direct undici transport. Each profile's `network.proxy` is applied to it on activation.
   */
  transport?: NetTransport;
  /** net.isOnline in Electron; omitted: no online watching. */
  isOnline?: () => boolean;
  onlinePollMs?: number;
  /** Tests inject session options (short timeouts, a credential store) or a whole factory. */
  createSession?: (options: CreateSessionOptions) => Session;
  sessionOptions?: Partial<Omit<CreateSessionOptions, 'profile' | 'openExternal'>>;
  /** The organisation policy read at start (policy/load-policy.ts); omitted: no policy. */
  policy?: PolicyOutcome;
  /** app.getPreferredSystemLanguages() in Electron; omitted: none (English). */
  preferredSystemLanguages?: () => string[];
  /** Versions and flags for the About panel. */
  about?: Partial<AboutInfo>;
  /** "Export diagnostics...": Electron's save dialog in the app; omitted, exports are refused. */
  chooseDiagnosticsPath?: (suggestedName: string) => Promise<string | undefined>;
  /** The log file whose tail goes into diagnostics. */
  logFile?: string;
  /** Tests replace the diagnostics' keychain check; default: keytar. */
  keychainCheck?: () => Promise<CheckResult>;
  /** The update decision layer (index.ts makes it); omitted, the UI shows updates as off. */
  updates?: UpdateController;
}

export interface AppServices {
  readonly profiles: ProfilesStore;
  readonly handlers: AppIpcHandlers;
  readonly external: ExternalOpener;
  readonly api: ApiClient;
  /**
   * The facade the handlers use (always the active profile's session). It hands out no tokens:
   * API requests get theirs from the session they are bound to.
   */
  readonly session: SessionController;
  /** Settings (persisted in <userData>/settings.json), OS languages, About, menu commands. */
  readonly ui: UiServices;
  /** "Export diagnostics..." (Help menu and error screens); undefined without a save dialog. */
  readonly diagnostics: DiagnosticsExporter | undefined;
  /** Restores the active profile's session from the keychain. Never rejects. */
  start(): Promise<SessionState>;
  /**
   * A deep link from the OS (open-url, argv). Resolves true when it completed a pending sign-in.
   * Never rejects.
   */
  handleDeepLink(raw: string): Promise<boolean>;
  /** powerMonitor resume / unlock-screen. */
  resume(): void;
  online(): void;
  dispose(): Promise<void>;
}

/** How long a callback deep link waits for a sign-in that is still starting to attach. */
const DEEP_LINK_ATTACH_WAIT_MS = 2000;

function noProfileState(reason: string): SessionState {
  return SessionStateSchema.parse({
    status: 'signed-out',
    reason: 'error',
    error: { code: 'CONFIG_INVALID', message: reason.slice(0, 1000) },
    storage: { kind: 'keychain' },
  });
}

export function createAppServices(options: AppServicesOptions): AppServices {
  const log = options.logger.child('shell');
  const makeSession = options.createSession ?? createSession;
  const transport = options.transport ?? defaultNodeTransport();

  let session: Session | undefined;
  /** The profile `session` was made for (its APIs bind API requests). */
  let sessionProfile: ResolvedProfile | undefined;
  let unsubscribeSession: (() => void) | undefined;
  const listeners = new Set<(state: SessionState) => void>();
  const publish = (state: SessionState) => {
    for (const listener of listeners) listener(state);
  };

  const external = createExternalOpener({
    openExternal: options.openExternal,
    activeHostedUi: () => {
      const active = profiles.active();
      return active ? { domain: active.domain, passkeys: active.managedLogin === 2 } : undefined;
    },
    log: (line) => log.warn(line),
  });

  const ui = createUiServices({
    settingsFile: path.join(options.userDataDir, SETTINGS_FILE_NAME),
    ...(options.preferredSystemLanguages
      ? { preferredSystemLanguages: options.preferredSystemLanguages }
      : {}),
    ...(options.about ? { about: options.about } : {}),
  });
  const settingsProblem = ui.settings.get().problem;
  if (settingsProblem) log.warn(`settings file not used: ${settingsProblem.message}`);

  const attach = (profile: ResolvedProfile) => {
    // The transport waits for the proxy setting to apply before its next request. The
    // organisation policy's proxy wins over the profile's (docs/policy.md, precedence).
    transport.setProxy(loaded.policy.proxy ?? profile.network.proxy).catch((error: unknown) => {
      log.error(`network proxy setting not applied: ${error instanceof Error ? error.message : 'unknown'}`);
    });
    session = makeSession({
      transport,
      hostedUiLanguage: () => hostedUiLanguage(ui.language()),
      allowMemoryOnly: loaded.policy.allowMemoryOnlySignIn,
      ...options.sessionOptions,
      // The organisation's fleet spreads its refreshes over the IdP quota (docs/policy.md).
      backoff: {
        ...options.sessionOptions?.backoff,
        ...(loaded.policy.refreshSpreadMs > 0 ? { spreadMs: loaded.policy.refreshSpreadMs } : {}),
      },
      logger: options.sessionOptions?.logger ?? options.logger,
      profile,
      openExternal: (url) => external.openHostedUi(url),
      dataDir: options.sessionOptions?.dataDir ?? options.userDataDir,
    });
    sessionProfile = profile;
    unsubscribeSession = session.onChanged(publish);
  };

  const detach = async () => {
    const old = session;
    unsubscribeSession?.();
    unsubscribeSession = undefined;
    session = undefined;
    sessionProfile = undefined;
    await old?.dispose();
  };

  const sources = resolveProfileSources(options);
  let loaded = loadProfiles(sources, options.policy);
  for (const warning of loaded.warnings) log.warn(warning);
  if (loaded.configError) log.error(`profile configuration error: ${loaded.configError.message}`);

  const profiles: ProfilesStore = createProfilesStore({
    loaded,
    stateFile: path.join(options.userDataDir, 'active-profile.json'),
    onSwitch: async (next, previous) => {
      log.info(`switching profile ${previous?.id ?? '(none)'} -> ${next.id}`);
      await detach();
      attach(next);
      publish(await (session as Session).start());
    },
    onNone: async () => {
      await detach();
      publish(noProfileState(noProfileReason()));
    },
  });
  const userProfiles = createUserProfilesEditor({
    sources,
    loaded: () => loaded,
    reload: async () => {
      loaded = loadProfiles(sources, options.policy);
      for (const warning of loaded.warnings) log.warn(warning);
      return profiles.reload(loaded);
    },
  });

  const noProfileReason = () =>
    loaded.configError
      ? loaded.configError.message
      : 'No sign-in profile is configured. Add a profile file (see the README) and restart.';

  const requireSession = (): Session => {
    if (!session) throw new AppError('CONFIG_INVALID', noProfileReason());
    return session;
  };

  const facade: SessionController = {
    signIn: async (choice) => requireSession().signIn(choice),
    signInLink: async () => (session ? session.signInLink() : null),
    cancelSignIn: async () => session?.cancelSignIn(),
    reopenBrowser: async () => session?.reopenBrowser(),
    addPasskey: async () => {
      const active = profiles.active();
      if (!active) throw new AppError('CONFIG_INVALID', noProfileReason());
      await external.openHostedUi(passkeyAddUrl(active));
    },
    signOut: async (request) => (session ? session.signOut(request) : noProfileState(noProfileReason())),
    getState: () => (session ? session.getState() : noProfileState(noProfileReason())),
    onChanged(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };

  /** A token source that serves only while `bound` is the active session. */
  const boundTo = (bound: Session): AccessTokenSource => {
    const ensureActive = () => {
      if (session !== bound) {
        throw new AppError(
          'CANCELLED',
          'The request was stopped because the profile changed while it was running; nothing was sent again.',
        );
      }
    };
    const guarded = async (get: () => Promise<string>) => {
      ensureActive();
      const token = await get();
      ensureActive(); // switched while the token was being fetched: drop it, send nothing
      return token;
    };
    return {
      getAccessToken: () => guarded(() => bound.getAccessToken()),
      forceRefresh: (rejected) => guarded(() => bound.forceRefresh(rejected)),
      getIdToken: () => guarded(() => bound.getIdToken()),
      forceRefreshIdToken: (rejected) => guarded(() => bound.forceRefreshIdToken(rejected)),
    };
  };

  const api = createApiClient({
    bind: () => {
      const bound = session;
      if (!bound || !sessionProfile) throw new AppError('CONFIG_INVALID', noProfileReason());
      return { apis: sessionProfile.apis, tokens: boundTo(bound) };
    },
    transport,
  });
  const diagnostics = options.chooseDiagnosticsPath
    ? createDiagnosticsExporter({
        chooseSavePath: options.chooseDiagnosticsPath,
        about: () => ui.about(),
        policy: options.policy,
        activeProfile: () => profiles.active(),
        session: () => facade.getState(),
        transport,
        ...(options.keychainCheck ? { keychainCheck: options.keychainCheck } : {}),
        ...(options.logFile ? { logFile: options.logFile } : {}),
      })
    : undefined;
  const handlers = createHandlers({
    session: facade,
    api,
    profiles,
    ui,
    ...(diagnostics ? { diagnostics } : {}),
    ...(options.updates ? { updates: options.updates } : {}),
    ...(options.policy ? { policy: options.policy } : {}),
    userProfiles,
  });

  const initial = profiles.active();
  if (initial) attach(initial);

  const stopWatching = options.isOnline
    ? startOnlineWatcher({
        isOnline: options.isOnline,
        onOnline: () => {
          log.info('network back online: resuming session');
          session?.online();
        },
        ...(options.onlinePollMs === undefined ? {} : { intervalMs: options.onlinePollMs }),
      })
    : () => undefined;

  return {
    profiles,
    handlers,
    external,
    api,
    session: facade,
    ui,
    diagnostics,
    async start() {
      if (!session) return noProfileState(noProfileReason());
      const state = await session.start();
      publish(state);
      return state;
    },
    async handleDeepLink(raw) {
      const active = profiles.active();
      const link = parseDeepLink(raw, {
        ...(active?.redirect.customScheme ? { callback: active.redirect.customScheme } : {}),
        ...(active?.signOutUrl ? { signedOut: active.signOutUrl } : {}),
      });
      if (!link) {
        // Not logged verbatim: it is attacker-controlled text.
        log.warn('deep link ignored: not a registered redirect of the active profile');
        return false;
      }
      if (link.kind === 'signed-out') {
        log.info('Hosted UI sign-out completed');
        return false;
      }
      // The engine attaches its attempt only after the browser was opened; a redirect that comes
      // back very fast can arrive in between, so give a starting sign-in a moment to attach.
      const deadline = Date.now() + DEEP_LINK_ATTACH_WAIT_MS;
      for (;;) {
        const current = session;
        if (current?.handleRedirectUrl(link.url)) return true;
        if (current?.getState().status !== 'signing-in' || Date.now() >= deadline) break;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      log.warn('deep link callback ignored: no sign-in is waiting for it');
      return false;
    },
    resume() {
      log.info('system resumed: resuming session');
      session?.resume();
    },
    online() {
      session?.online();
    },
    async dispose() {
      stopWatching();
      listeners.clear();
      await detach();
    },
  };
}
