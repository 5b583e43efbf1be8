/**
 * The rules several transitions share: starting a refresh, adopting tokens, scheduling the
 * proactive refresh, the retry after a failure, and the wipe that sign-out and invalid_grant
 * both are. Pure: times come from the event, randomness from its draws.
 */
import { retryDelay, wakeDelay } from '../backoff';
import { Secret, type TokenSet } from '../token-set';
import {
  effectiveMargin,
  isUnexpired,
  MIN_REFRESH_TOKEN_VALIDITY_MS,
  SESSION_END_SLACK_MS,
  sessionEndsAt,
  type MachineConfig,
} from './config';
import type { SignInChoice } from '../sign-in-options';
import type {
  Answer,
  Attempt,
  Info,
  Link,
  Overtaken,
  Phase,
  RefreshFlight,
  SessionEvent,
  SignedIn,
  Ticket,
  TimerSpec,
  Waiter,
} from './states';
import type { Result, Step } from './table';
import type { SignedOutReason } from '../../../shared/session-state';

export const MESSAGES = {
  signInRequired: { code: 'SIGN_IN_REQUIRED', message: 'Sign in to continue.' },
  signedOutWhileRefreshing: { code: 'SIGN_IN_REQUIRED', message: 'Signed out while refreshing the session.' },
  signedOut: { code: 'SIGN_IN_REQUIRED', message: 'Signed out.' },
  ended: {
    code: 'CANCELLED',
    message: 'This sign-in session has ended (the app is quitting or the profile changed).',
  },
  signInCancelled: { code: 'SIGN_IN_CANCELLED', message: 'Sign-in was cancelled.' },
  signingOut: {
    code: 'SIGN_IN_CANCELLED',
    message: 'The session is signing out; sign in again in a moment.',
  },
  unreachable: {
    code: 'IDP_UNREACHABLE',
    message: 'The sign-in service cannot be reached; retrying shortly.',
  },
  corrupt: {
    code: 'SIGN_IN_REQUIRED',
    message: 'The saved session could not be read and was removed. Sign in again.',
  },
  forcedSpent: {
    code: 'TOKEN_INVALID',
    message: 'The API rejected the token again after the session was refreshed for it; not refreshing again.',
    status: 401,
  },
  keychainEntryLeft: {
    code: 'KEYCHAIN_ENTRY_LEFT',
    message:
      'You are signed out, but the saved sign-in could not be removed from the keychain. ' +
      'The app will remove it the next time it starts; you can also delete it in your keychain app.',
  },
} as const satisfies Record<string, Info>;

export const error = (info: Info): Answer => ({ kind: 'error', error: { ...info } });
export const STATE: Answer = { kind: 'state' };

export const replyAll = (step: Step, tickets: readonly Ticket[], answer: Answer): void => {
  for (const ticket of tickets) step.emit({ kind: 'reply', ticket, answer });
};

/** What a refresh's waiters get when it ends with `tokens`, or `failure` (old token as fallback). */
export function answerWaiters(
  step: Step,
  waiters: readonly Waiter[],
  outcome: { tokens: TokenSet } | { error: Info; old?: TokenSet | undefined; at: number },
): void {
  for (const w of waiters) {
    let answer: Answer;
    if (w.wants === 'state') answer = STATE;
    else if ('tokens' in outcome) answer = { kind: 'tokens', tokens: outcome.tokens };
    else if (w.fallback && outcome.old && isUnexpired(outcome.old, outcome.at)) {
      answer = { kind: 'tokens', tokens: outcome.old };
    } else answer = error(outcome.error);
    step.emit({ kind: 'reply', ticket: w.ticket, answer });
  }
}

/** signed-in with a refresh in flight (discovery first); `waiters` wait for its end. */
export function startFlight(
  step: Step,
  s: SignedIn,
  how: { forced: boolean; waiters: readonly Waiter[] },
): Result {
  const flight: RefreshFlight = {
    id: step.id(),
    forced: how.forced,
    phase: 'discovering',
    refreshToken: s.refreshToken,
    waiters: how.waiters,
    ...(s.signedInAt === undefined ? {} : { signedInAt: s.signedInAt }),
  };
  step.emit({ kind: 'discover-for-refresh', flightId: flight.id });
  return step.to({ ...s, link: { kind: 'refreshing', flight } });
}

