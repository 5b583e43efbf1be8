import { useCallback, useEffect, useState } from 'react';
import type { UserSession } from '../../../shared/ipc-contract';
import type { UiError } from '../api-call';
import { useAppActions } from '../app-context';
import { ErrorNotice } from '../components/ErrorNotice';
import { endsSession } from '../error-messages';
import { useFocusOnMount } from '../hooks/use-focus-on-mount';
import { useFormat, useT } from '../i18n';

type State =
  { kind: 'loading' } | { kind: 'error'; error: UiError } | { kind: 'ready'; sessions: UserSession[] };
const INTERNAL: UiError = { code: 'INTERNAL', message: 'The app could not reach its main process.' };

/**
 * "Devices and sessions" for a pool that tracks sessions (profile `sessionTracking: true`):
 * ListUserSessions with the user's own access token (in main), the current one marked, and
 * "Sign out" for the others (RevokeUserSession, confirmed in main's dialog).
 */
export function SessionsScreen() {
  const t = useT();
  const format = useFormat();
  const { onSessionLost, announce } = useAppActions();
  const headingRef = useFocusOnMount<HTMLHeadingElement>();
  const [state, setState] = useState<State>({ kind: 'loading' });
  const [error, setError] = useState<UiError | null>(null);

  const load = useCallback(async () => {
    setState({ kind: 'loading' });
    const result = await window.desktop.account
      .listSessions()
      .catch(() => ({ ok: false as const, error: INTERNAL }));
    if (!result.ok) {
      if (endsSession(result.error.code)) onSessionLost(result.error);
      return setState({ kind: 'error', error: result.error });
    }
    setState({ kind: 'ready', sessions: result.value.sessions });
  }, [onSessionLost]);

  useEffect(() => {
    // eslint-disable-next-line react-hooks/set-state-in-effect -- loading on mount is this effect's job
    void load();
  }, [load]);

  const revoke = async (sessionId: string) => {
    setError(null);
    const result = await window.desktop.account
      .revoke({ sessionId })
      .catch(() => ({ ok: false as const, error: INTERNAL }));
    if (!result.ok) {
      if (result.error.code !== 'NOT_CONFIRMED') setError(result.error);
      return;
    }
    setState({ kind: 'ready', sessions: result.value.sessions });
    announce(t('sessions.revoked'));
  };

  return (
    <section aria-labelledby="sessions-heading" className="stack">
      <h2 id="sessions-heading" tabIndex={-1} ref={headingRef}>
        {t('sessions.heading')}
      </h2>
      {error ? <ErrorNotice error={error} context={t('sessions.revokeFailed')} /> : null}
      {state.kind === 'loading' ? (
        <p role="status" className="muted">
          {t('common.loading')}
        </p>
      ) : state.kind === 'error' ? (
        <ErrorNotice
          error={state.error}
          context={t('sessions.loadFailed')}
          action={
            <button type="button" onClick={() => void load()}>
              {t('common.tryAgain')}
            </button>
          }
        />
      ) : state.sessions.length === 0 ? (
        <p className="empty">{t('sessions.none')}</p>
      ) : (
        <ul className="stack" aria-label={t('sessions.heading')}>
          {state.sessions.map((s) => (
            <li key={s.sessionId} className="card">
              <p>
                <strong>{s.deviceType ?? t('sessions.unknownDevice')}</strong>
                {s.current ? <span className="badge"> {t('sessions.thisDevice')}</span> : null}
              </p>
              <p className="hint">
                {s.lastActiveAt === null
                  ? ''
                  : t('sessions.lastActive', { time: format.dateTime(s.lastActiveAt) })}
                {s.lastLocation ? ` · ${s.lastLocation}` : ''}
              </p>
              {s.current ? null : (
                <button type="button" onClick={() => void revoke(s.sessionId)}>
                  {t('sessions.signOut')}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
