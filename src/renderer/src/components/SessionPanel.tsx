import type { SessionState } from '../../../shared/session-state';
import { formatDuration } from '../format-time';
import { Msg, useFormat, useT } from '../i18n';
import { useNow } from '../hooks/use-now';
import type { SessionHistory } from '../session-history';
import { timelineEntries } from '../timeline-entries';
import { OutageLine, outagePhase } from './OfflineStatus';
import { SessionEnd } from './SessionEnd';
import { SessionTimeline } from './SessionTimeline';

type SignedIn = Extract<SessionState, { status: 'signed-in' }>;

/** Token lifetime, last refresh and connection state. The countdown is a timer, not a live region. */
export function SessionPanel(props: { session: SignedIn; history: SessionHistory; degraded: boolean }) {
  const t = useT();
  const format = useFormat();
  const now = useNow(1000);
  const { session } = props;
  const remaining = session.accessTokenExpiresAt - now;
  // An outage (offline, or a try running after one) reads as such, with the countdown to the
  // next try; a refresh while all is well is just "Refreshing…". "Retry now" is on the banner.
  const outage =
    session.connectivity === 'offline' || (props.degraded && session.connectivity === 'refreshing');
  const phase = outagePhase(session, now);

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
          <span
            className={`state state-${outage ? 'offline' : session.connectivity}`}
            data-testid="connectivity"
          >
            {session.connectivity === 'online'
              ? t('session.state.online')
              : !outage
                ? t('session.state.refreshing')
                : t('session.state.offline')}
            {outage && phase.phase !== 'waiting' ? (
              <>
                {' — '}
                <OutageLine phase={phase} inline />
              </>
            ) : null}
          </span>
        </dd>
        <SessionEnd session={session} now={now} />
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
        <SessionTimeline
          entries={timelineEntries(
            session,
            props.history,
            session.sessionEndsAt === undefined ? {} : { sessionEndsAt: session.sessionEndsAt },
          )}
          now={now}
        />
      ) : null}
    </section>
  );
}
