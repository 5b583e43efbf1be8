/**
 * The session's states and events, as data. A state says everything the session is doing: which
 * sign-in attempt or refresh is in flight (by id), who waits for its answer (tickets), which timer
 * should run. Work whose result comes back to a state that no longer names it is discarded by
 * construction: no counters decide it. Tokens sit only in TokenSet / Secret (private fields), so a
 * state or event never prints one; the transition log (transition-log.ts) records names only.
 *
 * To extend the machine: add a phase or event type here (and its name to PHASE_KINDS /
 * EVENT_TYPES), then a cell for it in every concern's table (transition-*.ts). The table tests and
 * the diagram (docs/session.md) follow from the table.
 */
import type { SessionUser, SignedOutReason } from '../../../shared/session-state';
import type { LoadResult } from '../credential-store';
import type { SignInChoice } from '../sign-in-options';
import type { Secret, TokenSet } from '../token-set';

/** A token-free, coded message (an error or warning the state carries). */
export interface Info {
  code: string;
  message: string;
  status?: number;
}

/** A caller waiting for an answer (a public method's promise); the runner holds the promise. */
export type Ticket = number;

/** What a waiter gets: the published state, tokens, or a coded error. */
export type Answer =
  { kind: 'state' } | { kind: 'tokens'; tokens: TokenSet } | { kind: 'error'; error: Info };

/**
 * A caller of a refresh: `state` (start) wants the state once the refresh ended; `tokens` wants
 * the new tokens, or with `fallback` the old access token while it is valid after a transient
 * failure (getAccessToken); a forced refresh has no fallback.
 */
export interface Waiter {
  ticket: Ticket;
  wants: 'state' | 'tokens';
  fallback: boolean;
}

/** A timer the state wants running; a new id is a new timer, a fired id no state names is stale. */
export interface TimerSpec {
  id: number;
  purpose: 'proactive' | 'retry' | 'wake';
  at: number;
  delayMs: number;
}

/** One refresh in flight: discovery, then the token request, then saving a rotated token. */
export interface RefreshFlight {
  id: number;
  forced: boolean;
  phase: 'discovering' | 'requesting' | 'saving';
  refreshToken: Secret;
  waiters: readonly Waiter[];
  /** While saving: the verified tokens that become current once saved. */
  pending?: TokenSet;
  /**
   * A "Sign in again" whose new tokens this flight saves (transitions-renewal.ts): once saved
   * they replace the session, its callers hear the state, and the replaced refresh token is revoked.
   */
  renewal?: { tickets: readonly Ticket[]; replaced: Secret };
  /** When the family being refreshed began (SignedIn.signedInAt): saved beside a rotated token. */
  signedInAt?: number;
}

export type Link =
  | { kind: 'online'; timer?: TimerSpec }
  /** A fleet's background restore or resume waiting its turn (published as refreshing). */
  | { kind: 'waking'; timer: TimerSpec }
  | { kind: 'refreshing'; flight: RefreshFlight }
  | { kind: 'offline'; nextRetryAt: number; timer: TimerSpec };

export interface Attempt {
  id: number;
  startedAt: number;
  phase: 'attempt' | 'saving';
  cancelled: boolean;
  waiters: readonly Ticket[];
  pending?: TokenSet;
}

export interface SignedIn {
  kind: 'signed-in';
  tokens?: TokenSet;
  refreshToken: Secret;
  /** The last known user (stored beside the refresh token): shown before the first token. */
  user?: SessionUser;
  lastRefreshAt: number;
  link: Link;
  /** Failed refreshes in a row, and throttled answers in a row (backoff.ts). */
  attempt: number;
  throttledStreak: number;
  /** This client's retry slot in the fleet's spread, drawn at the first need. */
  fleetPhase?: number;
  /** A forced refresh (an API rejected the token) already ran in this access token's lifetime. */
  forcedThisLifetime: boolean;
  /**
   * Local epoch ms when this refresh-token family began (the sign-in's code exchange; kept in the
   * keychain entry): with the profile's sessionLifetime it gives the session's end (config.ts).
   */
  signedInAt?: number;
  /**
   * "Sign in again" in progress (transitions-renewal.ts): a new sign-in in the browser while this
   * session goes on serving; it replaces the session only once its tokens are saved.
   */
  renewal?: Attempt;
}

/**
 * A sign-in whose keychain save a wipe overtook: its callers are answered when the save lands
 * (and is undone), so nothing the sign-in wrote outlives their answer.
 */
export interface Overtaken {
  owner: SaveOwner;
  waiters: readonly Ticket[];
}

