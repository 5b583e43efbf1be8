/**
 * "Sign in again" (issue 28: the session's end is near, or the user wants a fresh session): a new
 * sign-in in the system browser while the current session goes on serving callers. The attempt
 * lives beside the session (SignedIn.renewal); nothing changes until it succeeds:
 *
 *   signed-in + sign-in-again-requested -> signed-in, renewal attempt (begin-sign-in); a repeat joins
 *   renewal's tokens arrive             -> signed-in/refreshing: a flight in its saving phase holds them
 *                                          (callers of a refresh in flight join it), save-credential;
 *                                          with a refresh on the wire, once it has answered
 *   that save lands                     -> the new tokens and family replace the session; the
 *                                          replaced refresh token is revoked (bounded); callers hear the state
 *   cancelled / failed / another user   -> signed-in as before; the callers hear why
 *
 * Holding the new tokens in a saving flight is what keeps the keychain right: keychain calls run
 * in the order issued (credential-store.ts), a refresh already saving was issued first, and no
 * refresh can start while the link says refreshing; so the renewal's entry is the last one
 * written. A sign-out or invalid_grant cancels the attempt (rules.ts dropRenewal); a save that
 * lands after a sign-out is undone like any other (transitions-keychain.ts).
 */
import { Secret } from '../token-set';
import type { MachineConfig } from './config';
import { adopt, beginAttempt, error, joinAttempt, MESSAGES, replyAll, settleOvertaken, STATE } from './rules';
import type { Info, RefreshFlight, SignedIn } from './states';
import { refuse, type EventOf, type Result, type Row, type Step } from './table';

export const OTHER_USER: Info = {
  code: 'SIGN_IN_OTHER_USER',
  message: 'You signed in again as another user. Sign out first to switch users; this session goes on.',
};

const without = (s: SignedIn): SignedIn => {
  const { renewal: _done, ...rest } = s;
  return rest;
};

export const signInAgainRequested: Row<'sign-in-again-requested'> = {
  'signed-in': {
    to: [],
    run: (s, e, step) => {
      if (s.renewal)
        return step.to({ ...s, renewal: { ...s.renewal, waiters: [...s.renewal.waiters, e.ticket] } });
      return step.to({ ...s, renewal: beginAttempt(step, e.at, e.ticket, e.choice) });
    },
  },
  // The session ended before the user clicked (a late notification): "Sign in again" is a sign-in.
  'signed-out': {
    to: ['signing-in'],
    run: (p, e, step) => {
      settleOvertaken(step, p.overtaken);
      return step.to({ kind: 'signing-in', attempt: beginAttempt(step, e.at, e.ticket, e.choice) });
    },
  },
  'signing-in': {
    to: [],
    run: (p, e, step) => step.to(joinAttempt(p, e.ticket)),
  },
  restoring: refuse('not-signed-in', () => error(MESSAGES.signInRequired)),
  'signing-out': refuse('signing-out', () => error(MESSAGES.signingOut)),
  disposed: refuse('disposed', () => error(MESSAGES.signInCancelled)),
};

/** sign-in-cancel while signed in: cancels the renewal attempt (too late once its tokens arrived). */
export function renewalCancel(s: SignedIn, step: Step): Result {
  const r = s.renewal;
  if (!r || r.cancelled || r.phase !== 'attempt') return step.to(s);
  step.emit({ kind: 'cancel-sign-in', attemptId: r.id });
  return step.to({ ...s, renewal: { ...r, cancelled: true } });
}

const revokeNew = (step: Step, refreshToken: string) =>
  step.emit({ kind: 'revoke', refreshToken: new Secret(refreshToken) });

/**
 * The renewal's tokens arrived. With a refresh on the wire they wait for its answer (one request
 * at a time, renewalTakesOver); otherwise a flight saving them takes the link at once.
 */
