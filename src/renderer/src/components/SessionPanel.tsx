import type { SessionState } from '../../../shared/session-state';
import { formatDuration, formatRetry } from '../format-time';
import { Msg, useFormat, useT } from '../i18n';
import { useNow } from '../hooks/use-now';
import type { SessionHistory } from '../session-history';
import { SessionTimeline } from './SessionTimeline';

type SignedIn = Extract<SessionState, { status: 'signed-in' }>;

/** Token lifetime, last refresh and connection state. The countdown is a timer, not a live region. */
export function SessionPanel(props: { session: SignedIn; history: SessionHistory }) {
  const t = useT();
  const format = useFormat();
  const now = useNow(1000);
  const { session } = props;
  const remaining = session.accessTokenExpiresAt - now;
  const stateLabel =
    session.connectivity === 'online'
      ? t('session.state.online')
      : session.connectivity === 'refreshing'
        ? t('session.state.refreshing')
        : session.nextRetryAt === undefined
          ? t('session.state.offline')
          : t('session.state.offlineRetry', { retry: formatRetry(session.nextRetryAt - now, t) });

  return (
    <section className="card" aria-labelledby="session-heading">
      <h3 id="session-heading">{t('session.heading')}</h3>
      <dl className="facts">
        <dt>{t('session.expiresIn')}</dt>
        <dd>
          {session.accessTokenExpiresAt <= 0 ? (
            // Restored while offline: there is no access token yet, only the kept sign-in.
            <span data-testid="token-countdown">{t('session.noTokenYet')}</span>
          ) : (
            <>
              <span role="timer" data-testid="token-countdown">
                {remaining > 0 ? formatDuration(remaining) : t('session.expiredRenewing')}
              </span>{' '}
              <span className="muted">
                {t('session.at', { time: format.time(session.accessTokenExpiresAt) })}
              </span>
            </>
          )}
        </dd>
        <dt>{t('session.lastRefresh')}</dt>
        <dd data-testid="last-refresh">
          {session.lastRefreshAt > 0 ? format.time(session.lastRefreshAt) : t('session.notYet')}
        </dd>
        <dt>{t('session.state')}</dt>
        <dd>
          <span className={`state state-${session.connectivity}`} data-testid="connectivity">
            {stateLabel}
          </span>
        </dd>
        <dt>{t('session.storage')}</dt>
        <dd data-testid="storage">
          {session.storage.kind === 'keychain' ? t('storage.keychain') : t('storage.memory')}
        </dd>
      </dl>
      {session.storage.kind === 'memory' ? (
        <p className="notice notice-warning spaced" role="note">
          <Msg
            id="session.memoryOnly"
            values={{
              strong: (chunks) => <strong>{chunks}</strong>,
              reason: <span data-i18n="raw">{session.storage.reason}</span>,
            }}
          />
        </p>
      ) : null}
      {session.accessTokenExpiresAt > 0 ? (
        <SessionTimeline session={session} history={props.history} now={now} />
      ) : null}
    </section>
  );
}
