import { useEffect, useId, useRef, useState, type ReactNode, type RefObject } from 'react';
import { useFormat, useT, type MessageId } from '../i18n';
import { axisTicks, type TimelineEntry, type TimelineKind } from '../timeline-entries';

/**
 * The session at a glance, drawn from a plain list of token-free entries (timeline-entries.ts):
 * a time axis with round-time ticks, the current access token's lifetime as a bar, "now", the
 * sign-in and refreshes, the next planned refresh, the access token's expiry, the session's end
 * when known, and offline periods with their retries. The marks that matter most carry a short
 * label on the chart where there is room; a legend names every shape; each mark has an SVG
 * <title> (the tooltip, with the exact time); "Timeline as text" lists the same facts.
 *
 * The SVG is drawn at the width it is shown at (a ResizeObserver), so its text stays at the
 * page's font size at any window size instead of being scaled with the picture.
 */
const HEIGHT = 92;
const PAD = 14;
const LANES = [14, 28];
const BAR_Y = 38;
const BAR_H = 14;
const MID = BAR_Y + BAR_H / 2;
const AXIS_Y = 66;
const LABEL_Y = 84;
/** An estimate of one character's width at the chart's 11px font (no DOM measuring in render). */
const CHAR_PX = 6.4;
const FALLBACK_WIDTH = 560;

const KIND_NAME: Record<TimelineKind | 'lifetime' | 'now', MessageId> = {
  lifetime: 'timeline.kind.lifetime',
  now: 'timeline.kind.now',
  'signed-in': 'timeline.kind.signedIn',
  refreshed: 'timeline.kind.refreshed',
  'next-refresh': 'timeline.kind.nextRefresh',
  'access-expiry': 'timeline.kind.accessExpiry',
  'session-end': 'timeline.kind.sessionEnd',
  offline: 'timeline.kind.offline',
  retry: 'timeline.kind.retry',
};

