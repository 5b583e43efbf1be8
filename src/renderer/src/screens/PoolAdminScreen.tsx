import { useCallback, useEffect, useId, useRef, useState } from 'react';
import type {
  AdminGroup,
  AdminPoolUser,
  AdminPoolUserDetail,
  AdminUserSearch,
} from '../../../shared/ipc-contract';
import type { UiError } from '../api-call';
import { useAppActions } from '../app-context';
import { ErrorNotice } from '../components/ErrorNotice';
import { endsSession } from '../error-messages';
import { useFocusOnMount } from '../hooks/use-focus-on-mount';
import { useFormat, useT } from '../i18n';

type ListState =
  | { kind: 'loading' }
  | { kind: 'error'; error: UiError }
  | { kind: 'ready'; users: AdminPoolUser[]; next: string | null; loadingMore: boolean };

type Change = Parameters<typeof window.desktop.admin.change>[0]['change'];

const INTERNAL: UiError = { code: 'INTERNAL', message: 'The app could not reach its main process.' };
const call = async <T,>(run: () => Promise<{ ok: true; value: T } | { ok: false; error: UiError }>) =>
  run().catch(() => ({ ok: false as const, error: INTERNAL }));

/**
 * The Admin page on the user pool itself (profiles with an identity pool): main calls Cognito's
 * admin API with the signed-in admin's AWS credentials (src/main/aws/cognito-admin.ts). Search
 * (ListUsers with a prefix Filter, page by page), a user's details and groups, add/remove a
 * group, disable/enable, sign the user out everywhere. Every change is confirmed in main's native
 * dialog; this page can only ask. A role without the permissions gets an explanation.
 */
