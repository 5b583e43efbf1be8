import { useState } from 'react';
import type { SessionState } from '../../../shared/session-state';
import { formatCountdown } from '../format-time';
import { useT } from '../i18n';

type SignedIn = Extract<SessionState, { status: 'signed-in' }>;

/**
 * Where an outage stands, for the offline banner and Home's state line: counting down to the
 * next try main planned (nextRetryAt), retrying (main reports `refreshing` during an outage, or
 * the planned moment has come and main has not answered yet), or waiting with no try planned.
 */
export type OutagePhase =
  { phase: 'countdown'; msUntil: number } | { phase: 'retrying' } | { phase: 'waiting' };

export function outagePhase(session: SignedIn, now: number): OutagePhase {
  if (session.connectivity === 'refreshing') return { phase: 'retrying' };
  if (session.nextRetryAt === undefined) return { phase: 'waiting' };
  const msUntil = session.nextRetryAt - now;
  return msUntil > 0 ? { phase: 'countdown', msUntil } : { phase: 'retrying' };
}

/**
 * "Next try in 0:12" / "Retrying…" (the banner), or "next try in 0:12" / "retrying…" after
 * "Offline — " on Home's state line (`inline`). The countdown is a timer: not announced every second.
 */
export function OutageLine(props: { phase: OutagePhase; inline?: boolean }) {
  const t = useT();
  const { phase, inline } = props;
  if (phase.phase === 'retrying') {
    return (
      <span data-testid="outage-phase">{t(inline ? 'session.state.retrying' : 'offline.retrying')}</span>
    );
  }
  if (phase.phase === 'waiting') return null;
  return (
    <span data-testid="outage-phase">
      {t(inline ? 'session.state.nextTryIn' : 'offline.nextTryIn')}{' '}
      <span role="timer" data-testid="retry-countdown">
        {formatCountdown(phase.msUntil)}
      </span>
    </span>
  );
}

/**
 * "Retry now": the session's online() over session:retry-now (one refresh at once, the backoff
 * reset). Disabled while a try runs and while the press is on its way (main publishes
 * `refreshing` before it answers, so the button never looks ready for a try already running).
 */
export function RetryNowButton(props: { phase: OutagePhase }) {
  const t = useT();
  const [pressed, setPressed] = useState(false);
  return (
    <button
      type="button"
      className="retry-now"
      data-testid="retry-now"
      disabled={pressed || props.phase.phase === 'retrying'}
      onClick={() => {
        setPressed(true);
        void window.desktop.session.retryNow().finally(() => setPressed(false));
      }}
    >
      {t('offline.retryNow')}
    </button>
  );
}
