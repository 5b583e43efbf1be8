/**
 * The session's recent transitions, token-free by construction: state and event names, a time,
 * and for the timeline the few times it draws (a refresh, a planned retry) and error codes. Kept
 * bounded (the last LIMIT), read by the Home screen's timeline and the diagnostics bundle.
 */
import { z } from 'zod';

export const TRANSITION_LOG_LIMIT = 64;

export const TransitionEntrySchema = z
  .object({
    seq: z.number().int(),
    at: z.number(),
    event: z.string().max(40),
    from: z.string().max(40),
    to: z.string().max(40),
    /** When offline: the retry planned (epoch ms). */
    nextRetryAt: z.number().optional(),
    /** When a refresh or sign-in brought new tokens: that moment (epoch ms). */
    refreshedAt: z.number().optional(),
    /** The user's `sub` while signed in (not a secret; whose timeline this is). */
    sub: z.string().max(256).optional(),
    code: z.string().max(64).optional(),
  })
  .strict();
export type TransitionEntry = z.infer<typeof TransitionEntrySchema>;
export const TransitionLogSchema = z.array(TransitionEntrySchema).max(TRANSITION_LOG_LIMIT);

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
