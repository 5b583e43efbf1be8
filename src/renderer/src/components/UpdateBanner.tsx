import { useEffect, useState } from 'react';
import type { UpdateStateView } from '../../../shared/ipc-contract';
import type { UiError } from '../api-call';
import { plainError } from '../error-messages';
import { useT } from '../i18n';
import { read, startAnswer } from '../start-reads';

/**
 * Updates as the user sees them: nothing while off, idle or checking, except a copy that cannot
 * update says why; a quiet line while one downloads; "Restart to update" once it is ready. Only the click restarts (main refuses during a
 * sign-in and the refusal is shown here in plain words). State from updates:get-state, kept
 * current by updates:changed (the first read is the one sent at start, start-reads.ts).
 */
export function UpdateBanner() {
  const t = useT();
  const [state, setState] = useState<UpdateStateView | null>(() => {
    const answer = startAnswer('updates');
    return answer?.ok ? answer.value : null;
  });
  const [refusal, setRefusal] = useState<UiError | null>(null);
  useEffect(() => {
    const unsubscribe = window.desktop.updates.onChanged((next) => {
      setState(next);
      setRefusal(null);
    });
    void read('updates').then((r) => {
      if (r.ok) setState((current) => current ?? r.value);
    });
    return unsubscribe;
  }, []);

  // A copy that cannot update (macOS without a Developer ID signature) says so: main writes the
  // message in plain words (update-controller.ts signedBuildGate), in English like the log line.
  if (state?.status === 'off' && state.message) {
    return (
      <div className="banner banner-info" role="status" data-testid="update-banner" data-code={state.code}>
        <p data-i18n="raw">{state.message}</p>
      </div>
    );
  }
  if (state?.status === 'downloading') {
    return (
      <div className="banner banner-info" role="status" data-testid="update-banner">
        <p>{t('updates.downloading')}</p>
      </div>
    );
  }
  if (state?.status !== 'ready') return null;
  const restart = async () => {
    const result = await window.desktop.updates.restart();
    setRefusal(result.ok ? null : result.error);
  };
  const refused = refusal ? plainError(refusal, t) : null;
  return (
    <div
      className="banner banner-info"
      role="region"
      aria-label={t('updates.restart')}
      data-testid="update-banner"
    >
      <p>{t('updates.ready', { version: state.version })}</p>
      <button type="button" className="primary" onClick={() => void restart()}>
        {t('updates.restart')}
      </button>
      <p role="status" data-testid="update-refusal">
        {refused ? `${refused.title} ${refused.nextStep}` : ''}
      </p>
    </div>
  );
}
