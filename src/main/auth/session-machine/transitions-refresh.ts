/**
 * Refresh: one in flight, shared by every caller; the proactive timer, the retry after a
 * transient failure (offline until then, the old access token served while valid, no request
 * storm), at most one forced refresh per access-token lifetime, and invalid_grant as the only
 * failure that signs out.
 */
import { isFresh, isUnexpired, type MachineConfig } from './config';
import {
  adopt,
  answerWaiters,
  endedReplies,
  dropRenewal,
  error,
  invalidGrantReason,
  join,
  MESSAGES,
  offlineAfter,
  proactiveTimer,
  SESSION_ENDED,
  startFlight,
  wakeTimer,
  wipe,
} from './rules';
import { Secret, type TokenSet } from '../token-set';
import type { Effect } from './effects';
import type { RefreshFailure, RefreshFlight, SessionEvent, SignedIn, Waiter } from './states';
import { renewalTakesOver } from './transitions-renewal';
import { refuse, type PhaseOf, type Result, type Row, type Step } from './table';

const stale = refuse('stale-result');
const signInRequired = refuse('not-signed-in', () => error(MESSAGES.signInRequired));
const ended = refuse('disposed', () => error(MESSAGES.ended));

export const tokenWanted: Row<'token-wanted'> = {
  'signed-in': {
    to: ['signed-in/refreshing'],
    run: (s, e, step, config) => {
      const waiter: Waiter = { ticket: e.ticket, wants: 'tokens', fallback: true };
      const t = s.tokens;
      if (t && isFresh(config, t, e.at)) return step.emit(reply(e.ticket, t)).to(s);
      if (s.link.kind === 'refreshing') return join(step, s, s.link.flight, [waiter]);
      // While offline the backoff holds for callers too: the old token while valid, else unreachable.
      if (s.link.kind === 'offline' && e.at < s.link.nextRetryAt) {
        return step
          .emit(
            t && isUnexpired(t, e.at)
              ? reply(e.ticket, t)
              : { kind: 'reply', ticket: e.ticket, answer: error(MESSAGES.unreachable) },
          )
          .to(s);
      }
      return startFlight(step, s, { forced: false, waiters: [waiter] });
    },
  },
  disposed: ended,
  'signed-out': signInRequired,
  restoring: signInRequired,
  'signing-in': signInRequired,
  'signing-out': signInRequired,
};

const reply = (ticket: number, tokens: NonNullable<SignedIn['tokens']>) =>
  ({ kind: 'reply', ticket, answer: { kind: 'tokens', tokens } }) as const;

export const tokenRejected: Row<'token-rejected'> = {
  'signed-in': {
    to: ['signed-in/refreshing'],
    run: (s, e, step, config) => {
      const waiter: Waiter = { ticket: e.ticket, wants: 'tokens', fallback: false };
      if (s.link.kind === 'refreshing') return join(step, s, s.link.flight, [waiter]);
      const t = s.tokens;
      if (t && e.newer && isFresh(config, t, e.at)) return step.emit(reply(e.ticket, t)).to(s);
      // This lifetime's one forced refresh is spent: the API's rejection is the answer.
      if (s.forcedThisLifetime)
        return step.emit({ kind: 'reply', ticket: e.ticket, answer: error(MESSAGES.forcedSpent) }).to(s);
      return startFlight(step, { ...s, forcedThisLifetime: true }, { forced: true, waiters: [waiter] });
    },
  },
  disposed: ended,
  'signed-out': signInRequired,
  restoring: signInRequired,
  'signing-in': signInRequired,
  'signing-out': signInRequired,
};

export const refreshReady: Row<'refresh-ready'> = {
  'signed-in': {
    to: [],
    run: (s, e, step) => {
      if (
        s.link.kind !== 'refreshing' ||
        s.link.flight.id !== e.flightId ||
        s.link.flight.phase !== 'discovering'
      )
        return step.to(s);
      const flight = s.link.flight;
      const expectSub = (s.tokens?.user ?? s.user)?.sub;
      step.emit({
        kind: 'send-refresh',
        flightId: flight.id,
        refreshToken: flight.refreshToken,
        ...(expectSub === undefined ? {} : { expectSub }),
      });
      return step.to({ ...s, link: { kind: 'refreshing', flight: { ...flight, phase: 'requesting' } } });
    },
  },
  disposed: {
    to: [],
    run: (p, e, step) => {
      // Not sent yet when the session ended: nothing to finish.
      if (p.flight?.id !== e.flightId || p.flight.phase !== 'discovering') return step.to(p);
      answerWaiters(step, p.flight.waiters, { error: MESSAGES.ended, at: e.at });
      return step.to({ kind: 'disposed', ...(p.attempt ? { attempt: p.attempt } : {}) });
    },
  },
  'signed-out': stale,
  restoring: stale,
  'signing-in': stale,
  'signing-out': stale,
};

