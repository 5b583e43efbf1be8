import type { ReactNode } from 'react';
import { plainError } from '../error-messages';
import { useT } from '../i18n';

/**
 * An error in plain words with the next step. The technical code and message sit in a
 * collapsed details element for support, already redacted by main.
 */
export function ErrorNotice(props: {
  error: { code: string; message: string; status?: number | undefined };
  /** Overrides the generic title (e.g. "Your note was not saved."). */
  context?: string;
  action?: ReactNode;
  /** 'alert' interrupts; 'status' waits its turn (for outcomes the user asked for, like Cancel). */
  role?: 'alert' | 'status';
  tone?: 'error' | 'info';
}) {
  const t = useT();
  const plain = plainError(props.error, t);
  return (
    <div className={`notice notice-${props.tone ?? 'error'}`} role={props.role ?? 'alert'}>
      <p className="notice-title">
        {props.context ? `${props.context} ` : ''}
        {plain.title}
      </p>
      <p>{plain.nextStep}</p>
      {props.action}
      <details>
        <summary>{t('common.details')}</summary>
        {/* Technical detail for support: main's code and (redacted) message, not translated. */}
        <p className="mono" data-i18n="raw">
          {props.error.code}
          {props.error.status === undefined ? '' : ` (HTTP ${props.error.status})`}: {props.error.message}
        </p>
      </details>
    </div>
  );
}