export function PoolAdminScreen(props: { roleName: string | null }) {
  const t = useT();
  const format = useFormat();
  const { onSessionLost, announce } = useAppActions();
  const headingRef = useFocusOnMount<HTMLHeadingElement>();
  const id = useId();
  const [list, setList] = useState<ListState>({ kind: 'loading' });
  const [attribute, setAttribute] = useState<AdminUserSearch['attribute']>('username');
  const [prefix, setPrefix] = useState('');
  const [search, setSearch] = useState<AdminUserSearch | undefined>(undefined);
  const [detail, setDetail] = useState<AdminPoolUserDetail | null>(null);
  const [groups, setGroups] = useState<AdminGroup[]>([]);
  const [groupChoice, setGroupChoice] = useState('');
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<UiError | null>(null);
  const [outcome, setOutcome] = useState<string | null>(null);
  const detailHeadingRef = useRef<HTMLHeadingElement>(null);

  const lost = useCallback(
    (error: UiError) => {
      if (endsSession(error.code)) onSessionLost(error);
    },
    [onSessionLost],
  );

  const load = useCallback(
    async (query: AdminUserSearch | undefined) => {
      setList({ kind: 'loading' });
      const result = await call(() => window.desktop.admin.listUsers(query ? { search: query } : {}));
      if (!result.ok) {
        lost(result.error);
        return setList({ kind: 'error', error: result.error });
      }
      setList({
        kind: 'ready',
        users: result.value.users,
        next: result.value.paginationToken,
        loadingMore: false,
      });
    },
    [lost],
  );

  useEffect(() => {
    // eslint-disable-next-line react-hooks/set-state-in-effect -- loading on mount is this effect's job
    void load(undefined);
    void call(() => window.desktop.admin.listGroups()).then((r) => {
      if (r.ok) setGroups(r.value.groups);
    });
  }, [load]);

  useEffect(() => {
    if (detail) detailHeadingRef.current?.focus();
  }, [detail?.username]); // eslint-disable-line react-hooks/exhaustive-deps -- focus when another user opens

  const loadMore = async () => {
    if (list.kind !== 'ready' || !list.next) return;
    setList({ ...list, loadingMore: true });
    const result = await call(() =>
      window.desktop.admin.listUsers({ ...(search ? { search } : {}), paginationToken: list.next as string }),
    );
    if (!result.ok) return setList({ kind: 'error', error: result.error });
    setList({
      kind: 'ready',
      users: [...list.users, ...result.value.users],
      next: result.value.paginationToken,
      loadingMore: false,
    });
  };

  const open = async (username: string) => {
    setActionError(null);
    setOutcome(null);
    const result = await call(() => window.desktop.admin.getUser({ username }));
    if (!result.ok) {
      lost(result.error);
      return setActionError(result.error);
    }
    setDetail(result.value);
  };

  /** A button that makes one change to the open user and says `done` once it is made. */
  const changeButton = (
    user: AdminPoolUserDetail,
    what: Change,
    label: string,
    done: string,
    ready = true,
  ) => (
    <button type="button" disabled={busy || !ready} onClick={() => void change(user, what, done)}>
      {label}
    </button>
  );

  const change = async (user: AdminPoolUserDetail, what: Change, done: string) => {
    setBusy(true);
    setActionError(null);
    setOutcome(null);
    const result = await call(() => window.desktop.admin.change({ username: user.username, change: what }));
    setBusy(false);
    if (!result.ok) {
      lost(result.error);
      if (result.error.code === 'NOT_CONFIRMED') {
        setOutcome(t('poolAdmin.notConfirmed'));
        return;
      }
      return setActionError(result.error);
    }
    setDetail(result.value);
    setOutcome(done);
    announce(done);
    if (list.kind === 'ready') {
      setList({
        ...list,
        users: list.users.map((u) =>
          u.username === result.value.username ? { ...u, enabled: result.value.enabled } : u,
        ),
      });
    }
  };

  const denied = list.kind === 'error' && list.error.code === 'AWS_ACCESS_DENIED';
  const addable = detail ? groups.filter((g) => !detail.groups.includes(g.name)) : [];

  return (
    <section aria-labelledby="pool-admin-heading" className="stack">
      <h2 id="pool-admin-heading" tabIndex={-1} ref={headingRef}>
        {t('poolAdmin.heading')}
      </h2>
      <p className="hint">{t('poolAdmin.intro')}</p>
      {denied ? (
        <div className="notice notice-info" role="status" data-testid="admin-role-denied">
          <p className="notice-title">{t('poolAdmin.denied.title')}</p>
          <p>
            {props.roleName
              ? t('poolAdmin.denied.textRole', { role: props.roleName })
              : t('poolAdmin.denied.text')}
          </p>
          <details>
            <summary>{t('common.details')}</summary>
            <p className="mono" data-i18n="raw">
              {list.error.message}
            </p>
          </details>
        </div>
      ) : (
        <form
          className="admin-search"
          role="search"
          onSubmit={(event) => {
            event.preventDefault();
            const query = prefix.trim() === '' ? undefined : { attribute, prefix: prefix.trim() };
            setSearch(query);
            setDetail(null);
            void load(query);
          }}
        >
          <div className="field">
            <label htmlFor={`${id}-attr`}>{t('poolAdmin.searchBy')}</label>
            <select
              id={`${id}-attr`}
              value={attribute}
              onChange={(e) => setAttribute(e.target.value as AdminUserSearch['attribute'])}
            >
              <option value="username">{t('poolAdmin.attr.username')}</option>
              <option value="email">{t('poolAdmin.attr.email')}</option>
              <option value="name">{t('poolAdmin.attr.name')}</option>
              <option value="sub">{t('poolAdmin.attr.sub')}</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-prefix`}>{t('poolAdmin.startsWith')}</label>
            <input
              id={`${id}-prefix`}
              type="search"
              value={prefix}
              maxLength={256}
              autoComplete="off"
              spellCheck={false}
              onChange={(e) => setPrefix(e.target.value.replace(/["\\]/g, ''))}
            />
          </div>
          <button type="submit">{t('poolAdmin.search')}</button>
        </form>
      )}
      {list.kind === 'loading' ? (
        <p role="status" className="muted">
          {t('admin.loading')}
        </p>
      ) : list.kind === 'error' ? (
        denied ? null : (
          <ErrorNotice
            error={list.error}
            context={t('admin.loadFailed')}
            action={
              <button type="button" onClick={() => void load(search)}>
                {t('common.tryAgain')}
              </button>
            }
          />
        )
      ) : list.users.length === 0 ? (
        <p className="empty" role="status">
          {search ? t('admin.noMatch') : t('admin.empty')}
        </p>
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">{t('admin.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('admin.col.user')}</th>
                <th scope="col">{t('poolAdmin.col.email')}</th>
                <th scope="col">{t('poolAdmin.col.status')}</th>
                <th scope="col">{t('poolAdmin.col.enabled')}</th>
              </tr>
            </thead>
            <tbody>
              {list.users.map((user) => (
                <tr key={user.username}>
                  <td>
                    <button
                      type="button"
                      className="link-button"
                      aria-expanded={detail?.username === user.username}
                      aria-controls={`${id}-detail`}
                      onClick={() => void open(user.username)}
                    >
                      {user.username}
                    </button>
                  </td>
                  <td>{user.email ?? '—'}</td>
                  <td className="mono">{user.status}</td>
                  <td>{user.enabled ? t('poolAdmin.enabled') : t('poolAdmin.disabled')}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {list.next ? (
            <button type="button" disabled={list.loadingMore} onClick={() => void loadMore()}>
              {list.loadingMore ? t('common.loading') : t('poolAdmin.more')}
            </button>
          ) : null}
        </div>
      )}
      {actionError ? <ErrorNotice error={actionError} context={t('poolAdmin.changeFailed')} /> : null}
      {outcome ? (
        <p role="status" className="notice notice-info" data-testid="admin-outcome">
          {outcome}
        </p>
      ) : null}
      <div id={`${id}-detail`}>
        {detail ? (
          <section className="card stack" aria-labelledby={`${id}-detail-heading`} data-testid="admin-detail">
            <h3 id={`${id}-detail-heading`} tabIndex={-1} ref={detailHeadingRef}>
              {t('admin.detail.heading', { name: detail.username })}
            </h3>
            <dl className="facts">
              <dt>{t('admin.detail.userId')}</dt>
              <dd className="mono">{detail.sub || '—'}</dd>
              <dt>{t('poolAdmin.col.status')}</dt>
              <dd className="mono">{detail.status}</dd>
              <dt>{t('poolAdmin.col.enabled')}</dt>
              <dd data-testid="admin-enabled">
                {detail.enabled ? t('poolAdmin.enabled') : t('poolAdmin.disabled')}
              </dd>
              <dt>{t('poolAdmin.created')}</dt>
              <dd>{detail.createdAt === null ? '—' : format.dateTime(detail.createdAt)}</dd>
              {detail.attributes
                .filter((a) => a.name !== 'sub')
                .map((a) => (
                  <div key={a.name} className="fact-row">
                    <dt className="mono" data-i18n="raw">
                      {a.name}
                    </dt>
                    <dd>{a.value}</dd>
                  </div>
                ))}
            </dl>
            <h4>{t('admin.col.groups')}</h4>
            {detail.groups.length === 0 ? (
              <p className="muted">{t('home.noGroups')}</p>
            ) : (
              <ul className="stack" aria-label={t('admin.col.groups')}>
                {detail.groups.map((g) => (
                  <li key={g}>
                    <span className="badge">{g}</span>{' '}
                    {changeButton(
                      detail,
                      { op: 'remove-from-group', group: g },
                      t('poolAdmin.removeFrom', { group: g }),
                      t('poolAdmin.removed', { user: detail.username, group: g }),
                    )}
                  </li>
                ))}
              </ul>
            )}
            {addable.length > 0 ? (
              <div className="field">
                <label htmlFor={`${id}-group`}>{t('poolAdmin.addTo')}</label>
                <select
                  id={`${id}-group`}
                  value={groupChoice}
                  onChange={(e) => setGroupChoice(e.target.value)}
                >
                  <option value="">{t('poolAdmin.chooseGroup')}</option>
                  {addable.map((g) => (
                    <option key={g.name} value={g.name}>
                      {g.name}
                    </option>
                  ))}
                </select>
                {changeButton(
                  detail,
                  { op: 'add-to-group', group: groupChoice },
                  t('poolAdmin.add'),
                  t('poolAdmin.added', { user: detail.username, group: groupChoice }),
                  groupChoice !== '',
                )}
              </div>
            ) : null}
            <div className="actions">
              {detail.enabled
                ? changeButton(
                    detail,
                    { op: 'disable' },
                    t('poolAdmin.disable'),
                    t('poolAdmin.disabledDone', { user: detail.username }),
                  )
                : changeButton(
                    detail,
                    { op: 'enable' },
                    t('poolAdmin.enable'),
                    t('poolAdmin.enabledDone', { user: detail.username }),
                  )}
              {changeButton(
                detail,
                { op: 'global-sign-out' },
                t('poolAdmin.globalSignOut', { user: detail.username }),
                t('poolAdmin.signedOutDone', { user: detail.username }),
              )}
              <button type="button" onClick={() => setDetail(null)}>
                {t('common.close')}
              </button>
            </div>
          </section>
        ) : null}
      </div>
    </section>
  );
}