export function renewalSucceeded(s: SignedIn, e: EventOf<'sign-in-succeeded'>, step: Step): Result {
  const r = s.renewal;
  if (r?.id !== e.attemptId || r.phase !== 'attempt') return step.to(s);
  const rest = without(s);
  if (r.cancelled) {
    // The user cancelled, the browser finished anyway: the new family is not wanted.
    revokeNew(step, e.tokens.refreshToken);
    replyAll(step, r.waiters, error(MESSAGES.signInCancelled));
    return step.to(rest);
  }
  const sub = (s.tokens?.user ?? s.user)?.sub;
  if (sub !== undefined && e.tokens.user.sub !== sub) {
    revokeNew(step, e.tokens.refreshToken);
    replyAll(step, r.waiters, error(OTHER_USER));
    step.emit({ kind: 'log', level: 'warn', message: 'sign-in again was another user: not adopted' });
    return step.to(rest);
  }
  if (s.link.kind === 'refreshing' && s.link.flight.phase === 'requesting')
    return step.to({ ...s, renewal: { ...r, phase: 'saving', pending: e.tokens } });
  return saveRenewal(rest, r.waiters, e.tokens, s.refreshToken, step);
}

/**
 * The refresh on the wire answered while renewal tokens waited: they take over whatever it said
 * (its tokens are not adopted, an invalid_grant no longer matters). `replaced`: the old family's
 * live token (the rotated one if the answer rotated), revoked once the renewal is saved.
 */
export function renewalTakesOver(s: SignedIn, replaced: Secret, step: Step): Result | undefined {
  const r = s.renewal;
  if (!r?.pending) return undefined;
  return saveRenewal(without(s), r.waiters, r.pending, replaced, step);
}

function saveRenewal(
  s: SignedIn,
  tickets: readonly number[],
  tokens: NonNullable<SignedIn['tokens']>,
  replaced: Secret,
  step: Step,
): Result {
  const flight: RefreshFlight = {
    id: step.id(),
    forced: false,
    phase: 'saving',
    refreshToken: replaced,
    // Callers of a refresh in flight take the new tokens instead; that refresh's answer is stale.
    waiters: s.link.kind === 'refreshing' ? s.link.flight.waiters : [],
    pending: tokens,
    renewal: { tickets, replaced },
    signedInAt: tokens.receivedAt,
  };
  step.emit({
    kind: 'save-credential',
    owner: { kind: 'flight', id: flight.id },
    tokens,
    signedInAt: tokens.receivedAt,
  });
  return step.to({ ...s, link: { kind: 'refreshing', flight } });
}

/** The renewal's attempt ended without tokens: the session goes on as it was. */
export function renewalFailed(s: SignedIn, e: EventOf<'sign-in-failed'>, step: Step): Result {
  const r = s.renewal;
  if (r?.id !== e.attemptId || r.phase !== 'attempt') return step.to(s);
  const gaveUp = r.cancelled || e.error.code === 'SIGN_IN_CANCELLED';
  replyAll(step, r.waiters, error(gaveUp ? MESSAGES.signInCancelled : e.error));
  step.emit({
    kind: 'log',
    level: 'warn',
    message: 'sign-in again ended without new tokens; the session goes on',
    fields: { code: gaveUp ? 'SIGN_IN_CANCELLED' : e.error.code },
  });
  return step.to(without(s));
}

/** The renewal's tokens are saved: they and their family replace the session. */
export function renewalSaved(
  s: SignedIn,
  flight: RefreshFlight & {
    renewal: NonNullable<RefreshFlight['renewal']>;
    pending: NonNullable<RefreshFlight['pending']>;
  },
  e: EventOf<'credential-saved'>,
  step: Step,
  config: MachineConfig,
): Result {
  const tokens = flight.pending;
  const next = adopt(step, config, { ...s, signedInAt: tokens.receivedAt }, tokens, e, false);
  for (const w of flight.waiters) {
    step.emit({
      kind: 'reply',
      ticket: w.ticket,
      answer: w.wants === 'state' ? STATE : { kind: 'tokens', tokens },
    });
  }
  replyAll(step, flight.renewal.tickets, STATE);
  // The old family is done with: revoked where it was issued (bounded; a failure only logs).
  step.emit(
    { kind: 'revoke', refreshToken: flight.renewal.replaced },
    { kind: 'log', level: 'info', message: 'signed in again: the new session replaced the old one' },
  );
  return step.to(next);
}
