import { useId } from 'react';
import type { SessionState } from '../../../shared/session-state';
import { useFormat, useT } from '../i18n';
import type { SessionHistory } from '../session-history';

type SignedIn = Extract<SessionState, { status: 'signed-in' }>;

/**
 * The session at a glance: the current access token's lifetime with "now", the next planned
 * refresh, the last refreshes, and offline periods with their retries. Drawn from the token-free
 * session events only (SessionHistory); redrawn every second by the panel's clock. Each mark has
 * an SVG <title> (the tooltip, with the exact time); the same facts are a list for screen
 * readers and for anyone who prefers text.
 */
const WIDTH = 600;
const HEIGHT = 64;
const PAD = 12;
const BAR_Y = 26;
const BAR_H = 14;

export function SessionTimeline(props: { session: SignedIn; history: SessionHistory; now: number }) {
  const t = useT();
  const format = useFormat();
  const id = useId();
  const { session, history, now } = props;
  const tokenStart = session.lastRefreshAt > 0 ? session.lastRefreshAt : now;
  const refreshes = history.refreshes.filter((r) => r <= tokenStart);
  const offline = history.offline;
  const retries = offline.flatMap((p) => p.retries);

  const start = Math.min(tokenStart, ...refreshes, ...offline.map((p) => p.from), now);
  const end = Math.max(session.accessTokenExpiresAt, now, ...retries, session.nextRefreshAt ?? 0);
  const span = Math.max(1, end - start);
  const x = (ms: number) => PAD + ((ms - start) / span) * (WIDTH - 2 * PAD);
  const at = (ms: number) => format.dateTime(ms);

  const facts: Array<{ key: string; text: string }> = [
    {
      key: 'lifetime',
      text: t('timeline.lifetime', { from: at(tokenStart), to: at(session.accessTokenExpiresAt) }),
    },
    { key: 'now', text: t('timeline.now', { time: at(now) }) },
    ...(session.nextRefreshAt !== undefined
      ? [{ key: 'next', text: t('timeline.nextRefresh', { time: at(session.nextRefreshAt) }) }]
      : []),
    ...refreshes.map((r) => ({ key: `r${r}`, text: t('timeline.refreshed', { time: at(r) }) })),
    ...offline.map((p) => ({
      key: `o${p.from}`,
      text:
        p.to === undefined
          ? t('timeline.offlineSince', { from: at(p.from), retries: p.retries.length })
          : t('timeline.offlinePeriod', { from: at(p.from), to: at(p.to), retries: p.retries.length }),
    })),
  ];

  return (
    <figure className="timeline" aria-labelledby={`${id}-caption`}>
      <figcaption id={`${id}-caption`} className="timeline-caption">
        {t('timeline.caption')}
      </figcaption>
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-label={t('timeline.summary', {
          refreshes: refreshes.length,
          offline: offline.length,
        })}
        data-testid="timeline"
        className="timeline-svg"
      >
        {offline.map((p) => (
          <rect
            key={`o${p.from}`}
            className="tl-offline"
            data-testid="timeline-offline"
            x={x(p.from)}
            y={BAR_Y - 8}
            width={Math.max(2, x(p.to ?? now) - x(p.from))}
            height={BAR_H + 16}
          >
            <title>
              {p.to === undefined
                ? t('timeline.offlineSince', { from: at(p.from), retries: p.retries.length })
                : t('timeline.offlinePeriod', { from: at(p.from), to: at(p.to), retries: p.retries.length })}
            </title>
          </rect>
        ))}
        <rect
          className="tl-lifetime"
          data-testid="timeline-lifetime"
          x={x(tokenStart)}
          y={BAR_Y}
          width={Math.max(2, x(session.accessTokenExpiresAt) - x(tokenStart))}
          height={BAR_H}
          rx={3}
        >
          <title>
            {t('timeline.lifetime', { from: at(tokenStart), to: at(session.accessTokenExpiresAt) })}
          </title>
        </rect>
        {retries.map((r) => (
          <path
            key={`retry${r}`}
            className="tl-retry"
            data-testid="timeline-retry"
            d={`M${x(r)} ${BAR_Y + BAR_H + 4} v8`}
          >
            <title>{t('timeline.retry', { time: at(r) })}</title>
          </path>
        ))}
        {refreshes.map((r) => (
          <circle
            key={`r${r}`}
            className="tl-refresh"
            data-testid="timeline-refresh"
            cx={x(r)}
            cy={BAR_Y + BAR_H / 2}
            r={5}
          >
            <title>{t('timeline.refreshed', { time: at(r) })}</title>
          </circle>
        ))}
        {session.nextRefreshAt !== undefined ? (
          <path
            className="tl-next"
            data-testid="timeline-next"
            d={`M${x(session.nextRefreshAt)} ${BAR_Y - 9} l6 7 l-6 7 l-6 -7 z`}
          >
            <title>{t('timeline.nextRefresh', { time: at(session.nextRefreshAt) })}</title>
          </path>
        ) : null}
        <path className="tl-now" data-testid="timeline-now" d={`M${x(now)} 6 V${HEIGHT - 6}`}>
          <title>{t('timeline.now', { time: at(now) })}</title>
        </path>
      </svg>
      <details className="timeline-text">
        <summary>{t('timeline.asText')}</summary>
        <ul data-testid="timeline-facts">
          {facts.map((f) => (
            <li key={f.key}>{f.text}</li>
          ))}
        </ul>
      </details>
    </figure>
  );
}
