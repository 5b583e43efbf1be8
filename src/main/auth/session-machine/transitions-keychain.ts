/**
 * The keychain's answers: a save makes the saved tokens current (or, if the session was wiped
 * meanwhile, is undone: the sign-out wins); a removal ends a wipe, published only now, so whoever
 * sees "signed out" may rely on the entry being gone, or on the warning saying it is not.
 */
import { adopt, error, MESSAGES, replyAll, settleOvertaken, STATE } from './rules';
import type { Phase } from './states';
import { refuse, type EventOf, type Result, type Row, type Step } from './table';
import { refreshed, refreshFailedIn } from './transitions-refresh';
import { renewalSaved } from './transitions-renewal';

/** A save that lands after a wipe: the entry it wrote is removed again (the wipe's clear may have run first). */
const undo = {
  to: [] as const,
  run: (p: Phase, e: EventOf<'credential-saved'>, step: Step): Result => {
    step.emit({ kind: 'clear-credential', clearId: step.id() });
    if (
      (p.kind === 'signed-out' || p.kind === 'signing-out') &&
      p.overtaken?.owner.id === e.owner.id &&
      p.overtaken.owner.kind === e.owner.kind
    ) {
      settleOvertaken(step, p.overtaken);
      const { overtaken: _done, ...rest } = p;
      return step.to(rest);
    }
    return step.to(p);
  },
};

export const credentialSaved: Row<'credential-saved'> = {
  'signing-in': {
    to: ['signed-in/online', 'signed-out'],
    run: (p, e, step, config) => {
      const a = p.attempt;
      if (e.owner.kind !== 'attempt' || e.owner.id !== a.id || a.phase !== 'saving' || !a.pending)
        return step.to(p);
      if (e.error) {
        replyAll(step, a.waiters, error(e.error));
        return step.to({
          kind: 'signed-out',
          reason: 'error',
          error: { code: e.error.code, message: e.error.message },
        });
      }
      const next = adopt(step, config, undefined, a.pending, e, false);
      replyAll(step, a.waiters, STATE);
      step.emit({ kind: 'log', level: 'info', message: 'signed in' });
      return step.to(next);
    },
  },
  'signed-in': {
    to: ['signed-in/online', 'signed-in/offline'],
    run: (s, e, step, config) => {
      if (s.link.kind !== 'refreshing') return step.to(s);
      const flight = s.link.flight;
      if (
        e.owner.kind !== 'flight' ||
        e.owner.id !== flight.id ||
        flight.phase !== 'saving' ||
        !flight.pending
      )
        return step.to(s);
      if (e.error) {
        // A renewal the keychain refused: the current session goes on (retrying like a failed save).
        if (flight.renewal) replyAll(step, flight.renewal.tickets, error(e.error));
        return refreshFailedIn(s, { kind: 'transient', error: e.error, throttled: false }, e, step, config);
      }
      if (flight.renewal)
        return renewalSaved(
          s,
          { ...flight, renewal: flight.renewal, pending: flight.pending },
          e,
          step,
          config,
        );
      return refreshed(s, flight, flight.pending, e, step, config, true);
    },
  },
  disposed: {
    to: [],
    run: (p, e, step) => {
      // Saved for the next start (dispose never clears); the callers get their answer.
      if (
        e.owner.kind === 'flight' &&
        p.flight?.id === e.owner.id &&
        p.flight.phase === 'saving' &&
        p.flight.pending
      ) {
        const tokens = p.flight.pending;
        // A renewal saved as the app quit: the next start restores it; its callers hear the end.
        if (p.flight.renewal) replyAll(step, p.flight.renewal.tickets, error(MESSAGES.ended));
        for (const w of p.flight.waiters) {
          step.emit({
            kind: 'reply',
            ticket: w.ticket,
            answer: w.wants === 'state' ? STATE : e.error ? error(e.error) : { kind: 'tokens', tokens },
          });
        }
        return step.to({ kind: 'disposed', ...(p.attempt ? { attempt: p.attempt } : {}) });
      }
      if (e.owner.kind === 'attempt' && p.attempt?.id === e.owner.id) {
        replyAll(step, p.attempt.waiters, error(MESSAGES.signInCancelled));
        return step.to({ kind: 'disposed', ...(p.flight ? { flight: p.flight } : {}) });
      }
      return step.to(p);
    },
  },
  'signed-out': undo,
  'signing-out': undo,
  restoring: undo,
};

const stale = refuse('stale-result');

export const credentialCleared: Row<'credential-cleared'> = {
  'signing-out': {
    to: ['signed-out'],
    run: (p, e, step) => {
      if (e.clearId !== p.clearId) return step.to(p);
      if (!e.ok)
        step.emit({
          kind: 'log',
          level: 'warn',
          message: 'could not remove the keychain entry; recorded for removal at the next start',
        });
      if (p.refreshToken || p.endHostedUi || p.tickets.length > 0) {
        // The callers a sign-out overtook hear it together with the sign-out's own caller.
        step.emit({
          kind: 'end-remote-session',
          ...(p.refreshToken ? { refreshToken: p.refreshToken } : {}),
          hostedUiLogout: p.endHostedUi,
          tickets: p.tickets,
          replies: p.replies,
        });
      } else {
        for (const r of p.replies) step.emit({ kind: 'reply', ticket: r.ticket, answer: r.answer });
      }
      return step.to({
        kind: 'signed-out',
        ...(p.overtaken ? { overtaken: p.overtaken } : {}),
        reason: p.reason,
        ...(p.error ? { error: p.error } : {}),
        ...(e.ok ? {} : { warning: { ...MESSAGES.keychainEntryLeft } }),
      });
    },
  },
  restoring: {
    to: ['signed-out'],
    run: (p, e, step) => {
      if (p.step !== 'removing' || e.clearId !== p.clearId) return step.to(p);
      const foreign = p.discard === 'mismatch' || p.discard === 'unbound';
      step.emit(
        foreign
          ? {
              // Token-free: the reason and the outcome, never the token or the origins.
              kind: 'log',
              level: 'warn',
              message: 'a saved sign-in made for another sign-in service was not used',
              fields: { reason: p.discard, removed: e.ok },
            }
          : {
              kind: 'log',
              level: 'info',
              message: 'removed a keychain entry left by an earlier sign-out',
              fields: { removed: e.ok },
            },
      );
      replyAll(step, p.waiters, STATE);
      return step.to({
        kind: 'signed-out',
        reason: 'none',
        ...(e.ok ? {} : { warning: { ...MESSAGES.keychainEntryLeft } }),
      });
    },
  },
  'signed-out': stale,
  'signing-in': stale,
  'signed-in': stale,
  disposed: stale,
};
