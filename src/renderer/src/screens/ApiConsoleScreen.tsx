import { useId, useState } from 'react';
import type { ApiRequest, ApiResponse, ProfileSummary } from '../../../shared/ipc-contract';
import { callApi, type UiError } from '../api-call';
import { useAppActions } from '../app-context';
import { ErrorNotice } from '../components/ErrorNotice';
import { isAllowlistRefusal } from '../error-messages';
import { useFocusOnMount } from '../hooks/use-focus-on-mount';
import { Msg, useT, type Translate } from '../i18n';

const METHODS: ApiRequest['method'][] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'];

type Result = { kind: 'response'; response: ApiResponse } | { kind: 'error'; error: UiError } | null;

/** Parses "Name: value" lines; returns an error message for the first bad line. */
function parseHeaders(text: string, t: Translate): Record<string, string> | string {
  const headers: Record<string, string> = {};
  for (const [index, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0) return t('console.headerLine', { line: index + 1 });
    headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return headers;
}

/** For internal tools: any request to a configured API, answered with status, time, headers and body. */
export function ApiConsoleScreen(props: { apis: ProfileSummary['apis'] }) {
  const t = useT();
  const { onSessionLost } = useAppActions();
  const headingRef = useFocusOnMount<HTMLHeadingElement>();
  const id = useId();
  const [api, setApi] = useState(props.apis[0]?.name ?? '');
  const [method, setMethod] = useState<ApiRequest['method']>('GET');
  const [path, setPath] = useState('/me');
  const [headersText, setHeadersText] = useState('');
  const [bodyText, setBodyText] = useState('');
  const [inputError, setInputError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const [result, setResult] = useState<Result>(null);

  const send = async () => {
    setInputError(null);
    let body: unknown;
    if (bodyText.trim() !== '') {
      try {
        body = JSON.parse(bodyText);
      } catch (error) {
        setInputError(t('console.badJson', { detail: (error as Error).message }));
        return;
      }
    }
    const headers = headersText.trim() === '' ? undefined : parseHeaders(headersText, t);
    if (typeof headers === 'string') {
      setInputError(headers);
      return;
    }
    setSending(true);
    const outcome = await callApi({
      api,
      method,
      path,
      ...(body === undefined ? {} : { body }),
      ...(headers ? { headers } : {}),
      onSessionLost,
    });
    setSending(false);
    setResult(
      outcome.ok ? { kind: 'response', response: outcome.response } : { kind: 'error', error: outcome.error },
    );
  };

  if (props.apis.length === 0) {
    return (
      <section aria-labelledby="console-heading">
        <h2 id="console-heading" tabIndex={-1} ref={headingRef}>
          {t('nav.console')}
        </h2>
        <p className="empty">{t('console.noApis')}</p>
      </section>
    );
  }

  return (
    <section aria-labelledby="console-heading" className="stack">
      <h2 id="console-heading" tabIndex={-1} ref={headingRef}>
        {t('nav.console')}
      </h2>
      <form
        className="card console-form"
        aria-describedby={inputError ? `${id}-input-error` : undefined}
        onSubmit={(event) => {
          event.preventDefault();
          void send();
        }}
      >
        <div className="field">
          <label htmlFor={`${id}-api`}>{t('console.api')}</label>
          <select id={`${id}-api`} value={api} onChange={(e) => setApi(e.target.value)}>
            {props.apis.map((a) => (
              <option key={a.name} value={a.name} data-i18n="raw">
                {a.name} ({a.baseUrl})
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-method`}>{t('console.method')}</label>
          <select
            id={`${id}-method`}
            value={method}
            onChange={(e) => setMethod(e.target.value as ApiRequest['method'])}
          >
            {METHODS.map((m) => (
              <option key={m} data-i18n="raw">
                {m}
              </option>
            ))}
          </select>
        </div>
        <div className="field field-wide">
          <label htmlFor={`${id}-path`}>{t('console.path')}</label>
          <input
            id={`${id}-path`}
            value={path}
            required
            spellCheck={false}
            autoComplete="off"
            onChange={(e) => setPath(e.target.value)}
          />
        </div>
        <div className="field field-wide">
          <label htmlFor={`${id}-headers`}>{t('console.headers')}</label>
          <textarea
            id={`${id}-headers`}
            rows={2}
            spellCheck={false}
            value={headersText}
            onChange={(e) => setHeadersText(e.target.value)}
          />
        </div>
        <div className="field field-wide">
          <label htmlFor={`${id}-body`}>{t('console.body')}</label>
          <textarea
            id={`${id}-body`}
            rows={4}
            spellCheck={false}
            className="mono"
            value={bodyText}
            onChange={(e) => setBodyText(e.target.value)}
          />
        </div>
        {inputError ? (
          <p id={`${id}-input-error`} className="notice notice-error" role="alert">
            {inputError}
          </p>
        ) : null}
        <div className="actions field-wide">
          <button type="submit" className="primary" disabled={sending}>
            {sending ? t('console.sending') : t('console.send')}
          </button>
        </div>
      </form>
      <div aria-live="polite" className="stack" data-testid="console-result">
        {result?.kind === 'response' ? <ResponseView response={result.response} /> : null}
        {result?.kind === 'error' ? (
          <ErrorNotice
            error={result.error}
            context={isAllowlistRefusal(result.error.code) ? t('console.notSent') : t('console.noResponse')}
          />
        ) : null}
      </div>
    </section>
  );
}

function ResponseView(props: { response: ApiResponse }) {
  const t = useT();
  const { response } = props;
  const ok = response.status >= 200 && response.status < 300;
  const headers = Object.entries(response.headers).sort(([a], [b]) => a.localeCompare(b));
  return (
    <section className="card stack" aria-label={t('console.response')}>
      <p>
        <strong className={ok ? 'status-ok' : 'status-bad'} data-testid="console-status" data-i18n="raw">
          {response.status} {response.statusText}
        </strong>{' '}
        <span className="muted">{t('console.duration', { ms: Math.round(response.durationMs) })}</span>
      </p>
      <details>
        <summary>{t('console.responseHeaders', { count: headers.length })}</summary>
        <dl className="facts mono" data-i18n="raw">
          {headers.map(([name, value]) => (
            <div key={name} className="fact-row">
              <dt>{name}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
      </details>
      {response.redirect ? (
        <p className="notice notice-info" role="note">
          <Msg
            id={response.redirect.sameOrigin ? 'console.redirectSame' : 'console.redirectOther'}
            values={{
              location: (
                <span className="mono" data-i18n="raw">
                  {response.redirect.location}
                </span>
              ),
            }}
          />
        </p>
      ) : null}
      {response.retried ? <p className="muted small">{t('console.retried')}</p> : null}
      <ResponseBody body={response.body} />
    </section>
  );
}

function ResponseBody(props: { body: ApiResponse['body'] }) {
  const t = useT();
  const { body } = props;
  if (body.kind === 'empty') return <p className="muted">{t('console.noBody')}</p>;
  if (body.kind === 'binary') {
    return (
      <p className="muted">
        {t('console.binary', { type: body.contentType, bytes: Math.floor((body.base64.length * 3) / 4) })}
      </p>
    );
  }
  return (
    <pre
      className="code"
      tabIndex={0}
      aria-label={t('console.responseBody')}
      data-testid="console-body"
      data-i18n="raw"
    >
      {body.kind === 'json' ? JSON.stringify(body.value, null, 2) : body.value}
    </pre>
  );
}
