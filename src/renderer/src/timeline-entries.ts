import type { SessionState } from '../../shared/session-state';
import type { SessionHistory } from './session-history';

/**
 * What the session timeline draws: a plain list of token-free entries (a time, a kind, an
 * optional label and, for spans, an end). The timeline component knows nothing about where they
 * come from: today `timelineEntries()` derives them from the session state and the renderer's
 * SessionHistory; a transition log published by main's session state machine can feed the same
 * shape without the component changing.
 */
export const TIMELINE_KINDS = [
  'signed-in',
  'refreshed',
  'next-refresh',
  'access-expiry',
  'session-end',
  'offline',
  'retry',
] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

export interface TimelineEntry {
  /** Epoch ms on the local clock. */
  at: number;
  kind: TimelineKind;
  /** Extra words from the source (e.g. a transition's reason); shown in the tooltip and the text list. */
  label?: string;
  /** For spans (`offline`): epoch ms it ended; undefined while it lasts. */
  until?: number;
}

type SignedIn = Extract<SessionState, { status: 'signed-in' }>;

/**
 * The entries for one signed-in session: the first token response this run saw ("signed in"),
 * the later refreshes, the planned refresh, the access token's expiry, the session's end when a
 * source knows it (`sessionEndsAt`), and the offline periods with their retries. Sorted by time.
 */
export function timelineEntries(
  session: SignedIn,
  history: SessionHistory,
  options: { sessionEndsAt?: number } = {},
): TimelineEntry[] {
  const tokenStart = session.lastRefreshAt;
  const responses = history.refreshes.filter((r) => r <= tokenStart);
  const entries: TimelineEntry[] = responses.map((at, i) => ({
    at,
    kind: i === 0 ? 'signed-in' : 'refreshed',
  }));
  if (session.nextRefreshAt !== undefined) entries.push({ at: session.nextRefreshAt, kind: 'next-refresh' });
  if (session.accessTokenExpiresAt > 0)
    entries.push({ at: session.accessTokenExpiresAt, kind: 'access-expiry' });
  if (options.sessionEndsAt !== undefined) entries.push({ at: options.sessionEndsAt, kind: 'session-end' });
  for (const period of history.offline) {
    entries.push({
      at: period.from,
      kind: 'offline',
      ...(period.to === undefined ? {} : { until: period.to }),
    });
    for (const retry of period.retries) entries.push({ at: retry, kind: 'retry' });
  }
  return entries.sort((a, b) => a.at - b.at);
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const TICK_STEPS = [
  SECOND,
  2 * SECOND,
  5 * SECOND,
  10 * SECOND,
  15 * SECOND,
  30 * SECOND,
  MINUTE,
  2 * MINUTE,
  5 * MINUTE,
  10 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  2 * HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  24 * HOUR,
];

/**
 * Axis ticks for [start, end]: the smallest round step that gives at most `maxTicks` ticks, at
 * multiples of the step (so the labels are round times). `withSeconds` when the step is below a
 * minute, so labels never repeat.
 */
export function axisTicks(
  start: number,
  end: number,
  maxTicks: number,
): { ticks: number[]; withSeconds: boolean } {
  const span = Math.max(1, end - start);
  const limit = Math.max(2, maxTicks);
  const step = TICK_STEPS.find((s) => span / s <= limit) ?? Math.ceil(span / limit / HOUR) * HOUR;
  // Round to the local clock's minutes and hours, not UTC's, for steps of an hour and more.
  const offset = new Date(start).getTimezoneOffset() * MINUTE;
  const first = Math.ceil((start - offset) / step) * step + offset;
  const ticks: number[] = [];
  for (let t = first; t <= end; t += step) ticks.push(t);
  return { ticks, withSeconds: step < MINUTE };
}
