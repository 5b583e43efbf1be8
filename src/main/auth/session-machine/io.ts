/**
 * Performs the machine's effects and feeds their outcomes back as events. Nothing here decides:
 * every choice was made by the transition that asked for the effect.
 */
import type { Effect } from './effects';
import { toInfo, type IoDeps } from './io-deps';
import { refreshFailure, sendRefresh } from './io-refresh';
import { createSignInIo, type SignInIo } from './io-sign-in';
import { closeSignedOutPage, endRemoteSession, revokeBounded, type RemoteDeps } from '../sign-out-remote';
import type { Answer, EventBody, Ticket } from './states';
import { sessionBindingOf, type LoadResult } from '../credential-store';
import { revokeWhereIssued } from '../foreign-session';

export interface EffectIo {
  perform(effect: Effect): void;
  readonly signIn: SignInIo;
  /** Effects still running (dispose waits for the ones already sent). */
  idle(): Promise<void>;
}

export function createEffectIo(
  deps: IoDeps,
  dispatch: (event: EventBody) => void,
  reply: (ticket: Ticket, answer: Answer) => void,
): EffectIo {
  const signIn = createSignInIo(deps, dispatch);
  const remote: RemoteDeps = { ...deps };
  const running = new Set<Promise<unknown>>();
  const track = (work: Promise<unknown>) => {
    running.add(work);
    void work.finally(() => running.delete(work));
  };
  const later = (work: () => Promise<EventBody | undefined>) =>
    track(
      work().then(
        (event) => event && dispatch(event),
        (err: unknown) => deps.log.error('session effect failed', { message: toInfo(err).message }),
      ),
    );

  const perform = (effect: Effect): void => {
    switch (effect.kind) {
      case 'reply':
        return reply(effect.ticket, effect.answer);
      case 'log':
        return deps.log[effect.level](effect.message, effect.fields);
      case 'load-credential':
        return later(async () => {
          let result: LoadResult;
          try {
            await deps.store.init();
            // Bound: an entry issued for another provider answers `mismatch`, never `found`.
            result = await deps.store.load(sessionBindingOf(deps.profile));
          } catch {
            result = { kind: 'corrupt' };
          }
          return { type: 'credential-loaded', result };
        });
      case 'save-credential':
        return later(async () => {
          try {
            // Bound to where it came from: only a profile with the same issuer, domain and client uses it.
            await deps.store.save({
              refreshToken: effect.tokens.refreshToken,
              user: effect.tokens.user,
              binding: sessionBindingOf(deps.profile),
              ...(effect.signedInAt === undefined ? {} : { signedInAt: effect.signedInAt }),
            });
            return { type: 'credential-saved', owner: effect.owner };
          } catch (err) {
            return {
              type: 'credential-saved',
              owner: effect.owner,
              error: toInfo(err, 'The keychain refused the sign-in.'),
            };
          }
        });
      case 'clear-credential':
        return later(async () => {
          const ok = await deps.store.clear().then(
            () => true,
            () => false,
          );
          return { type: 'credential-cleared', clearId: effect.clearId, ok };
        });
      case 'revoke':
        return later(async () => ({
          type: 'revoke-finished',
          outcome: effect.at
            ? await revokeWhereIssued(effect.at, effect.refreshToken.value, {
                transport: deps.transport,
                timeoutMs: deps.revokeMs,
                clock: deps.clock,
              })
            : await revokeBounded(remote, effect.refreshToken.value),
        }));
      case 'begin-sign-in':
        return signIn.begin(effect.attemptId, effect.choice);
      case 'cancel-sign-in':
        return signIn.cancel(effect.attemptId);
      case 'discover-for-refresh':
        return later(async () => {
          try {
            await deps.getOidc();
            return { type: 'refresh-ready', flightId: effect.flightId };
          } catch (err) {
            return { type: 'refresh-failed', flightId: effect.flightId, failure: refreshFailure(err) };
          }
        });
      case 'send-refresh':
        return later(() =>
          sendRefresh(deps, {
            flightId: effect.flightId,
            refreshToken: effect.refreshToken.value,
            ...(effect.expectSub === undefined ? {} : { expectSub: effect.expectSub }),
          }),
        );
      case 'end-remote-session':
        return later(async () => {
          await endRemoteSession(remote, {
            refreshToken: effect.refreshToken?.value,
            hostedUiLogout: effect.hostedUiLogout,
          });
          for (const r of effect.replies) reply(r.ticket, r.answer);
          for (const ticket of effect.tickets) reply(ticket, { kind: 'state' });
          return undefined;
        });
      case 'close-signed-out-page':
        return track(closeSignedOutPage());
    }
  };

  return {
    perform,
    signIn,
    async idle() {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
  };
}
