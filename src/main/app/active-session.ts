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
 *
 * A companion (the profile's AWS side) is made with each session and disposed before it, so
 * nothing of it outlives its session or profile; it sees every state first and may add what a
 * person may see of it to the published state (`decorate`).
 */
export interface SessionCompanion {
  decorate(state: SessionState): SessionState;
  sessionChanged(state: SessionState): void;
  /** The companion's own changes publish the session's state again. */
  onChanged(listener: () => void): () => void;
  dispose(): void;
}

export interface ActiveSession<C extends SessionCompanion = SessionCompanion> {
  readonly facade: SessionController;
  /** The live session, undefined without a profile. */
  current(): Session | undefined;
  /** The profile the live session was made for (its APIs bind API requests). */
  profile(): ResolvedProfile | undefined;
  /** The live session's companion, if the options make one. */
  companion(): C | undefined;
  /** The state as published: the session's, with what the companion adds. */
  decorate(state: SessionState): SessionState;
  attach(profile: ResolvedProfile): void;
  replace(profile: ResolvedProfile): Promise<void>;
  clear(): Promise<void>;
  publish(state: SessionState): void;
  /** The state shown while no session exists. */
  noProfileState(): SessionState;
  /** Stops publishing and disposes the live session. */
  dispose(): Promise<void>;
}

export interface ActiveSessionOptions<C extends SessionCompanion = SessionCompanion> {
  create(profile: ResolvedProfile): Session;
  companion?(profile: ResolvedProfile, session: Session): C;
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

export function createActiveSession<C extends SessionCompanion = SessionCompanion>(
  options: ActiveSessionOptions<C>,
): ActiveSession<C> {
  let session: Session | undefined;
  let sessionProfile: ResolvedProfile | undefined;
  let companion: C | undefined;
  let unsubscribeSession: (() => void) | undefined;
  const listeners = new Set<(state: SessionState) => void>();
  const publish = (state: SessionState) => {
    for (const listener of listeners) listener(state);
  };
  const none = () => noProfileState(options.noProfileReason());

  const decorate = (state: SessionState) => (companion ? companion.decorate(state) : state);

  const attach = (profile: ResolvedProfile) => {
    const attached = options.create(profile);
    const made = options.companion?.(profile, attached);
    session = attached;
    sessionProfile = profile;
    companion = made;
    const offSession = attached.onChanged((state) => {
      made?.sessionChanged(state);
      publish(decorate(state));
    });
    const offCompanion = made?.onChanged(() => {
      if (session === attached) publish(decorate(attached.getState()));
    });
    unsubscribeSession = () => {
      offSession();
      offCompanion?.();
    };
  };

  const detach = async () => {
    const old = session;
    unsubscribeSession?.();
    unsubscribeSession = undefined;
    session = undefined;
    sessionProfile = undefined;
    // Dropped before the session goes: no credential outlives its session or profile.
    companion?.dispose();
    companion = undefined;
    await old?.dispose();
  };

  const requireSession = (): Session => {
    if (!session) throw new AppError('CONFIG_INVALID', options.noProfileReason());
    return session;
  };

  const facade: SessionController = {
    signIn: async (choice) => decorate(await requireSession().signIn(choice)),
    signInAgain: async (choice) => decorate(await requireSession().signInAgain(choice)),
    signInLink: async () => (session ? session.signInLink() : null),
    cancelSignIn: async () => session?.cancelSignIn(),
    reopenBrowser: async () => session?.reopenBrowser(),
    signOut: async (request) => (session ? session.signOut(request) : none()),
    getState: () => (session ? decorate(session.getState()) : none()),
    retryNow: () => session?.online(),
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
    companion: () => companion,
    decorate,
    attach,
    async replace(profile) {
      await detach();
      attach(profile);
      publish(decorate(await (session as Session).start()));
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
