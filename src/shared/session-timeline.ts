/**
 * The session's recent transitions as they cross into the renderer (Home timeline) and into the
 * diagnostics bundle: state and event names, times, the user's `sub` and error codes only. The
 * strict schema is what keeps a token out: an entry has no field that could hold one.
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

/**
 * The entries of the current signed-in stretch: from the transition that entered signed-in (a
 * sign-in or a restore) on. What the Home timeline draws; earlier users' stretches stay in main.
 */
export function currentSignedInRun(entries: readonly TransitionEntry[]): TransitionEntry[] {
  let start = entries.length;
  while (start > 0 && entries[start - 1]!.to.startsWith('signed-in/')) start -= 1;
  return entries.slice(start);
}
