/**
 * The session's recent transitions, token-free by construction: state and event names, a time,
 * and for the timeline the few times it draws (a refresh, a planned retry) and error codes. Kept
 * bounded (the last LIMIT), read by the Home screen's timeline (published with the signed-in
 * state) and the diagnostics bundle. The entry's shape is shared (src/shared/session-timeline.ts).
 */
import { TRANSITION_LOG_LIMIT, type TransitionEntry } from '../../../shared/session-timeline';

export { TRANSITION_LOG_LIMIT, type TransitionEntry };

export interface TransitionLog {
  add(entry: Omit<TransitionEntry, 'seq'>): void;
  entries(): TransitionEntry[];
}

export function createTransitionLog(limit = TRANSITION_LOG_LIMIT): TransitionLog {
  const ring: TransitionEntry[] = [];
  let seq = 0;
  return {
    add(entry) {
      ring.push({ ...entry, seq: seq++ });
      if (ring.length > limit) ring.splice(0, ring.length - limit);
    },
    entries: () => ring.map((e) => ({ ...e })),
  };
}
