import { useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import { useIntl } from 'react-intl';
import { callApiExpectingSuccess, type UiError } from '../api-call';
import {
  filterUsers,
  readAdminUsers,
  sortUsers,
  type AdminUser,
  type SortDirection,
  type SortKey,
} from '../admin-users';
import { useAppActions } from '../app-context';
import { ErrorNotice } from '../components/ErrorNotice';
import { useFocusOnMount } from '../hooks/use-focus-on-mount';
import { useNow } from '../hooks/use-now';
import { useFormat, useT, type MessageId } from '../i18n';

type State = { kind: 'loading' } | { kind: 'error'; error: UiError } | { kind: 'ready'; users: AdminUser[] };

const COLUMNS: Array<{ key: SortKey; label: MessageId }> = [
  { key: 'username', label: 'admin.col.user' },
  { key: 'groups', label: 'admin.col.groups' },
  { key: 'firstSeen', label: 'admin.col.firstSeen' },
  { key: 'lastSeen', label: 'admin.col.lastSeen' },
];

/** A relative time ("5 minutes ago") with the exact time on hover and for assistive technology. */
function When(props: { ms: number | null; now: number }) {
  const format = useFormat();
  const t = useT();
  if (props.ms === null) return <span className="muted">{t('admin.never')}</span>;
  const exact = format.dateTime(props.ms);
  return (
    <time dateTime={new Date(props.ms).toISOString()} title={exact} data-i18n="intl">
      {format.relative(props.ms, props.now)}
      <span className="visually-hidden"> ({exact})</span>
    </time>
  );
}

/**
 * Users from /admin/users, for people who administer: human column names, relative times with
 * the exact time on hover, sorting by each column (buttons in the headers, aria-sort), a filter
 * box, loading/empty/error states and a detail view of one user. Linked only for the admin
 * group; reached anyway, the API's 403 is shown.
 */
export function AdminScreen() {
  const t = useT();
  const intl = useIntl();
  const format = useFormat();
  const { onSessionLost } = useAppActions();
  const headingRef = useFocusOnMount<HTMLHeadingElement>();
  const id = useId();
  const now = useNow(30_000);
  const [state, setState] = useState<State>({ kind: 'loading' });
  const [query, setQuery] = useState('');
  const [sort, setSort] = useState<{ key: SortKey; direction: SortDirection }>({
    key: 'username',
    direction: 'ascending',
  });
  const [selected, setSelected] = useState<string | null>(null);
  const detailHeadingRef = useRef<HTMLHeadingElement>(null);
  const rowButtons = useRef(new Map<string, HTMLButtonElement>());

  const load = useCallback(async () => {
    setState({ kind: 'loading' });
    const outcome = await callApiExpectingSuccess({
      api: 'demo',
      method: 'GET',
      path: '/admin/users',
      onSessionLost,
    });
    if (!outcome.ok) return setState({ kind: 'error', error: outcome.error });
    const body = outcome.response.body;
    const users = body.kind === 'json' ? readAdminUsers(body.value) : null;
    setState(
      users
        ? { kind: 'ready', users }
        : {
            kind: 'error',
            error: { code: 'HTTP_ERROR', message: 'The API answered in an unexpected format.' },
          },
    );
  }, [onSessionLost]);

  useEffect(() => {
    // eslint-disable-next-line react-hooks/set-state-in-effect -- loading on mount is this effect's job
    void load();
  }, [load]);

  const collator = useMemo(() => new Intl.Collator(intl.locale, { sensitivity: 'base' }), [intl.locale]);
  const users = useMemo(() => (state.kind === 'ready' ? state.users : []), [state]);
  const shown = useMemo(
    () => sortUsers(filterUsers(users, query), sort.key, sort.direction, collator),
    [users, query, sort, collator],
  );
  const detail = users.find((u) => (u.sub || u.username) === selected) ?? null;

  useEffect(() => {
    if (detail) detailHeadingRef.current?.focus();
  }, [detail]);

  const closeDetail = () => {
    const key = selected;
    setSelected(null);
    if (key) rowButtons.current.get(key)?.focus();
  };

  const toggleSort = (key: SortKey) =>
    setSort((s) =>
      s.key === key
        ? { key, direction: s.direction === 'ascending' ? 'descending' : 'ascending' }
        : { key, direction: 'ascending' },
    );

  return (
    <section aria-labelledby="admin-heading" className="stack">
      <h2 id="admin-heading" tabIndex={-1} ref={headingRef}>
        {t('admin.heading')}
      </h2>
      {state.kind === 'loading' ? (
        <p role="status" className="muted">
          {t('admin.loading')}
        </p>
      ) : state.kind === 'error' ? (
        state.error.status === 403 ? (
          <div className="notice notice-error" role="alert" data-testid="admin-forbidden">
            <p className="notice-title">{t('admin.forbidden.title')}</p>
            <p>{t('admin.forbidden.text')}</p>
            <details>
              <summary>{t('common.details')}</summary>
              <p className="mono" data-i18n="raw">
                {state.error.message}
              </p>
            </details>
          </div>
        ) : (
          <ErrorNotice
            error={state.error}
            context={t('admin.loadFailed')}
            action={
              <button type="button" onClick={() => void load()}>
                {t('common.tryAgain')}
              </button>
            }
          />
        )
      ) : state.users.length === 0 ? (
        <p className="empty" role="status">
          {t('admin.empty')}
        </p>
      ) : (
        <>
          <div className="field admin-filter">
            <label htmlFor={`${id}-filter`}>{t('admin.filter')}</label>
            <input
              id={`${id}-filter`}
              type="search"
              value={query}
              autoComplete="off"
              spellCheck={false}
              aria-describedby={`${id}-count`}
              onChange={(e) => setQuery(e.target.value)}
            />
            <p id={`${id}-count`} className="hint" role="status" data-testid="admin-count">
              {t('admin.count', { shown: shown.length, total: users.length })}
            </p>
          </div>
          {shown.length === 0 ? (
            <p className="empty">{t('admin.noMatch')}</p>
          ) : (
            <div className="table-wrap">
              <table>
                <caption className="visually-hidden">{t('admin.caption')}</caption>
                <thead>
                  <tr>
                    {COLUMNS.map((c) => (
                      <th key={c.key} scope="col" aria-sort={sort.key === c.key ? sort.direction : 'none'}>
                        <button type="button" className="sort-button" onClick={() => toggleSort(c.key)}>
                          {t(c.label)}
                          <span aria-hidden="true" className="sort-mark">
                            {sort.key === c.key ? (sort.direction === 'ascending' ? ' ▲' : ' ▼') : ''}
                          </span>
                        </button>
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {shown.map((user) => {
                    const key = user.sub || user.username;
                    return (
                      <tr key={key}>
                        <td>
                          <button
                            type="button"
                            className="link-button"
                            ref={(el) => {
                              if (el) rowButtons.current.set(key, el);
                              else rowButtons.current.delete(key);
                            }}
                            aria-expanded={key === selected}
                            aria-controls={`${id}-detail`}
                            onClick={() => setSelected(key === selected ? null : key)}
                          >
                            {user.username}
                          </button>
                        </td>
                        <td>{user.groups.length ? user.groups.join(', ') : '—'}</td>
                        <td>
                          <When ms={user.firstSeen} now={now} />
                        </td>
                        <td>
                          <When ms={user.lastSeen} now={now} />
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
          <div id={`${id}-detail`}>
            {detail ? (
              <section
                className="card stack"
                aria-labelledby={`${id}-detail-heading`}
                data-testid="admin-detail"
                onKeyDown={(e) => {
                  if (e.key === 'Escape') closeDetail();
                }}
              >
                <h3 id={`${id}-detail-heading`} tabIndex={-1} ref={detailHeadingRef}>
                  {t('admin.detail.heading', { name: detail.username })}
                </h3>
                <dl className="facts">
                  <dt>{t('admin.detail.userId')}</dt>
                  <dd className="mono">{detail.sub || '—'}</dd>
                  <dt>{t('admin.col.groups')}</dt>
                  <dd>
                    {detail.groups.length === 0 ? (
                      <span className="muted">{t('home.noGroups')}</span>
                    ) : (
                      <ul className="chips" aria-label={t('admin.col.groups')}>
                        {detail.groups.map((g) => (
                          <li key={g} className="badge">
                            {g}
                          </li>
                        ))}
                      </ul>
                    )}
                  </dd>
                  <dt>{t('admin.col.firstSeen')}</dt>
                  <dd>{detail.firstSeen === null ? t('admin.never') : format.dateTime(detail.firstSeen)}</dd>
                  <dt>{t('admin.col.lastSeen')}</dt>
                  <dd>{detail.lastSeen === null ? t('admin.never') : format.dateTime(detail.lastSeen)}</dd>
                  <dt>{t('admin.detail.notes')}</dt>
                  <dd>
                    {detail.notesCount === null ? (
                      <span className="muted">{t('admin.detail.notesUnknown')}</span>
                    ) : (
                      format.number(detail.notesCount)
                    )}
                  </dd>
                </dl>
                <div className="actions">
                  <button type="button" onClick={closeDetail}>
                    {t('common.close')}
                  </button>
                </div>
              </section>
            ) : null}
          </div>
        </>
      )}
    </section>
  );
}
