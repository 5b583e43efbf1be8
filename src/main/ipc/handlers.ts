import type { SessionController } from '../auth/session-controller';
import type { ProfilesController } from '../config/profiles-controller';
import type { ApiClient } from '../http/api-client';
import { AppError } from '../../shared/errors';
import type { DiagnosticsExporter } from '../diagnostics/diagnostics-export';
import type { PolicyOutcome } from '../policy/effective-policy';
import type { UserProfilesEditor } from '../config/user-profiles';
import { policyView } from '../policy/policy-view';
import { createUiServices, type UiServices } from '../settings/ui-services';
import { UpdateRefusal, type UpdateController } from '../updates/update-controller';
import type { InvokeHandlers } from './handle';
import type { EventEmitter } from './event-broadcaster';
import type { CognitoAdmin } from '../aws/cognito-admin';
import type { AccountOperations } from '../aws/account-operations';

/**
 * One handler per invoke channel, over the session engine, the API client and profile
 * management. No electron here: the arguments arrive already validated by handle(), and
 * the handlers are tested by calling them directly or through an in-process registrar.
 */
export interface HandlerDependencies {
  session: SessionController;
  api: ApiClient;
  profiles: ProfilesController;
  /**
   * Settings, OS languages, About, menu commands. Omitted (tests that do not exercise them):
   * in-memory settings, no OS languages (the page then follows navigator.languages).
   */
  ui?: UiServices;
  /** "Export diagnostics..."; omitted (no save dialog, e.g. tests), the channel refuses. */
  diagnostics?: DiagnosticsExporter;
  /** The update decision layer; omitted, updates are off ("no-feed") and restart is refused. */
  updates?: UpdateController;
  /** The organisation policy read at start; omitted: no policy. */
  policy?: PolicyOutcome;
  /** Settings' add/edit/remove of the user's own profiles; omitted, both are refused. */
  userProfiles?: UserProfilesEditor;
  /**
   * The active profile's AWS side (src/main/aws): the user-pool admin console and the user's own
   * account operations. Each getter throws a coded AppError when the profile has none.
   */
  aws?: { admin(): CognitoAdmin; account(): AccountOperations };
}

export interface AppIpcHandlers {
  invoke: InvokeHandlers;
  /** Forwards session changes to `emit` (the app's windows); returns the unsubscribe. */
  subscribeEvents(emit: EventEmitter): () => void;
}

export function createHandlers({
  session,
  api,
  profiles,
  ui: given,
  diagnostics,
  updates,
  policy,
  userProfiles,
  aws,
}: HandlerDependencies): AppIpcHandlers {
  const awsSide = () => {
    if (!aws) throw new AppError('CONFIG_INVALID', 'This environment has no AWS identity pool.');
    return aws;
  };
  const editor = (): UserProfilesEditor => {
    if (!userProfiles) throw new AppError('CONFIG_INVALID', 'Profiles cannot be changed here.');
    return userProfiles;
  };
  const policyShown = policyView(policy);
  const ui = given ?? createUiServices();
  return {
    invoke: {
      'auth:sign-in': (request) => session.signIn(request),
      'auth:sign-in-again': (request) =>
        session.signInAgain ? session.signInAgain(request) : session.signIn(request),
      'auth:sign-in-link': async () => {
        const url = (await session.signInLink?.()) ?? null;
        return url === null ? null : { url };
      },
      'auth:cancel-sign-in': async () => {
        await session.cancelSignIn();
        return null;
      },
      'auth:reopen-browser': async () => {
        await session.reopenBrowser();
        return null;
      },
      'auth:add-passkey': async () => {
        if (!session.addPasskey) throw new AppError('CONFIG_INVALID', 'Passkeys are not available here.');
        await session.addPasskey();
        return null;
      },
      'auth:sign-out': (request) => session.signOut({ endHostedUiSession: request.endHostedUiSession }),
      'session:get-state': async () => session.getState(),
      'session:retry-now': async () => {
        session.retryNow?.();
        return null;
      },
      'profiles:list': async () => profiles.list(),
      'profiles:switch': (request) => profiles.switchTo(request.profileId),
      'api:request': (request) => api.request(request),
      'api:cancel-request': async (request) => {
        api.cancel(request.requestId);
        return null;
      },
      'system:preferred-languages': async () => ui.preferredSystemLanguages(),
      'app:about': async () => ui.about(),
      'settings:get': async () => ui.settings.get(),
      'settings:update': (request) => ui.settings.update(request),
      'diagnostics:export': async () => {
        if (!diagnostics) throw new AppError('DIAGNOSTICS_NOT_SAVED', 'Diagnostics cannot be exported here.');
        return diagnostics.export();
      },
      'updates:get-state': async () => updates?.state() ?? { status: 'off', reason: 'no-feed' },
      'updates:restart': async () => {
        try {
          if (!updates) throw new UpdateRefusal('UPDATE_NOT_READY', 'No update has been downloaded yet.');
          updates.restartToUpdate();
        } catch (error) {
          if (!(error instanceof UpdateRefusal)) throw error;
          const code = error.code === 'SIGN_IN_IN_PROGRESS' ? 'UPDATE_DURING_SIGN_IN' : 'UPDATE_NOT_READY';
          throw new AppError(code, error.message);
        }
        return null;
      },
      'policy:get': async () => policyShown,
      'profiles:save': (request) => editor().save(request.profile),
      'profiles:remove': (request) => editor().remove(request.profileId),
      'aws:admin-list-users': (request) => awsSide().admin().listUsers(request),
      'aws:admin-get-user': (request) => awsSide().admin().getUser(request.username),
      'aws:admin-list-groups': async () => ({ groups: await awsSide().admin().listGroups() }),
      'aws:admin-change': (request) => awsSide().admin().change(request),
      'account:sign-out-everywhere': () => awsSide().account().signOutEverywhere(),
      'account:list-sessions': () => awsSide().account().listSessions(),
      'account:revoke-session': (request) => awsSide().account().revokeSession(request.sessionId),
    },
    subscribeEvents(emit) {
      const unsubscribers = [
        session.onChanged((state) => emit('session:changed', state)),
        ui.settings.onChanged((view) => emit('settings:changed', view)),
        ui.onCommand((command) => emit('app:command', command)),
        ...(updates ? [updates.onChange((state) => emit('updates:changed', state))] : []),
      ];
      return () => {
        for (const unsubscribe of unsubscribers) unsubscribe();
      };
    },
  };
}
