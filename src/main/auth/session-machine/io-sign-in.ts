/**
 * The sign-in effects: one attempt (sign-in-flow.ts) per begin-sign-in, its handle kept here for
 * the calls that reach the browser or the redirect (reopen, link, custom-scheme URL). An attempt
 * always reports its end after its listener closed.
 */
import { AppError } from '../../../shared/errors';
import { closeSignedOutPage } from '../sign-out-remote';
import { authorizeParamsFor, type SignInChoice } from '../sign-in-options';
import { startSignInAttempt, type SignInAttempt } from '../sign-in-flow';
import { toInfo, type IoDeps } from './io-deps';
import type { EventBody } from './states';

interface Running {
  handle?: SignInAttempt;
  cancelled: boolean;
  cancel(): void;
  whenCancelled: Promise<never>;
  /** Settles once the handle exists (its browser opened) or the attempt ended without one. */
  started: Promise<void>;
  ended: Promise<void>;
}

const cancelledError = () => new AppError('SIGN_IN_CANCELLED', 'Sign-in was cancelled.');

export interface SignInIo {
  begin(attemptId: number, choice: SignInChoice): void;
  cancel(attemptId: number): void;
  running(attemptId: number): Running | undefined;
}

export function createSignInIo(deps: IoDeps, dispatch: (event: EventBody) => void): SignInIo {
  const attempts = new Map<number, Running>();

  const run = async (id: number, entry: Running, choice: SignInChoice, markStarted: () => void) => {
    try {
      await deps.store.init();
      if (deps.allowMemoryOnly === false && deps.store.storage.kind === 'memory') {
        throw new AppError(
          'MEMORY_SIGN_IN_NOT_ALLOWED',
          'Your organisation does not allow signing in without the system keychain, and no keychain is available.',
        );
      }
      // The sign-out page may hold a port the sign-in wants: a new sign-in makes it moot.
      await closeSignedOutPage();
      // A cancel does not wait for a hung discovery (shared, it goes on to its own time bound).
      const { oidc, verifier } = await Promise.race([deps.getOidc(), entry.whenCancelled]);
      if (entry.cancelled) throw cancelledError();
      const handle = await startSignInAttempt({
        profile: deps.profile,
        authorizeParams: authorizeParamsFor(deps.profile, choice, undefined),
        oidc,
        verifier,
        openExternal: deps.openExternal,
        clock: deps.clock,
        expiry: deps.expiry,
        timeoutMs: deps.signInMs,
        logger: deps.log,
        uiLanguage: deps.hostedUiLanguage?.(),
      });
      entry.handle = handle;
      markStarted();
      if (entry.cancelled) handle.cancel();
      const tokens = await handle.result;
      await handle.closed;
      dispatch({ type: 'sign-in-succeeded', attemptId: id, tokens });
    } catch (err) {
      await entry.handle?.closed;
      dispatch({ type: 'sign-in-failed', attemptId: id, error: toInfo(err) });
    } finally {
      markStarted();
      attempts.delete(id);
    }
  };

  return {
    begin(attemptId, choice) {
      let rejectCancelled!: (err: AppError) => void;
      let markStarted!: () => void;
      const whenCancelled = new Promise<never>((_, reject) => (rejectCancelled = reject));
      whenCancelled.catch(() => undefined); // read only by races; never unhandled
      const entry: Running = {
        cancelled: false,
        whenCancelled,
        cancel() {
          entry.cancelled = true;
          rejectCancelled(cancelledError());
          entry.handle?.cancel();
        },
        started: new Promise<void>((resolve) => (markStarted = resolve)),
        ended: Promise.resolve(),
      };
      attempts.set(attemptId, entry);
      entry.ended = run(attemptId, entry, choice, markStarted);
    },
    cancel(attemptId) {
      attempts.get(attemptId)?.cancel();
    },
    running: (attemptId) => attempts.get(attemptId),
  };
}
