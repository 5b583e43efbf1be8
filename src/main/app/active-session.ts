import { AppError } from '../../shared/errors';
import { SessionStateSchema, type SessionState } from '../../shared/session-state';
import type { Session } from '../auth/session';
import type { SessionController } from '../auth/session-controller';
import type { ResolvedProfile } from '../config/profile';

/**
 * The one live session: the active profile's, or none.
 *
 *   createActiveSession({ create, noProfileReason }) -> ActiveSession
 *     create(profile)      makes the session of a profile (app-services.ts says how)
 *     facade               the SessionController the handlers use: always the live session, so
 *                          a profile switch needs no re-registration; it hands out no tokens
 *     replace(profile)     dispose the live session (keychain untouched), make the next, start it
 *     clear()              dispose the live session; the state says why there is none
 *
 * Listeners subscribe to the facade, not to a session, so they survive a switch.
 */
export interface ActiveSession {
  readonly facade: SessionController;
  /** The live session, undefined without a profile. */
  current(): Session | undefined;
  /** The profile the live session was made for (its APIs bind API requests). */
  profile(): ResolvedProfile | undefined;
  attach(profile: ResolvedProfile): void;
  replace(profile: ResolvedProfile): Promise<void>;
  clear(): Promise<void>;
  publish(state: SessionState): void;
  /** The state shown while no session exists. */
  noProfileState(): SessionState;
  /** Stops publishing and disposes the live session. */
  dispose(): Promise<void>;
}

export interface ActiveSessionOptions {
  create(profile: ResolvedProfile): Session;
  /** Why no session exists: the configuration error, or that no profile is configured. */
  noProfileReason(): string;
}

export function noProfileState(reason: string): SessionState {
  return SessionStateSchema.parse({
    status: 'signed-out',
    reason: 'error',
    error: { code: 'CONFIG_INVALID', message: reason.slice(0, 1000) },
    storage: { kind: 'keychain' },
  });
}

export function createActiveSession(options: ActiveSessionOptions): ActiveSession {
  let session: Session | undefined;
  let sessionProfile: ResolvedProfile | undefined;
  let unsubscribeSession: (() => void) | undefined;
  const listeners = new Set<(state: SessionState) => void>();
  const publish = (state: SessionState) => {
    for (const listener of listeners) listener(state);
  };
  const none = () => noProfileState(options.noProfileReason());

  const attach = (profile: ResolvedProfile) => {
    session = options.create(profile);
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

  const requireSession = (): Session => {
    if (!session) throw new AppError('CONFIG_INVALID', options.noProfileReason());
    return session;
  };

  const facade: SessionController = {
    signIn: async (choice) => requireSession().signIn(choice),
    signInLink: async () => (session ? session.signInLink() : null),
    cancelSignIn: async () => session?.cancelSignIn(),
    reopenBrowser: async () => session?.reopenBrowser(),
    signOut: async (request) => (session ? session.signOut(request) : none()),
    getState: () => (session ? session.getState() : none()),
    onChanged(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };

  return {
    facade,
    current: () => session,
    profile: () => sessionProfile,
    attach,
    async replace(profile) {
      await detach();
      attach(profile);
      publish(await (session as Session).start());
    },
    async clear() {
      await detach();
      publish(none());
    },
    publish,
    noProfileState: none,
    async dispose() {
      listeners.clear();
      await detach();
    },
  };
}