/** A rotated token is saved with its family's sign-in time (the session's end survives a restart). */
const saveFlight = (flight: RefreshFlight, tokens: TokenSet): Effect => ({
  kind: 'save-credential',
  owner: { kind: 'flight', id: flight.id },
  tokens,
  ...(flight.signedInAt === undefined ? {} : { signedInAt: flight.signedInAt }),
});

/** The refresh's tokens count once saved: at once when not rotated, else after the save. */
export function tokensArrived(
  s: SignedIn,
  e: SessionEvent & { flightId: number; tokens: NonNullable<SignedIn['tokens']> },
  step: Step,
  config: MachineConfig,
): Result {
  if (s.link.kind !== 'refreshing' || s.link.flight.id !== e.flightId || s.link.flight.phase !== 'requesting')
    return step.to(s);
  const flight = s.link.flight;
  const takeover = renewalTakesOver(s, new Secret(e.tokens.refreshToken), step);
  if (takeover) return takeover;
  if (e.tokens.refreshToken !== flight.refreshToken.value) {
    // Rotation: the new refresh token is written before the old one is dropped.
    step.emit(saveFlight(flight, e.tokens));
    return step.to({
      ...s,
      link: { kind: 'refreshing', flight: { ...flight, phase: 'saving', pending: e.tokens } },
    });
  }
  return refreshed(s, flight, e.tokens, e, step, config, false);
}

export function refreshed(
  s: SignedIn,
  flight: { forced: boolean; waiters: readonly Waiter[] },
  tokens: NonNullable<SignedIn['tokens']>,
  e: SessionEvent,
  step: Step,
  config: MachineConfig,
  rotated: boolean,
): Result {
  const next = adopt(step, config, s, tokens, e, flight.forced);
  answerWaiters(step, flight.waiters, { tokens });
  step.emit({
    kind: 'log',
    level: 'info',
    message: 'session refreshed',
    fields: { expiresIn: tokens.lifetimeMs / 1000, rotated, forced: flight.forced },
  });
  return step.to(next);
}

export const refreshSucceeded: Row<'refresh-succeeded'> = {
  'signed-in': { to: ['signed-in/online'], run: tokensArrived },
  disposed: {
    to: [],
    run: (p, e, step) => {
      // A refresh already sent when the app quit still saves its rotated token for the next start.
      const flight = p.flight;
      if (flight?.id !== e.flightId || flight.phase !== 'requesting') return step.to(p);
      if (e.tokens.refreshToken !== flight.refreshToken.value) {
        step.emit(saveFlight(flight, e.tokens));
        return step.to({ ...p, flight: { ...flight, phase: 'saving', pending: e.tokens } });
      }
      answerWaiters(step, flight.waiters, { tokens: e.tokens });
      return step.to({ kind: 'disposed', ...(p.attempt ? { attempt: p.attempt } : {}) });
    },
  },
  'signed-out': stale,
  restoring: stale,
  'signing-in': stale,
  'signing-out': stale,
};

/** A failed refresh (or its save): invalid_grant wipes; anything else keeps the token, offline. */
export function refreshFailedIn(
  s: SignedIn,
  failure: RefreshFailure,
  e: SessionEvent,
  step: Step,
  config: MachineConfig,
): Result {
  if (s.link.kind !== 'refreshing') return step.to(s);
  const flight = s.link.flight;
  if (failure.kind === 'invalid_grant') {
    const reason = invalidGrantReason(config, s, failure.reason, e.at);
    const info = { ...SESSION_ENDED[reason] };
    step.emit({
      kind: 'log',
      level: 'warn',
      message: 'refresh token rejected (invalid_grant): signed out',
      fields: { reason },
    });
    dropRenewal(step, s, info);
    return wipe(step, {
      reason,
      error: info,
      endHostedUi: false,
      tickets: [],
      replies: endedReplies(flight.waiters, info),
    });
  }
  const throttled = failure.kind === 'transient' && failure.throttled;
  const next = offlineAfter(step, config, s, { throttled }, e);
  answerWaiters(step, flight.waiters, { error: failure.error, old: s.tokens, at: e.at });
  step.emit({
    kind: 'log',
    level: 'warn',
    message: 'refresh failed, will retry',
    fields: {
      code: failure.error.code,
      message: failure.error.message,
      retryInMs: next.link.kind === 'offline' ? next.link.timer.delayMs : 0,
    },
  });
  return step.to(next);
}

