import type { SessionState } from '../../shared/session-state';

/**
 * What the Home timeline remembers, built only from the token-free session events main
 * publishes (times and connectivity, never a token): the last refreshes, and the offline
 * periods with the retries announced during them. Pure, so it is easy to follow and to test.
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

export function nextHistory(history: SessionHistory, state: SessionState, now: number): SessionHistory {
  if (state.status !== 'signed-in') return state.status === 'signed-out' ? EMPTY_HISTORY : history;
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
