import { useState } from 'react';
import type { UiError } from '../api-call';
import { plainError } from '../error-messages';
import { useT } from '../i18n';

/**
 * "Export diagnostics…" on an error screen: main shows the save dialog and writes the file
 * (src/main/diagnostics); this only asks and says where it went. The file path is the user's own
 * choice, shown so they can find the file to send.
 */
type ExportState =
  | { kind: 'idle' }
  | { kind: 'busy' }
  | { kind: 'saved'; file: string }
  | { kind: 'cancelled' }
  | { kind: 'failed'; error: UiError };

export function ExportDiagnosticsButton() {
  const t = useT();
  const [state, setState] = useState<ExportState>({ kind: 'idle' });
  const run = async () => {
    setState({ kind: 'busy' });
    const result = await window.desktop.diagnostics.export();
    if (!result.ok) setState({ kind: 'failed', error: result.error });
    else if (result.value.saved) setState({ kind: 'saved', file: result.value.file });
    else setState({ kind: 'cancelled' });
  };
  const failed = state.kind === 'failed' ? plainError(state.error, t) : undefined;
  return (
    <div className="diagnostics-export">
      <button
        type="button"
        data-testid="export-diagnostics"
        disabled={state.kind === 'busy'}
        onClick={() => void run()}
      >
        {t('diagnostics.export')}
      </button>
      <p className="hint" role="status">
        {state.kind === 'busy'
          ? t('diagnostics.exporting')
          : state.kind === 'saved'
            ? t('diagnostics.saved', { file: state.file })
            : state.kind === 'cancelled'
              ? t('diagnostics.cancelled')
              : failed
                ? `${failed.title} ${failed.nextStep}`
                : ''}
      </p>
    </div>
  );
}
