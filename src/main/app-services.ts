import path from 'node:path';
import { AppError } from '../shared/errors';
import type { AboutInfo } from '../shared/ipc-contract';
import { hostedUiLanguage } from '../shared/languages';
import type { SessionState } from '../shared/session-state';
import { createActiveSession } from './app/active-session';
import { createBoundApiClient } from './app/bound-api';
import { createDeepLinkHandler } from './app/deep-links';
import { applyProfileNetwork } from './app/network';
import { createAppProfiles } from './app/profiles';
import { passkeyAddUrl } from './auth/passkeys';
import { createProviderCache } from './auth/provider-cache';
import { createProviderDiskCache } from './auth/provider-disk-cache';
import { createSession, type CreateSessionOptions, type Session } from './auth/session';
import type { SessionController } from './auth/session-controller';
import type { ProfileSourceInputs } from './config/profile-sources';
import type { ProfilesStore } from './config/profiles-store';
import { createDiagnosticsExporter, type DiagnosticsExporter } from './diagnostics/diagnostics-export';
import type { CheckResult } from './doctor/checks';
import { createExternalOpener, type ExternalOpener } from './external-links';
import type { ApiClient } from './http/api-client';
import { createHandlers, type AppIpcHandlers } from './ipc/handlers';
import type { Logger } from './log/logger';
import { defaultNodeTransport } from './net/default-transport';
import type { NetTransport } from './net/transport';
import { startOnlineWatcher } from './online-watcher';
import { followSessionEnd, type SessionEndNotifier } from './app/session-end-notice';
import { NO_POLICY, type PolicyOutcome } from './policy/effective-policy';
import { SETTINGS_FILE_NAME } from './settings/settings-store';
import { createUiServices, type UiServices } from './settings/ui-services';
import type { ConfirmProfileChange } from './config/profile-change-confirmation';
import type { UpdateController } from './updates/update-controller';
import type { ConfirmPort } from './aws/confirm-port';
import { fileIdentityIdCache, type IdentityIdCache } from './aws/identity-id-cache';
import type { AwsSide } from './aws/aws-side';
import { createAwsCompanion } from './app/aws-companion';

/**
 * The whole app minus Electron: profiles, the session of the active profile, the API client, the
 * IPC handlers, the external-link rules (external-links.ts), deep links and resume. index.ts passes Electron's pieces
 * in (paths, argv, shell.openExternal, net.isOnline) and binds the result to ipcMain, so
 * everything here runs, and is tested, in plain Node.
 *
 * One session exists at a time, for the active profile. Switching profiles disposes it (timers
 * off, pending sign-in cancelled, keychain untouched) and starts the next profile's session, which
 * restores its own keychain entry (`<profileId>:<clientId>`). The handlers talk to a stable
 * facade, so a switch needs no re-registration.
 *
 * The API client does NOT use the facade: each request is bound to the session of the profile
 * active when it started (app/bound-api.ts).
 *
 * This file only wires the rooms: each responsibility is a module of its own under app/ (the live
 * session, profiles, the bound API client, deep links, network settings) or in its room.
 */