function useWidth<T extends Element>(): [RefObject<T | null>, number] {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(FALLBACK_WIDTH);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const observer = new ResizeObserver(([entry]) => {
      const w = Math.round(entry?.contentRect.width ?? 0);
      if (w > 0) setWidth(w);
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return [ref, width];
}

export function SessionTimeline(props: { entries: TimelineEntry[]; now: number }) {
  const t = useT();
  const format = useFormat();
  const id = useId();
  const [boxRef, width] = useWidth<HTMLDivElement>();
  const { entries, now } = props;
  const at = (ms: number) => format.dateTime(ms);

  const of = (kind: TimelineKind) => entries.filter((e) => e.kind === kind);
  const responses = entries.filter((e) => e.kind === 'signed-in' || e.kind === 'refreshed');
  const expiry = of('access-expiry').at(-1);
  const next = of('next-refresh').at(-1);
  const sessionEnd = of('session-end').at(-1);
  const offline = of('offline');
  const retries = of('retry');
  const tokenStart = responses.filter((r) => !expiry || r.at <= expiry.at).at(-1)?.at ?? now;

  const times = entries.flatMap((e) => (e.until === undefined ? [e.at] : [e.at, e.until]));
  const start = Math.min(now, tokenStart, ...times);
  const end = Math.max(now, ...times);
  const span = Math.max(1, end - start);
  const x = (ms: number) => PAD + ((ms - start) / span) * (width - 2 * PAD);
  const { ticks, withSeconds } = axisTicks(start, end, Math.max(2, Math.floor(width / 90)));

  const describe = (entry: TimelineEntry): string => {
    const text = (() => {
      switch (entry.kind) {
        case 'signed-in':
          return t('timeline.signedIn', { time: at(entry.at) });
        case 'refreshed':
          return t('timeline.refreshed', { time: at(entry.at) });
        case 'next-refresh':
          return t('timeline.nextRefresh', { time: at(entry.at) });
        case 'access-expiry':
          return t('timeline.expiry', { time: at(entry.at) });
        case 'session-end':
          return t('timeline.sessionEnd', { time: at(entry.at) });
        case 'retry':
          return t('timeline.retry', { time: at(entry.at) });
        case 'offline': {
          const count = retries.filter(
            (r) => r.at >= entry.at && (entry.until === undefined || r.at <= entry.until),
          );
          return entry.until === undefined
            ? t('timeline.offlineSince', { from: at(entry.at), retries: count.length })
            : t('timeline.offlinePeriod', { from: at(entry.at), to: at(entry.until), retries: count.length });
        }
      }
    })();
    return entry.label ? `${text} (${entry.label})` : text;
  };

  // Short labels on the chart for the marks people ask about, placed left to right in two lanes;
  // one that would overlap in both is left to the legend and the tooltip.
  const labelled = [
    ...responses.slice(0, 1),
    ...responses.slice(1).slice(-1),
    ...(next ? [next] : []),
    ...(expiry ? [expiry] : []),
    ...(sessionEnd ? [sessionEnd] : []),
  ].sort((a, b) => a.at - b.at);
  const laneEnds = LANES.map(() => -Infinity);
  const chartLabels: Array<{
    key: string;
    x: number;
    textX: number;
    lane: number;
    text: string;
    kind: string;
  }> = [];
  for (const entry of labelled) {
    const text = t(KIND_NAME[entry.kind]);
    const half = (text.length * CHAR_PX) / 2;
    const textX = Math.min(Math.max(x(entry.at), PAD + half), width - PAD - half);
    const lane = laneEnds.findIndex((laneEnd) => textX - half > laneEnd + 6);
    if (lane < 0) continue;
    laneEnds[lane] = textX + half;
    chartLabels.push({
      key: `${entry.kind}${entry.at}`,
      x: x(entry.at),
      textX,
      lane,
      text,
      kind: entry.kind,
    });
  }

  const facts: Array<{ key: string; text: string }> = [
    ...(expiry
      ? [{ key: 'lifetime', text: t('timeline.lifetime', { from: at(tokenStart), to: at(expiry.at) }) }]
      : []),
    { key: 'now', text: t('timeline.now', { time: at(now) }) },
    ...entries.filter((e) => e.kind !== 'retry').map((e) => ({ key: `${e.kind}${e.at}`, text: describe(e) })),
  ];

  const legend: Array<{ kind: keyof typeof KIND_NAME; swatch: ReactNode }> = [
    { kind: 'lifetime', swatch: <rect className="tl-lifetime" x={1} y={4} width={18} height={8} rx={2} /> },
    { kind: 'now', swatch: <path className="tl-now" d="M10 1 V15" /> },
    ...(responses.length > 0
      ? [{ kind: 'signed-in' as const, swatch: <circle className="tl-signed-in" cx={10} cy={8} r={4.5} /> }]
      : []),
    ...(responses.length > 1
      ? [{ kind: 'refreshed' as const, swatch: <circle className="tl-refresh" cx={10} cy={8} r={5} /> }]
      : []),
    ...(next
      ? [
          {
            kind: 'next-refresh' as const,
            swatch: <path className="tl-next" d="M10 1 l6 7 l-6 7 l-6 -7 z" />,
          },
        ]
      : []),
    ...(expiry
      ? [{ kind: 'access-expiry' as const, swatch: <path className="tl-expiry" d="M10 1 V15" /> }]
      : []),
    ...(sessionEnd
      ? [{ kind: 'session-end' as const, swatch: <path className="tl-session-end" d="M10 1 V15" /> }]
      : []),
    ...(offline.length > 0
      ? [
          {
            kind: 'offline' as const,
            swatch: <rect className="tl-offline" x={1} y={1} width={18} height={14} />,
          },
        ]
      : []),
    ...(retries.length > 0
      ? [{ kind: 'retry' as const, swatch: <path className="tl-retry" d="M10 3 V13" /> }]
      : []),
  ];

  return (
    <figure className="timeline" aria-labelledby={`${id}-caption`}>
      <figcaption id={`${id}-caption`} className="timeline-caption">
        {t('timeline.caption')}
      </figcaption>
      <div ref={boxRef} className="timeline-box">
        <svg
          width={width}
          height={HEIGHT}
          viewBox={`0 0 ${width} ${HEIGHT}`}
          role="img"
          aria-label={t('timeline.summary', { refreshes: responses.length, offline: offline.length })}
          data-testid="timeline"
          className="timeline-svg"
        >
          {offline.map((p) => (
            <rect
              key={`o${p.at}`}
              className="tl-offline"
              data-testid="timeline-offline"
              x={x(p.at)}
              y={BAR_Y - 6}
              width={Math.max(2, x(p.until ?? now) - x(p.at))}
              height={BAR_H + 12}
            >
              <title>{describe(p)}</title>
            </rect>
          ))}
          {expiry ? (
            <rect
              className="tl-lifetime"
              data-testid="timeline-lifetime"
              x={x(tokenStart)}
              y={BAR_Y}
              width={Math.max(2, x(expiry.at) - x(tokenStart))}
              height={BAR_H}
              rx={3}
            >
              <title>{t('timeline.lifetime', { from: at(tokenStart), to: at(expiry.at) })}</title>
            </rect>
          ) : null}
          <g className="tl-axis" data-testid="timeline-axis">
            <path className="tl-axis-line" d={`M${PAD} ${AXIS_Y} H${width - PAD}`} />
            {ticks.map((tick) => (
              <g key={tick}>
                <path className="tl-axis-tick" d={`M${x(tick)} ${AXIS_Y} v5`} />
                <text className="tl-axis-label" data-i18n="intl" x={x(tick)} y={LABEL_Y} textAnchor="middle">
                  {format.axisTime(tick, withSeconds)}
                </text>
              </g>
            ))}
          </g>
          {chartLabels.map((l) => (
            <g key={l.key} className="tl-label" data-kind={l.kind}>
              <path className="tl-leader" d={`M${l.x} ${LANES[l.lane]! + 3} V${BAR_Y - 1}`} />
              <text x={l.textX} y={LANES[l.lane]} textAnchor="middle">
                {l.text}
              </text>
            </g>
          ))}
          {retries.map((r) => (
            <path
              key={`retry${r.at}`}
              className="tl-retry"
              data-testid="timeline-retry"
              d={`M${x(r.at)} ${BAR_Y + BAR_H + 2} v8`}
            >
              <title>{describe(r)}</title>
            </path>
          ))}
          {expiry ? (
            <path
              className="tl-expiry"
              data-testid="timeline-expiry"
              d={`M${x(expiry.at)} ${BAR_Y - 4} V${BAR_Y + BAR_H + 4}`}
            >
              <title>{describe(expiry)}</title>
            </path>
          ) : null}
          {sessionEnd ? (
            <path
              className="tl-session-end"
              data-testid="timeline-session-end"
              d={`M${x(sessionEnd.at)} ${BAR_Y - 6} V${AXIS_Y}`}
            >
              <title>{describe(sessionEnd)}</title>
            </path>
          ) : null}
          {responses.map((r) => (
            <circle
              key={`r${r.at}`}
              className={r.kind === 'signed-in' ? 'tl-signed-in' : 'tl-refresh'}
              data-testid="timeline-refresh"
              data-kind={r.kind}
              cx={x(r.at)}
              cy={MID}
              r={r.kind === 'signed-in' ? 4.5 : 5}
            >
              <title>{describe(r)}</title>
            </circle>
          ))}
          {next ? (
            <path
              className="tl-next"
              data-testid="timeline-next"
              d={`M${x(next.at)} ${MID - 7} l6 7 l-6 7 l-6 -7 z`}
            >
              <title>{describe(next)}</title>
            </path>
          ) : null}
          <path className="tl-now" data-testid="timeline-now" d={`M${x(now)} ${BAR_Y - 6} V${AXIS_Y}`}>
            <title>{t('timeline.now', { time: at(now) })}</title>
          </path>
        </svg>
      </div>
      <ul className="timeline-legend" aria-label={t('timeline.legend')} data-testid="timeline-legend">
        {legend.map((item) => (
          <li key={item.kind} data-kind={item.kind}>
            <svg width={20} height={16} viewBox="0 0 20 16" aria-hidden="true" className="tl-swatch">
              {item.swatch}
            </svg>
            {t(KIND_NAME[item.kind])}
          </li>
        ))}
      </ul>
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
