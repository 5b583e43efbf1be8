import type { SessionState } from '../../../shared/session-state';
import { formatClock, formatDuration, formatRetry } from '../format-time';
import { useNow } from '../hooks/use-now';

type SignedIn = Extract<SessionState, { status: 'signed-in' }>;

/** Token lifetime, last refresh and connection state. The countdown is a timer, not a live region. */
export function SessionPanel(props: { session: SignedIn }) {
  const now = useNow(1000);
  const { session } = props;
  const remaining = session.accessTokenExpiresAt - now;
  const stateLabel =
    session.connectivity === 'online'
      ? 'Online'
      : session.connectivity === 'refreshing'
        ? 'Refreshing…'
        : session.nextRetryAt === undefined
          ? 'Offline'
          : `Offline — next retry ${formatRetry(session.nextRetryAt - now)}`;

  return (
    <section className="card" aria-labelledby="session-heading">
      <h3 id="session-heading">Session</h3>
      <dl className="facts">
        <dt>Access expires in</dt>
        <dd>
          {session.accessTokenExpiresAt <= 0 ? (
            // Restored while offline: there is no access token yet, only the kept sign-in.
            <span data-testid="token-countdown">No access token yet — waiting for the connection</span>
          ) : (
            <>
              <span
                role="timer"

                data-testid="token-countdown"
              >
                {remaining > 0 ? formatDuration(remaining) : 'expired — renewing'}
              </span>{' '}
              <span className="muted">(at {formatClock(session.accessTokenExpiresAt)})</span>
            </>
          )}
        </dd>
        <dt>Last refresh</dt>
        <dd data-testid="last-refresh">
          {session.lastRefreshAt > 0 ? formatClock(session.lastRefreshAt) : 'Not yet'}
        </dd>
        <dt>State</dt>
        <dd>
          <span className={`state state-${session.connectivity}`} data-testid="connectivity">
            {stateLabel}
          </span>
        </dd>
        <dt>Sign-in storage</dt>
        <dd>{session.storage.kind === 'keychain' ? 'System keychain' : 'Memory only'}</dd>
      </dl>
      {session.storage.kind === 'memory' ? (
        <p className="notice notice-warning spaced" role="note">
          <strong>Your sign-in is kept in memory only</strong> ({session.storage.reason}). You will have to
          sign in again after closing the app. Nothing was written to disk.
        </p>
      ) : null}
    </section>
  );
}
