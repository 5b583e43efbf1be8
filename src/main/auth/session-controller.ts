import type { SessionState } from '../../shared/session-state';
import type { SignInChoice } from './sign-in-options';

/**
 * What the IPC handlers need from the session engine. Implemented by the session engine
 * (src/main/auth/session.ts); the handlers take it as an argument so they run in plain Node.
 * Methods reject with AppError only.
 */
export interface SessionController {
  /** Starts a sign-in in the system browser (or joins the pending one) and resolves when it ends. */
  signIn(choice?: SignInChoice): Promise<SessionState>;
  /** The pending sign-in's authorize URL (to paste into another browser), or null. */
  signInLink?(): Promise<string | null>;
  /**
   * "Sign in again": a new sign-in in the system browser while the current session goes on; its
   * tokens replace the session only once saved (the old family is then revoked). Signed out, it
   * is a sign-in. Optional so that stand-ins without it need not implement it.
   */
  signInAgain?(choice?: SignInChoice): Promise<SessionState>;
  cancelSignIn(): Promise<void>;
  /** Opens the pending sign-in's authorize URL in the system browser again (closed tab). */
  reopenBrowser(): Promise<void>;
  /** Opens managed login's "add a passkey" page in the system browser (profile managedLogin 2). */
  addPasskey?(): Promise<void>;
  signOut(options: { endHostedUiSession: boolean }): Promise<SessionState>;
  getState(): SessionState;
  /**
   * "Retry now" on the offline banner: the same as the network coming back (the engine's
   * online()): one refresh at once when offline or stale, otherwise nothing. Optional so that
   * stand-ins without an outage need not implement it.
   */
  retryNow?(): void;
  /** Returns an unsubscribe function. Listeners receive token-free states only. */
  onChanged(listener: (state: SessionState) => void): () => void;
}