export interface AppServicesOptions extends ProfileSourceInputs {
  /** Electron's shell.openExternal. Only ever called through the external-link rules (external-links.ts). */
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
  /**
   * Main's native confirmation of a profile change that alters where tokens or credentials go
   * (config/electron-confirm-dialog.ts in the app; tests answer through a stand-in). Omitted:
   * such changes are refused.
   */
  confirmProfileChange?: ConfirmProfileChange;
  /** The log file whose tail goes into diagnostics. */
  logFile?: string;
  /** Tests replace the diagnostics' keychain check; default: keytar. */
  keychainCheck?: () => Promise<CheckResult>;
  /** The update decision layer (index.ts makes it); omitted, the UI shows updates as off. */
  updates?: UpdateController;
  /**
   * Confirms admin changes and "sign out everywhere": Electron's native dialog in the app
   * (aws/electron-confirm-dialog.ts); omitted, every such change is refused (NOT_CONFIRMED).
   */
  confirm?: ConfirmPort;
  /**
   * The native notification before the session's known end, with "Sign in again"
   * (electron-notifier.ts in the app); omitted, no notice (Home still shows the end).
   */
  notifier?: SessionEndNotifier;
  /** Tests: how long before the end the notice comes; default 10 minutes. */
  sessionEndWarningMs?: number;
  /** Tests: the AWS credentials' margin (ms) and the identity-id cache; default 60 s, a file in userData. */
  aws?: { marginMs?: number; identityCache?: IdentityIdCache };
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

export function createAppServices(options: AppServicesOptions): AppServices {
  const log = options.logger.child('shell');
  const makeSession = options.createSession ?? createSession;
  const transport = options.transport ?? defaultNodeTransport();
  // A policy that failed leaves no profile to attach, so only a valid one is ever read here.
  const policy = options.policy && 'policy' in options.policy ? options.policy.policy : NO_POLICY;
  // One discovery/JWKS cache for every session of this app (a profile switch reuses it), kept in
  // the data folder so that a cold start with a stored session needs neither (issue 29).
  const providers = createProviderCache({
    disk: createProviderDiskCache({ dir: options.userDataDir, logger: options.logger }),
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

  const external = createExternalOpener({
    openExternal: options.openExternal,
    activeHostedUi: () => {
      const profile = profiles.store.active();
      // Managed login 2 (profile managedLogin): /passkeys/add is admitted too (auth/passkeys.ts).
      return profile ? { domain: profile.domain, passkeys: profile.managedLogin === 2 } : undefined;
    },
    log: (line) => log.warn(line),
  });

  const identityCache = options.aws?.identityCache ?? fileIdentityIdCache(options.userDataDir);
  const active = createActiveSession({
    noProfileReason: () => profiles.noProfileReason(),
    create: (profile) => {
      applyProfileNetwork(transport, policy, profile, log);
      return makeSession({
        transport,
        providers,
        hostedUiLanguage: () => hostedUiLanguage(ui.language()),
        allowMemoryOnly: policy.allowMemoryOnlySignIn,
        ...options.sessionOptions,
        // The organisation's fleet spreads its refreshes over the IdP quota (docs/policy.md).
        backoff: {
          ...options.sessionOptions?.backoff,
          ...(policy.refreshSpreadMs > 0 ? { spreadMs: policy.refreshSpreadMs } : {}),
        },
        logger: options.sessionOptions?.logger ?? options.logger,
        profile,
        openExternal: (url) => external.openHostedUi(url),
        dataDir: options.sessionOptions?.dataDir ?? options.userDataDir,
      });
    },
    companion: (profile, session) =>
      createAwsCompanion(profile, session, {
        transport,
        identityCache,
        confirm: options.confirm,
        language: () => ui.language(),
        logger: options.logger,
        ...(options.aws?.marginMs === undefined ? {} : { marginMs: options.aws.marginMs }),
      }),
  });
  const requireAws = (): AwsSide => {
    const side = active.current() ? active.companion()?.side : undefined;
    if (!side) throw new AppError('CONFIG_INVALID', profiles.noProfileReason());
    return side;
  };

  const profiles = createAppProfiles({
    inputs: options,
    policy: options.policy,
    log,
    onSwitch: (next) => active.replace(next),
    onNone: () => active.clear(),
    ...(options.confirmProfileChange ? { confirm: options.confirmProfileChange } : {}),
    signedIn: (id) => active.profile()?.id === id && active.current()?.getState().status === 'signed-in',
    // Wipes memory and keychain, then revokes at the old definition's origin (session sign-out).
    signOut: async () => {
      await active.current()?.signOut({ endHostedUiSession: false });
    },
  });

  const api = createBoundApiClient({ active, transport, noProfileReason: () => profiles.noProfileReason() });
  const diagnostics = options.chooseDiagnosticsPath
    ? createDiagnosticsExporter({
        chooseSavePath: options.chooseDiagnosticsPath,
        about: () => ui.about(),
        policy: options.policy,
        activeProfile: () => profiles.store.active(),
        session: () => active.facade.getState(),
        transitions: () => active.current()?.transitions() ?? [],
        transport,
        ...(options.keychainCheck ? { keychainCheck: options.keychainCheck } : {}),
        identityPool: () => {
          const bound = active.current();
          const owner = active.companion()?.side.credentials;
          if (!bound || !owner || bound.getState().status !== 'signed-in') return undefined;
          return { idToken: () => bound.getIdToken(), view: () => owner.view() };
        },
        ...(options.logFile ? { logFile: options.logFile } : {}),
      })
    : undefined;
  // "Add a passkey..." (account menu): managed login's /passkeys/add in the system browser.
  const sessionController: SessionController = {
    ...active.facade,
    addPasskey: async () => {
      const profile = profiles.store.active();
      if (!profile) throw new AppError('CONFIG_INVALID', profiles.noProfileReason());
      await external.openHostedUi(passkeyAddUrl(profile));
    },
  };
  const handlers = createHandlers({
    session: sessionController,
    api,
    profiles: profiles.store,
    ui,
    ...(diagnostics ? { diagnostics } : {}),
    ...(options.updates ? { updates: options.updates } : {}),
    ...(options.policy ? { policy: options.policy } : {}),
    userProfiles: profiles.userProfiles,
    aws: {
      admin: () => requireAws().admin,
      account: () => requireAws().account,
    },
  });

  const initial = profiles.store.active();
  if (initial) active.attach(initial);

  const stopWatching = options.isOnline
    ? startOnlineWatcher({
        isOnline: options.isOnline,
        onOnline: () => {
          log.info('network back online: resuming session');
          active.current()?.online();
        },
        ...(options.onlinePollMs === undefined ? {} : { intervalMs: options.onlinePollMs }),
      })
    : () => undefined;

  const sessionEnd = options.notifier
    ? followSessionEnd({
        session: active.facade,
        notifier: options.notifier,
        language: () => ui.language(),
        log,
        ...(options.sessionEndWarningMs === undefined ? {} : { leadMs: options.sessionEndWarningMs }),
      })
    : undefined;

  return {
    profiles: profiles.store,
    handlers,
    external,
    api,
    session: active.facade,
    ui,
    diagnostics,
    async start() {
      const session = active.current();
      if (!session) return active.noProfileState();
      const state = active.decorate(await session.start());
      active.publish(state);
      return state;
    },
    handleDeepLink: createDeepLinkHandler({
      activeProfile: () => profiles.store.active(),
      currentSession: () => active.current(),
      log,
    }),
    resume() {
      log.info('system resumed: resuming session');
      active.current()?.resume();
    },
    online() {
      active.current()?.online();
    },
    async dispose() {
      stopWatching();
      sessionEnd?.dispose();
      await active.dispose();
    },
  };
}
