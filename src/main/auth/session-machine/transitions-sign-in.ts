/**
 * Sign-in: one attempt at a time (a repeat request joins it), cancel is the outcome whatever a
 * step failed with meanwhile, and new tokens are saved to the keychain before they count.
 */
import { beginAttempt, error, joinAttempt, MESSAGES, replyAll, settleOvertaken, STATE } from './rules';
import { renewalCancel, renewalFailed, renewalSucceeded } from './transitions-renewal';
import { refuse, type PhaseOf, type Result, type Row, type Step } from './table';

const stale = refuse('stale-result');

export const signInRequested: Row<'sign-in-requested'> = {
  'signed-out': {
    to: ['signing-in'],
    run: (p, e, step) => {
      settleOvertaken(step, p.overtaken);
      return step.to({ kind: 'signing-in', attempt: beginAttempt(step, e.at, e.ticket, e.choice) });
    },
  },
  restoring: {
    to: ['signing-in'],
    run: (p, e, step) => {
      // The user signs in before the keychain answered: the restore is given up (its answer is stale).
      replyAll(step, p.waiters, STATE);
      return step.to({ kind: 'signing-in', attempt: beginAttempt(step, e.at, e.ticket, e.choice) });
    },
  },
  'signing-in': {
    to: [],
    run: (p, e, step) => step.to(joinAttempt(p, e.ticket)),
  },
  'signed-in': refuse('already-signed-in', () => STATE),
  'signing-out': refuse('signing-out', () => error(MESSAGES.signingOut)),
  disposed: refuse('disposed', () => error(MESSAGES.signInCancelled)),
};

const noAttempt = refuse('no-attempt');

export const signInCancel: Row<'sign-in-cancel'> = {
  'signing-in': {
    to: [],
    run: (p, _e, step) => {
      // Once the tokens are being saved the sign-in has happened: too late to cancel.
      if (p.attempt.phase !== 'attempt' || p.attempt.cancelled) return step.to(p);
      step.emit({ kind: 'cancel-sign-in', attemptId: p.attempt.id });
      return step.to({ ...p, attempt: { ...p.attempt, cancelled: true } });
    },
  },
  'signed-out': noAttempt,
  restoring: noAttempt,
  'signed-in': { to: [], run: (s, _e, step) => renewalCancel(s, step) },
  'signing-out': noAttempt,
  disposed: noAttempt,
};

const cancelled = (step: Step, waiters: readonly number[]) => {
  replyAll(step, waiters, error(MESSAGES.signInCancelled));
  step.emit({
    kind: 'log',
    level: 'warn',
    message: 'sign-in ended without a session',
    fields: { code: 'SIGN_IN_CANCELLED' },
  });
};

/** The attempt a dispose cancelled has ended: its callers hear SIGN_IN_CANCELLED. */
function endDisposedAttempt(p: PhaseOf<'disposed'>, e: { attemptId: number }, step: Step): Result {
  if (p.attempt?.id !== e.attemptId) return step.to(p);
  cancelled(step, p.attempt.waiters);
  return step.to({ kind: 'disposed', ...(p.flight ? { flight: p.flight } : {}) });
}

export const signInSucceeded: Row<'sign-in-succeeded'> = {
  'signing-in': {
    to: ['signed-out'],
    run: (p, e, step) => {
      if (e.attemptId !== p.attempt.id || p.attempt.phase !== 'attempt') return step.to(p);
      if (p.attempt.cancelled) {
        cancelled(step, p.attempt.waiters);
        return step.to({ kind: 'signed-out', reason: 'none' });
      }
      step.emit({
        kind: 'save-credential',
        owner: { kind: 'attempt', id: p.attempt.id },
        tokens: e.tokens,
        signedInAt: e.tokens.receivedAt,
      });
      return step.to({ ...p, attempt: { ...p.attempt, phase: 'saving', pending: e.tokens } });
    },
  },
  disposed: { to: [], run: endDisposedAttempt },
  'signed-out': stale,
  restoring: stale,
  'signed-in': { to: ['signed-in/refreshing'], run: (s, e, step) => renewalSucceeded(s, e, step) },
  'signing-out': stale,
};

export const signInFailed: Row<'sign-in-failed'> = {
  'signing-in': {
    to: ['signed-out'],
    run: (p, e, step) => {
      if (e.attemptId !== p.attempt.id || p.attempt.phase !== 'attempt') return step.to(p);
      if (p.attempt.cancelled || e.error.code === 'SIGN_IN_CANCELLED') {
        cancelled(step, p.attempt.waiters);
        return step.to({ kind: 'signed-out', reason: 'none' });
      }
      replyAll(step, p.attempt.waiters, error(e.error));
      step.emit({
        kind: 'log',
        level: 'warn',
        message: 'sign-in ended without a session',
        fields: { code: e.error.code, message: e.error.message },
      });
      return step.to({
        kind: 'signed-out',
        reason: 'error',
        error: { code: e.error.code, message: e.error.message },
      });
    },
  },
  disposed: { to: [], run: endDisposedAttempt },
  'signed-out': stale,
  restoring: stale,
  'signed-in': { to: [], run: (s, e, step) => renewalFailed(s, e, step) },
  'signing-out': stale,
};
