import type { SessionState } from '../../shared/session-state';
import type { TransitionEntry } from '../../shared/session-timeline';

/**
 * What the Home timeline draws: the last refreshes, and the offline periods with the retries
 * planned during them. Read from the session machine's token-free transition log that main
 * publishes with the signed-in state (so it survives a reload of the window); a state without
 * one (a scripted controller) is folded in event by event as before. Pure.
 */
export interface OfflinePeriod {
  from: number;
  /** Undefined while still offline or reconnecting. */
  to?: number;
  /** The retry times main announced (nextRetryAt), oldest first. */
  retries: number[];
}

export interface SessionHistory {
  /** Whose history this is: a different user (or a sign-out) starts afresh. */
  sub: string | null;
  refreshes: number[];
  offline: OfflinePeriod[];
}

export const EMPTY_HISTORY: SessionHistory = { sub: null, refreshes: [], offline: [] };
const KEEP_REFRESHES = 8;
const KEEP_OFFLINE = 4;

/** The history a signed-in stretch's transitions describe (main's times, not the renderer's). */
export function historyFromTimeline(sub: string, entries: readonly TransitionEntry[]): SessionHistory {
  const refreshes = [
    ...new Set(entries.flatMap((e) => (e.refreshedAt === undefined ? [] : [e.refreshedAt]))),
  ];
  const offline: OfflinePeriod[] = [];
  for (const e of entries) {
    const open = offline.at(-1)?.to === undefined ? offline.at(-1) : undefined;
    if (e.to === 'signed-in/offline') {
      const period = open ?? { from: e.at, retries: [] };
      if (!open) offline.push(period);
      if (e.nextRetryAt !== undefined && !period.retries.includes(e.nextRetryAt))
        period.retries.push(e.nextRetryAt);
    } else if (e.to === 'signed-in/online' && open) {
      open.to = e.at;
    }
  }
  return {
    sub,
    refreshes: refreshes.sort((a, b) => a - b).slice(-KEEP_REFRESHES),
    offline: offline.slice(-KEEP_OFFLINE),
  };
}

export function nextHistory(history: SessionHistory, state: SessionState, now: number): SessionHistory {
  if (state.status !== 'signed-in') return state.status === 'signed-out' ? EMPTY_HISTORY : history;
  if (state.timeline) return historyFromTimeline(state.user.sub, state.timeline);
  let h = history.sub === state.user.sub ? history : { ...EMPTY_HISTORY, sub: state.user.sub };
  if (state.lastRefreshAt > 0 && !h.refreshes.includes(state.lastRefreshAt)) {
    h = {
      ...h,
      refreshes: [...h.refreshes, state.lastRefreshAt].sort((a, b) => a - b).slice(-KEEP_REFRESHES),
    };
  }
  const open = h.offline.at(-1);
  const isOpen = open !== undefined && open.to === undefined;
  if (state.connectivity === 'offline') {
    const period: OfflinePeriod = isOpen ? open : { from: now, retries: [] };
    const retries =
      state.nextRetryAt !== undefined && !period.retries.includes(state.nextRetryAt)
        ? [...period.retries, state.nextRetryAt]
        : period.retries;
    const updated = { ...period, retries };
    h = { ...h, offline: [...(isOpen ? h.offline.slice(0, -1) : h.offline), updated].slice(-KEEP_OFFLINE) };
  } else if (state.connectivity === 'online' && isOpen) {
    h = { ...h, offline: [...h.offline.slice(0, -1), { ...open, to: now }] };
  }
  return h;
}
