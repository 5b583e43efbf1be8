import { useState } from 'react';
import type { SessionState } from '../../../shared/session-state';
import { formatDuration } from '../format-time';
import { useFormat, useT } from '../i18n';

type SignedIn = Extract<SessionState, { status: 'signed-in' }>;

/** The same lead as main's notification (app/session-end-notice.ts): the end is then near. */
export const SESSION_END_NEAR_MS = 10 * 60_000;

/**
 * "Session ends at ..." (the profile knows the refresh token validity: no refresh extends it), and
 * near the end "Sign in again", which opens the browser while this session goes on. While that
 * sign-in waits in the browser, the row says so and offers Cancel (the session is kept).
 */
export function SessionEnd(props: { session: SignedIn; now: number }) {
  const t = useT();
  const format = useFormat();
  const [error, setError] = useState<string | null>(null);
  const { sessionEndsAt, signingInAgainSince } = props.session;
  if (sessionEndsAt === undefined) return null;
  const left = sessionEndsAt - props.now;
  const near = left <= SESSION_END_NEAR_MS;

  const again = async () => {
    setError(null);
    const result = await window.desktop.auth.signInAgain({});
    if (!result.ok && result.error.code !== 'SIGN_IN_CANCELLED') setError(result.error.message);
  };

  return (
    <>
      <dt>{t('session.endsAt')}</dt>
      <dd data-testid="session-ends">
        <span className={near ? 'session-end-near' : undefined}>{format.time(sessionEndsAt)}</span>{' '}
        <span className="muted">({left > 0 ? formatDuration(left) : t('session.endsNow')})</span>
        {signingInAgainSince !== undefined ? (
          <span className="session-again" role="status">
            {t('session.againWaiting')}{' '}
            <button type="button" className="small" onClick={() => void window.desktop.auth.cancelSignIn()}>
              {t('common.cancel')}
            </button>
          </span>
        ) : near ? (
          <button type="button" className="primary small session-again" onClick={() => void again()}>
            {t('session.signInAgain')}
          </button>
        ) : null}
        {error ? (
          <span className="notice notice-error" role="alert">
            {error}
          </span>
        ) : null}
      </dd>
    </>
  );
}
