import { useCallback, useEffect, useRef, useState } from 'react';
import type { SessionState } from '../../../shared/session-state';
import { EMPTY_HISTORY, nextHistory, type SessionHistory } from '../session-history';
import { read, startAnswer } from '../start-reads';

/**
 * The session as main publishes it: read once, then kept current by session:changed events,
 * plus the history the Home timeline draws (from the same events).
 * `refresh` re-reads it (after an API call reported that the session is gone). A read that an
 * event overtook is dropped, so an older answer never replaces a newer event. The first read is
 * the one sent at start (start-reads.ts); when it is answered already, it is the initial state.
 */
export function useSession(): {
  session: SessionState | null;
  history: SessionHistory;
  loadError: string | null;
  setSession: (state: SessionState) => void;
  refresh: () => Promise<SessionState | null>;
} {
  const [session, setSessionState] = useState<SessionState | null>(() => {
    const answer = startAnswer('session');
    return answer?.ok ? answer.value : null;
  });
  const [history, setHistory] = useState<SessionHistory>(() =>
    session ? nextHistory(EMPTY_HISTORY, session, Date.now()) : EMPTY_HISTORY,
  );
  const [loadError, setLoadError] = useState<string | null>(null);
  const version = useRef(0);

  const setSession = useCallback((state: SessionState) => {
    version.current += 1;
    setSessionState(state);
    setHistory((h) => nextHistory(h, state, Date.now()));
  }, []);

  const refresh = useCallback(async () => {
    const before = version.current;
    try {
      const result = await read('session');
      if (result.ok) {
        if (version.current === before) setSession(result.value);
        setLoadError(null);
        return result.value;
      }
      setLoadError(result.error.message);
    } catch {
      setLoadError('The app could not reach its main process.');
    }
    return null;
  }, [setSession]);

  useEffect(() => {
    const unsubscribe = window.desktop.session.onChanged(setSession);
    // eslint-disable-next-line react-hooks/set-state-in-effect -- the first read; events keep it current
    void refresh();
    return unsubscribe;
  }, [refresh, setSession]);

  return { session, history, loadError, setSession, refresh };
}
