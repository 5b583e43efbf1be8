/**
 * The two ways a session ends, kept apart: sign-out wipes memory and keychain first (then
 * revokes, bounded, then optionally ends the Hosted UI session); dispose (quit, profile switch)
 * is not a sign-out: it never touches the keychain and lets only work already sent finish.
 */
import { endedReplies, error, MESSAGES, replyAll, settleOvertaken, STATE, wipe } from './rules';
import { Secret } from '../token-set';
import type { Answer, Overtaken, Phase, Ticket } from './states';
import { refuse, type Result, type Row, type Step } from './table';

type Reply = { ticket: Ticket; answer: Answer };

/** Who is waiting in `p` and what a sign-out tells them. */
function signOutReplies(p: Phase): { replies: Reply[]; cancelAttempt?: number; overtaken?: Overtaken } {
  if (p.kind === 'restoring') return { replies: p.waiters.map((ticket) => ({ ticket, answer: STATE })) };
  if (p.kind === 'signing-in') {
    if (p.attempt.phase === 'saving') {
      return {
        replies: [],
        overtaken: { owner: { kind: 'attempt', id: p.attempt.id }, waiters: p.attempt.waiters },
      };
    }
    const replies = p.attempt.waiters.map((ticket) => ({ ticket, answer: error(MESSAGES.signInCancelled) }));
    return { replies, cancelAttempt: p.attempt.id };
  }
  if (p.kind === 'signed-out') return { replies: [], ...(p.overtaken ? { overtaken: p.overtaken } : {}) };
  if (p.kind === 'signed-in') {
    // A "Sign in again" in progress ends with the session; a renewal being saved is undone.
    const renewing = p.renewal?.waiters ?? [];
    const saving = p.link.kind === 'refreshing' ? (p.link.flight.renewal?.tickets ?? []) : [];
    const replies = [...renewing, ...saving].map((ticket) => ({
      ticket,
      answer: error(MESSAGES.signInCancelled),
    }));
    if (p.link.kind === 'refreshing')
      replies.push(...endedReplies(p.link.flight.waiters, MESSAGES.signedOutWhileRefreshing));
    const r = p.renewal;
    return { replies, ...(r?.phase === 'attempt' && !r.cancelled ? { cancelAttempt: r.id } : {}) };
  }
  return { replies: [] };
}

const signOut = (p: Phase, e: { ticket: Ticket; endHostedUi: boolean }, step: Step): Result => {
  const { replies, cancelAttempt, overtaken } = signOutReplies(p);
  if (cancelAttempt !== undefined) step.emit({ kind: 'cancel-sign-in', attemptId: cancelAttempt });
  // The new family a renewal is saving is revoked too: signing out ends every session this app holds.
  if (p.kind === 'signed-in') {
    const saving = p.link.kind === 'refreshing' && p.link.flight.renewal ? p.link.flight.pending : undefined;
    for (const t of [saving, p.renewal?.pending])
      if (t) step.emit({ kind: 'revoke', refreshToken: new Secret(t.refreshToken) });
  }
  return wipe(step, {
    reason: 'user',
    ...(p.kind === 'signed-in' ? { refreshToken: p.refreshToken } : {}),
    endHostedUi: e.endHostedUi,
    tickets: [e.ticket],
    replies,
    overtaken,
  });
};
const signOutMove = { to: ['signing-out'] as const, run: signOut };

export const signOutRequested: Row<'sign-out-requested'> = {
  'signed-out': signOutMove,
  restoring: signOutMove,
  'signing-in': signOutMove,
  'signed-in': signOutMove,
  'signing-out': {
    to: [],
    run: (p, e, step) => step.to({ ...p, tickets: [...p.tickets, e.ticket] }),
  },
  disposed: refuse('disposed', () => STATE),
};

const dispose = (p: Phase, _e: unknown, step: Step): Result => {
  step.emit(
    { kind: 'close-signed-out-page' },
    { kind: 'log', level: 'info', message: 'session disposed', fields: { from: p.kind } },
  );
  if (p.kind === 'signed-in') {
    // A "Sign in again" still in the browser is cancelled and let end; one already holding its
    // tokens has nothing left to run: its callers hear the end now.
    const r = p.renewal;
    const inBrowser = r?.phase === 'attempt' ? r : undefined;
    if (inBrowser && !inBrowser.cancelled) step.emit({ kind: 'cancel-sign-in', attemptId: inBrowser.id });
    if (r && !inBrowser) replyAll(step, r.waiters, error(MESSAGES.ended));
    return step.to({
      kind: 'disposed',
      ...(p.link.kind === 'refreshing' ? { flight: p.link.flight } : {}),
      ...(inBrowser ? { attempt: { ...inBrowser, cancelled: true } } : {}),
    });
  }
  if (p.kind === 'signing-in') {
    if (p.attempt.phase === 'attempt') step.emit({ kind: 'cancel-sign-in', attemptId: p.attempt.id });
    return step.to({ kind: 'disposed', attempt: { ...p.attempt, cancelled: true } });
  }
  if (p.kind === 'restoring') {
    for (const ticket of p.waiters) step.emit({ kind: 'reply', ticket, answer: STATE });
  }
  if (p.kind === 'signing-out' || p.kind === 'signed-out') settleOvertaken(step, p.overtaken);
  if (p.kind === 'signing-out') {
    // The keychain removal already sent goes on; its callers are told now.
    for (const r of p.replies) step.emit({ kind: 'reply', ticket: r.ticket, answer: r.answer });
    for (const ticket of p.tickets) step.emit({ kind: 'reply', ticket, answer: STATE });
  }
  return step.to({ kind: 'disposed' });
};
const disposeMove = { to: ['disposed'] as const, run: dispose };

export const disposeRow: Row<'dispose'> = {
  'signed-out': disposeMove,
  restoring: disposeMove,
  'signing-in': disposeMove,
  'signed-in': disposeMove,
  'signing-out': disposeMove,
  disposed: refuse('already-disposed'),
};