/** Adds waiters to the refresh in flight. */
export function join(step: Step, s: SignedIn, flight: RefreshFlight, waiters: readonly Waiter[]): Result {
  return step.to({
    ...s,
    link: { kind: 'refreshing', flight: { ...flight, waiters: [...flight.waiters, ...waiters] } },
  });
}

/**
 * The proactive refresh: shortly ahead of the staleness point, so callers rarely wait, yet each
 * token serves nearly its whole lifetime. The lead is jittered so clients signed in together do not
 * refresh in lockstep, and refreshes land at varied sub-second phases (which sharpens the expiry
 * estimate).
 */
export function proactiveTimer(
  step: Step,
  config: MachineConfig,
  t: TokenSet,
  event: SessionEvent,
): TimerSpec {
  const r = Math.min(1, Math.max(0, event.rand[0]));
  const lead = Math.min(config.marginMs, t.lifetimeMs / 20) * (0.5 + 0.5 * r);
  const at = t.accessTokenExpiresAt - effectiveMargin(config, t) - lead;
  return { id: step.id(), purpose: 'proactive', at: Math.round(at), delayMs: at - event.at };
}

/** The fleet's background wait (restore, resume), or undefined on one machine. */
export function wakeTimer(step: Step, config: MachineConfig, event: SessionEvent): TimerSpec | undefined {
  const delay = wakeDelay({ ...config.backoff, random: () => event.rand[0] });
  if (delay <= 0) return undefined;
  return { id: step.id(), purpose: 'wake', at: event.at + delay, delayMs: delay };
}

/**
 * New tokens become current: online, the proactive refresh planned, the retry state reset. A
 * refresh keeps its family's sign-in time (and a "Sign in again" in progress); a sign-in (no
 * `before`) starts a family when its code exchange was sent.
 */
export function adopt(
  step: Step,
  config: MachineConfig,
  before: SignedIn | undefined,
  tokens: TokenSet,
  event: SessionEvent,
  forced: boolean,
): SignedIn {
  const signedInAt = before ? before.signedInAt : tokens.receivedAt;
  return {
    kind: 'signed-in',
    tokens,
    refreshToken: new Secret(tokens.refreshToken),
    user: tokens.user,
    lastRefreshAt: event.at,
    link: { kind: 'online', timer: proactiveTimer(step, config, tokens, event) },
    attempt: 0,
    throttledStreak: 0,
    ...(before?.fleetPhase === undefined ? {} : { fleetPhase: before.fleetPhase }),
    forcedThisLifetime: forced,
    ...(signedInAt === undefined ? {} : { signedInAt }),
    ...(before?.renewal ? { renewal: before.renewal } : {}),
  };
}

/**
 * Why an invalid_grant ended the session. The one cause the app knows of its own is the session's
 * known end (first sign-in + the profile's sessionLifetime): reached, it expired. Before it, or in a
 * family younger than any Cognito pool lets a refresh token live, nothing here caused it: the pool
 * evicted the session (its per-user limit) or the user signed out on another device. With no end
 * known and an older family, the pool's own words decide (revoked when it says so, else expired).
 */
export function invalidGrantReason(
  config: MachineConfig,
  s: Pick<SignedIn, 'signedInAt'>,
  said: 'expired' | 'revoked',
  at: number,
): 'expired' | 'revoked' | 'signed-out-elsewhere' {
  const end = sessionEndsAt(config, s.signedInAt);
  if (end !== undefined) return at >= end - SESSION_END_SLACK_MS ? 'expired' : 'signed-out-elsewhere';
  if (s.signedInAt !== undefined && at - s.signedInAt < MIN_REFRESH_TOKEN_VALIDITY_MS)
    return 'signed-out-elsewhere';
  return said;
}

/** What the signed-out screen and every waiting caller are told, per reason (code SESSION_EXPIRED). */
export const SESSION_ENDED: Record<'expired' | 'revoked' | 'signed-out-elsewhere', Info> = {
  expired: { code: 'SESSION_EXPIRED', message: 'Your session has expired. Sign in again.' },
  revoked: { code: 'SESSION_EXPIRED', message: 'Your session was revoked. Sign in again.' },
  'signed-out-elsewhere': {
    code: 'SESSION_EXPIRED',
    message:
      "You were signed out: your organisation's session limit was reached or you signed out on another device.",
  },
};