export const refreshFailed: Row<'refresh-failed'> = {
  'signed-in': {
    to: ['signed-in/offline', 'signing-out'],
    run: (s, e, step, config) =>
      s.link.kind === 'refreshing' && s.link.flight.id === e.flightId && s.link.flight.phase !== 'saving'
        ? (renewalTakesOver(s, s.refreshToken, step) ?? refreshFailedIn(s, e.failure, e, step, config))
        : step.to(s),
  },
  disposed: {
    to: [],
    run: (p, e, step) => {
      // Dispose never clears the keychain: an invalid_grant is met again (and wiped) at the next start.
      if (p.flight?.id !== e.flightId || p.flight.phase === 'saving') return step.to(p);
      const info = e.failure.kind === 'invalid_grant' ? { ...SESSION_ENDED.expired } : e.failure.error;
      answerWaiters(step, p.flight.waiters, { error: info, at: e.at });
      return step.to({ kind: 'disposed', ...(p.attempt ? { attempt: p.attempt } : {}) });
    },
  },
  'signed-out': stale,
  restoring: stale,
  'signing-in': stale,
  'signing-out': stale,
};

const staleTimer = refuse('stale-timer');

export const timerFired: Row<'timer-fired'> = {
  'signed-in': {
    to: ['signed-in/refreshing', 'signed-in/online'],
    run: (s, e, step, config) => {
      if (s.link.kind === 'refreshing' || s.link.timer?.id !== e.timerId) return step.to(s);
      // A turn that comes after a caller already got a fresh token sends nothing.
      if (s.link.kind === 'waking' && s.tokens && isFresh(config, s.tokens, e.at)) {
        return step.to({ ...s, link: { kind: 'online', timer: proactiveTimer(step, config, s.tokens, e) } });
      }
      return startFlight(step, s, { forced: false, waiters: [] });
    },
  },
  'signed-out': staleTimer,
  restoring: staleTimer,
  'signing-in': staleTimer,
  'signing-out': staleTimer,
  disposed: staleTimer,
};

const needsRefresh = (s: SignedIn, config: MachineConfig, at: number) =>
  !s.tokens || !isFresh(config, s.tokens, at) || s.link.kind === 'offline';

export const resume: Row<'resume'> = {
  'signed-in': {
    to: ['signed-in/waking', 'signed-in/refreshing', 'signed-in/online'],
    run: (s, e, step, config) => {
      if (s.link.kind === 'refreshing') return step.to({ ...s, attempt: 0 });
      if (needsRefresh(s, config, e.at)) {
        const reset = { ...s, attempt: 0 };
        const wake = wakeTimer(step, config, e);
        if (wake) return step.to({ ...reset, link: { kind: 'waking', timer: wake } });
        return startFlight(step, reset, { forced: false, waiters: [] });
      }
      // After sleep the timer may be late or gone: plan the proactive refresh again.
      return step.to({ ...s, link: { kind: 'online', timer: proactiveTimer(step, config, s.tokens!, e) } });
    },
  },
  'signed-out': refuse('not-signed-in'),
  restoring: refuse('not-signed-in'),
  'signing-in': refuse('not-signed-in'),
  'signing-out': refuse('not-signed-in'),
  disposed: refuse('disposed'),
};

export const online: Row<'online'> = {
  'signed-in': {
    to: ['signed-in/refreshing'],
    run: (s, e, step, config) => {
      if (s.link.kind === 'refreshing') return step.to({ ...s, attempt: 0 });
      if (!needsRefresh(s, config, e.at)) return step.to(s);
      return startFlight(step, { ...s, attempt: 0 }, { forced: false, waiters: [] });
    },
  },
  'signed-out': refuse('not-signed-in'),
  restoring: refuse('not-signed-in'),
  'signing-in': refuse('not-signed-in'),
  'signing-out': refuse('not-signed-in'),
  disposed: refuse('disposed'),
};

export type { PhaseOf };
