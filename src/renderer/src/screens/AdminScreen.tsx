import { useCallback, useEffect, useState } from 'react';
import { callApiExpectingSuccess, type UiError } from '../api-call';
import { useAppActions } from '../app-context';
import { ErrorNotice } from '../components/ErrorNotice';
import { useFocusOnMount } from '../hooks/use-focus-on-mount';

type Row = Record<string, unknown>;
type State = { kind: 'loading' } | { kind: 'error'; error: UiError } | { kind: 'ready'; users: Row[] };

function readUsers(value: unknown): Row[] | null {
  const list = Array.isArray(value)
    ? value
    : value && typeof value === 'object' && Array.isArray((value as Row)['users'])
      ? ((value as Row)['users'] as unknown[])
      : null;
  return list ? list.filter((u): u is Row => Boolean(u) && typeof u === 'object') : null;
}

function cell(value: unknown): string {
  if (Array.isArray(value)) return value.map(String).join(', ') || '—';
  if (value === null || value === undefined || value === '') return '—';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** Users from /admin/users. Linked only for the admin group; if reached anyway, the API's 403 is shown. */
export function AdminScreen() {
  const { onSessionLost } = useAppActions();
  const headingRef = useFocusOnMount<HTMLHeadingElement>();
  const [state, setState] = useState<State>({ kind: 'loading' });

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
    const users = body.kind === 'json' ? readUsers(body.value) : null;
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

  const columns =
    state.kind === 'ready'
      ? Array.from(new Set(state.users.flatMap((u) => Object.keys(u))))
          .filter((k) => k !== 'attributes')
          .slice(0, 6)
      : [];

  return (
    <section aria-labelledby="admin-heading" className="stack">
      <h2 id="admin-heading" tabIndex={-1} ref={headingRef}>
        Admin: users
      </h2>
      {state.kind === 'loading' ? (
        <p role="status" className="muted">
          Loading users…
        </p>
      ) : state.kind === 'error' ? (
        state.error.status === 403 ? (
          <div className="notice notice-error" role="alert" data-testid="admin-forbidden">
            <p className="notice-title">You do not have access to the admin page (403 Forbidden).</p>
            <p>
              Only members of the “admin” group can see the user list. Ask an administrator if you need it.
            </p>
            <details>
              <summary>Details</summary>
              <p className="mono">{state.error.message}</p>
            </details>
          </div>
        ) : (
          <ErrorNotice
            error={state.error}
            context="The user list could not be loaded."
            action={
              <button type="button" onClick={() => void load()}>
                Try again
              </button>
            }
          />
        )
      ) : state.users.length === 0 ? (
        <p className="empty">The user pool has no users.</p>
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Users of the user pool</caption>
            <thead>
              <tr>
                {columns.map((c) => (
                  <th key={c} scope="col">
                    {c}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {state.users.map((user, index) => (
                <tr key={cell(user['username'] ?? user['sub'] ?? index)}>
                  {columns.map((c) => (
                    <td key={c}>{cell(user[c])}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
