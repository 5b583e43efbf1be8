import type { Dispatch, SetStateAction } from 'react';
import type { ProfileSummary } from '../../../shared/ipc-contract';
import type { SessionState } from '../../../shared/session-state';
import type { UiError } from '../api-call';
import { DemoBadge } from '../components/DemoBadge';
import { ErrorNotice } from '../components/ErrorNotice';
import { SignOutMenu } from '../components/SignOutMenu';
import { formatClock, formatRetry } from '../format-time';
import { useNow } from '../hooks/use-now';
import type { NoteDrafts } from '../notes-model';
import { AdminScreen } from './AdminScreen';
import { ApiConsoleScreen } from './ApiConsoleScreen';
import { HomeScreen } from './HomeScreen';
import { NotesScreen } from './NotesScreen';

export type View = 'home' | 'notes' | 'admin' | 'console';
type SignedIn = Extract<SessionState, { status: 'signed-in' }>;

export const ADMIN_GROUP = 'admin';

/** The signed-in app: header with navigation and account menu, banners, and the current view. */
export function SignedInShell(props: {
  session: SignedIn;
  profile: ProfileSummary | undefined;
  view: View;
  onNavigate: (view: View) => void;
  drafts: NoteDrafts;
  setDrafts: Dispatch<SetStateAction<NoteDrafts>>;
  onSignOut: (endHostedUiSession: boolean) => void;
  signingOut: boolean;
  signOutError: UiError | null;
  /** An outage is under way (offline, or retrying after being offline). */
  degraded: boolean;
}) {
  const { session, view } = props;
  const isAdmin = session.user.groups.includes(ADMIN_GROUP);
  const links: Array<{ view: View; label: string }> = [
    { view: 'home', label: 'Home' },
    { view: 'notes', label: 'Notes' },
    ...(isAdmin ? [{ view: 'admin' as const, label: 'Admin' }] : []),
    { view: 'console', label: 'API console' },
  ];

  return (
    <div className="app">
      <header className="app-header">
        <h1 className="app-name">Cognito Desktop</h1>
        <span className="env">
          {props.profile?.label}
          {props.profile?.demo ? <DemoBadge /> : null}
        </span>
        <nav aria-label="Main">
          <ul>
            {links.map((link) => (
              <li key={link.view}>
                <button
                  type="button"
                  className="nav-link"
                  aria-current={view === link.view ? 'page' : undefined}
                  onClick={() => props.onNavigate(link.view)}
                >
                  {link.label}
                </button>
              </li>
            ))}
          </ul>
        </nav>
        <SignOutMenu username={session.user.username} busy={props.signingOut} onSignOut={props.onSignOut} />
      </header>
      {session.connectivity === 'offline' || (props.degraded && session.connectivity === 'refreshing') ? (
        <OfflineBanner session={session} />
      ) : null}
      {props.signOutError ? (
        <ErrorNotice error={props.signOutError} context="Sign-out had a problem." />
      ) : null}
      <main className="content" id="content">
        {view === 'home' ? <HomeScreen session={session} profile={props.profile} /> : null}
        {view === 'notes' ? <NotesScreen drafts={props.drafts} setDrafts={props.setDrafts} /> : null}
        {view === 'admin' ? <AdminScreen /> : null}
        {view === 'console' ? <ApiConsoleScreen apis={props.profile?.apis ?? []} /> : null}
      </main>
    </div>
  );
}

/** Non-blocking: the app keeps working while the access token is still valid. */
function OfflineBanner(props: { session: SignedIn }) {
  const now = useNow(1000);
  const { session } = props;
  const valid = session.accessTokenExpiresAt > now;
  return (
    <div className="banner banner-offline" data-testid="offline-banner">
      <p role="status">
        <strong>Offline: the sign-in service cannot be reached.</strong>{' '}
        {valid
          ? `You can keep working until ${formatClock(session.accessTokenExpiresAt)}.`
          : 'Requests will wait until the connection returns.'}
      </p>
      {session.connectivity === 'refreshing' ? (
        <p>Reconnecting…</p>
      ) : session.nextRetryAt !== undefined ? (
        <p>
          Next retry <span role="timer">{formatRetry(session.nextRetryAt - now)}</span>.
        </p>
      ) : null}
    </div>
  );
}