export type Phase =
  | { kind: 'signed-out'; reason: SignedOutReason; error?: Info; warning?: Info; overtaken?: Overtaken }
  | {
      kind: 'restoring';
      step: 'loading' | 'revoking' | 'removing';
      waiters: readonly Ticket[];
      /** removing: the keychain removal this state waits for. */
      clearId?: number;
      refreshToken?: Secret;
      /**
       * Why the entry is revoked and removed instead of restored: an earlier sign-out could not
       * remove it, or it was issued for another provider (bound elsewhere, or bound to nothing).
       */
      discard?: 'removal-pending' | 'mismatch' | 'unbound';
    }
  | { kind: 'signing-in'; attempt: Attempt }
  | SignedIn
  | {
      /** Wiping memory and keychain (sign-out or a dead refresh token); published once done. */
      kind: 'signing-out';
      clearId: number;
      reason: SignedOutReason;
      error?: Info;
      refreshToken?: Secret;
      endHostedUi: boolean;
      /** signOut() callers: answered once the remote session is ended too. */
      tickets: readonly Ticket[];
      /** Other callers answered once the keychain removal is done. */
      replies: ReadonlyArray<{ ticket: Ticket; answer: Answer }>;
      overtaken?: Overtaken;
    }
  | {
      /** Quit or profile switch: never a sign-out. Only work already sent is let finish. */
      kind: 'disposed';
      flight?: RefreshFlight;
      attempt?: Attempt;
    };

export interface MachineState {
  phase: Phase;
  /** The next id for an attempt, flight, timer or removal. */
  nextId: number;
}

export type PhaseKind = Phase['kind'];
export const PHASE_KINDS = [
  'signed-out',
  'restoring',
  'signing-in',
  'signed-in',
  'signing-out',
  'disposed',
] as const;

/** A state's name in the log and the diagram: the phase, and for signed-in its connectivity. */
export type StateName =
  | Exclude<PhaseKind, 'signed-in'>
  | 'signed-in/online'
  | 'signed-in/waking'
  | 'signed-in/refreshing'
  | 'signed-in/offline';
export const STATE_NAMES: readonly StateName[] = [
  'signed-out',
  'restoring',
  'signing-in',
  'signed-in/online',
  'signed-in/waking',
  'signed-in/refreshing',
  'signed-in/offline',
  'signing-out',
  'disposed',
];

export function stateName(phase: Phase): StateName {
  return phase.kind === 'signed-in' ? `signed-in/${phase.link.kind}` : phase.kind;
}

export type RefreshFailure =
  | { kind: 'invalid_grant'; reason: 'expired' | 'revoked' }
  | { kind: 'transient'; error: Info; throttled: boolean }
  /** Not sent: the session ended before the request went out. */
  | { kind: 'cancelled'; error: Info };

/** Whose keychain save finished. */
export type SaveOwner = { kind: 'flight' | 'attempt'; id: number };

export type EventBody =
  | { type: 'start'; ticket: Ticket }
  | { type: 'credential-loaded'; result: LoadResult }
  | { type: 'sign-in-requested'; ticket: Ticket; choice: SignInChoice }
  /** "Sign in again": signed in, a new sign-in that keeps the current session until it succeeds. */
  | { type: 'sign-in-again-requested'; ticket: Ticket; choice: SignInChoice }
  | { type: 'sign-in-cancel' }
  | { type: 'sign-in-succeeded'; attemptId: number; tokens: TokenSet }
  | { type: 'sign-in-failed'; attemptId: number; error: Info }
  | { type: 'token-wanted'; ticket: Ticket }
  /** An API rejected a token; `newer`: the current token is not the rejected one. */
  | { type: 'token-rejected'; ticket: Ticket; newer: boolean }
  | { type: 'refresh-ready'; flightId: number }
  | { type: 'refresh-succeeded'; flightId: number; tokens: TokenSet }
  | { type: 'refresh-failed'; flightId: number; failure: RefreshFailure }
  | { type: 'credential-saved'; owner: SaveOwner; error?: Info }
  | { type: 'credential-cleared'; clearId: number; ok: boolean }
  | { type: 'revoke-finished'; outcome: 'revoked' | 'failed' | 'timeout' }
  | { type: 'timer-fired'; timerId: number }
  | { type: 'resume' }
  | { type: 'online' }
  | { type: 'sign-out-requested'; ticket: Ticket; endHostedUi: boolean }
  | { type: 'dispose' };

export type EventType = EventBody['type'];
export const EVENT_TYPES: readonly EventType[] = [
  'start',
  'credential-loaded',
  'sign-in-requested',
  'sign-in-again-requested',
  'sign-in-cancel',
  'sign-in-succeeded',
  'sign-in-failed',
  'token-wanted',
  'token-rejected',
  'refresh-ready',
  'refresh-succeeded',
  'refresh-failed',
  'credential-saved',
  'credential-cleared',
  'revoke-finished',
  'timer-fired',
  'resume',
  'online',
  'sign-out-requested',
  'dispose',
];

/** Every event carries when it happened and two random draws, so transitions stay pure. */
export type SessionEvent = EventBody & { at: number; rand: readonly [number, number] };

export const INITIAL_STATE: MachineState = { phase: { kind: 'signed-out', reason: 'none' }, nextId: 1 };
