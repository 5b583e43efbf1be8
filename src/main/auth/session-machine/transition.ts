/**
 * The transition function: `(state, event) -> { state, effects }`, pure (no I/O, no clock, no
 * randomness beyond the event's own draws). The table is assembled from one file per concern.
 */
import type { MachineConfig } from './config';
import type { MachineState, SessionEvent } from './states';
import { isRefusal, Step, type Cell, type Result, type Table } from './table';
import { credentialCleared, credentialSaved } from './transitions-keychain';
import { disposeRow, signOutRequested } from './transitions-end';
import {
  online,
  refreshFailed,
  refreshReady,
  refreshSucceeded,
  resume,
  timerFired,
  tokenRejected,
  tokenWanted,
} from './transitions-refresh';
import { credentialLoaded, revokeFinished, start } from './transitions-restore';
import { signInAgainRequested } from './transitions-renewal';
import { signInCancel, signInFailed, signInRequested, signInSucceeded } from './transitions-sign-in';
import type { EventType, PhaseKind } from './states';

export const TABLE: Table = {
  start,
  'credential-loaded': credentialLoaded,
  'sign-in-requested': signInRequested,
  'sign-in-again-requested': signInAgainRequested,
  'sign-in-cancel': signInCancel,
  'sign-in-succeeded': signInSucceeded,
  'sign-in-failed': signInFailed,
  'token-wanted': tokenWanted,
  'token-rejected': tokenRejected,
  'refresh-ready': refreshReady,
  'refresh-succeeded': refreshSucceeded,
  'refresh-failed': refreshFailed,
  'credential-saved': credentialSaved,
  'credential-cleared': credentialCleared,
  'revoke-finished': revokeFinished,
  'timer-fired': timerFired,
  resume,
  online,
  'sign-out-requested': signOutRequested,
  dispose: disposeRow,
};

export type Outcome = Result & { refused?: string };

export function cellFor(kind: PhaseKind, type: EventType): Cell<PhaseKind, EventType> {
  return (TABLE[type] as Record<PhaseKind, Cell<PhaseKind, EventType>>)[kind];
}

export function transition(config: MachineConfig, state: MachineState, event: SessionEvent): Outcome {
  const cell = cellFor(state.phase.kind, event.type);
  if (isRefusal(cell)) {
    const answer = cell.answer?.();
    const ticket = 'ticket' in event ? event.ticket : undefined;
    return {
      state,
      effects: answer && ticket !== undefined ? [{ kind: 'reply', ticket, answer }] : [],
      refused: cell.refuse,
    };
  }
  return cell.run(state.phase as never, event as never, new Step(state), config);
}