/** After a transient failure: offline until the retry the backoff picks (backoff.ts). */
export function offlineAfter(
  step: Step,
  config: MachineConfig,
  s: SignedIn,
  failure: { throttled: boolean },
  event: SessionEvent,
): SignedIn {
  const fleetPhase = config.backoff.spreadMs ? (s.fleetPhase ?? event.rand[0]) : s.fleetPhase;
  const delay = retryDelay(s.attempt, {
    ...config.backoff,
    random: () => event.rand[1],
    throttled: failure.throttled,
    throttledStreak: s.throttledStreak,
    now: event.at,
    ...(fleetPhase === undefined ? {} : { phase: fleetPhase }),
  });
  const link: Link = {
    kind: 'offline',
    nextRetryAt: event.at + delay,
    timer: { id: step.id(), purpose: 'retry', at: event.at + delay, delayMs: delay },
  };
  return {
    ...s,
    link,
    attempt: s.attempt + 1,
    throttledStreak: failure.throttled ? s.throttledStreak + 1 : 0,
    ...(fleetPhase === undefined ? {} : { fleetPhase }),
  };
}

/**
 * Sign-out or a dead refresh token: memory is dropped now, the keychain entry removed next; the
 * state is published as signed out only once the removal is done (or known to have failed).
 */
export function wipe(
  step: Step,
  how: {
    reason: SignedOutReason;
    error?: Info;
    refreshToken?: Secret;
    endHostedUi: boolean;
    tickets: readonly Ticket[];
    replies: ReadonlyArray<{ ticket: Ticket; answer: Answer }>;
    overtaken?: Overtaken | undefined;
  },
): Result {
  const clearId = step.id();
  step.emit({ kind: 'clear-credential', clearId });
  const phase: Phase = {
    kind: 'signing-out',
    clearId,
    reason: how.reason,
    ...(how.error ? { error: how.error } : {}),
    ...(how.refreshToken ? { refreshToken: how.refreshToken } : {}),
    endHostedUi: how.endHostedUi,
    tickets: how.tickets,
    replies: how.replies,
    ...(how.overtaken ? { overtaken: how.overtaken } : {}),
  };
  return step.to(phase);
}

/** Answers the callers of an overtaken sign-in (its save never landed, or was undone). */
export function settleOvertaken(step: Step, overtaken: Overtaken | undefined): void {
  if (overtaken) replyAll(step, overtaken.waiters, error(MESSAGES.signedOut));
}

/** The replies owed to a refresh's waiters when the session ends under it. */
export function endedReplies(
  waiters: readonly Waiter[],
  info: Info,
): Array<{ ticket: Ticket; answer: Answer }> {
  return waiters.map((w) => ({ ticket: w.ticket, answer: w.wants === 'state' ? STATE : error(info) }));
}

/** A session that ends under a "Sign in again" ends that too: its browser attempt is cancelled, its callers told. */
export function dropRenewal(step: Step, s: SignedIn, info: Info): void {
  const r = s.renewal;
  if (!r) return;
  if (r.phase === 'attempt' && !r.cancelled) step.emit({ kind: 'cancel-sign-in', attemptId: r.id });
  if (r.pending) step.emit({ kind: 'revoke', refreshToken: new Secret(r.pending.refreshToken) });
  replyAll(step, r.waiters, error(info));
}

/** A new sign-in attempt (its browser opened by begin-sign-in), waited for by `ticket`. */
export function beginAttempt(step: Step, at: number, ticket: Ticket, choice: SignInChoice): Attempt {
  const attempt: Attempt = {
    id: step.id(),
    startedAt: at,
    phase: 'attempt',
    cancelled: false,
    waiters: [ticket],
  };
  step.emit({ kind: 'begin-sign-in', attemptId: attempt.id, choice });
  return attempt;
}

/** A repeat sign-in request joins the attempt in progress. */
export const joinAttempt = (p: { kind: 'signing-in'; attempt: Attempt }, ticket: Ticket) =>
  ({ ...p, attempt: { ...p.attempt, waiters: [...p.attempt.waiters, ticket] } }) as const;
