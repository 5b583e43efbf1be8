import type { Dispatch, SetStateAction } from 'react';
import type { ProfileSummary } from '../../../shared/ipc-contract';
import type { SessionState } from '../../../shared/session-state';
import type { UiError } from '../api-call';
import { DemoBadge } from '../components/DemoBadge';
import { ErrorNotice } from '../components/ErrorNotice';
import { SignOutMenu } from '../components/SignOutMenu';
import { OutageLine, RetryNowButton, outagePhase } from '../components/OfflineStatus';
import { useFormat, useT } from '../i18n';
import { useNow } from '../hooks/use-now';
import type { NoteDrafts } from '../notes-model';
import type { SessionHistory } from '../session-history';
import { AdminScreen } from './AdminScreen';
import { ApiConsoleScreen } from './ApiConsoleScreen';
import { HomeScreen } from './HomeScreen';
import { NotesScreen } from './NotesScreen';
import { PoolAdminScreen } from './PoolAdminScreen';
import { SessionsScreen } from './SessionsScreen';
import { SettingsScreen, type SettingsScreenProps } from './SettingsScreen';

export type View = 'home' | 'notes' | 'admin' | 'console' | 'sessions' | 'settings';
type SignedIn = Extract<SessionState, { status: 'signed-in' }>;

export const ADMIN_GROUP = 'admin';

/** The signed-in app: header with navigation and account menu, banners, and the current view. */
export function SignedInShell(props: {
  session: SignedIn;
  history: SessionHistory;
  profile: ProfileSummary | undefined;
  settings: SettingsScreenProps;
  view: View;
  onNavigate: (view: View) => void;
  drafts: NoteDrafts;
  setDrafts: Dispatch<SetStateAction<NoteDrafts>>;
  onSignOut: (endHostedUiSession: boolean) => void;
  /** GlobalSignOut (confirmed in main's dialog), then this device signs out. */
  onSignOutEverywhere: () => void;
  signingOut: boolean;
  signOutError: UiError | null;
  /** An outage is under way (offline, or retrying after being offline). */
  degraded: boolean;
}) {
  const t = useT();
  const { session, view } = props;
  // With an identity pool the Admin page is the user pool itself and the role decides: everyone
  // sees the link, and a role without the permissions gets the page's explanation.
  const poolAdmin = props.profile?.identityPool === true;
  const isAdmin = poolAdmin || session.user.groups.includes(ADMIN_GROUP);
  const links: Array<{ view: View; label: string }> = [
    { view: 'home', label: t('nav.home') },
    { view: 'notes', label: t('nav.notes') },
    ...(isAdmin ? [{ view: 'admin' as const, label: t('nav.admin') }] : []),
    { view: 'console', label: t('nav.console') },
    ...(props.profile?.sessionTracking ? [{ view: 'sessions' as const, label: t('nav.sessions') }] : []),
    { view: 'settings', label: t('nav.settings') },
  ];

  return (
    <div className="app">
      <header className="app-header">
        <h1 className="app-name">{t('app.name')}</h1>
        <span className="env">
          {props.profile?.label}
          {props.profile?.demo ? <DemoBadge /> : null}
        </span>
        <nav aria-label={t('nav.main')}>
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
        <SignOutMenu
          username={session.user.username}
          busy={props.signingOut}
          onSignOut={props.onSignOut}
          {...(props.profile?.passkeys
            ? { onAddPasskey: () => void window.desktop.auth.addPasskey().catch(() => undefined) }
            : {})}
          onSignOutEverywhere={props.onSignOutEverywhere}
        />
      </header>
      {session.connectivity === 'offline' || (props.degraded && session.connectivity === 'refreshing') ? (
        <OfflineBanner session={session} />
      ) : null}
      {props.signOutError ? (
        <ErrorNotice error={props.signOutError} context={t('account.signOutProblem')} />
      ) : null}
      <main className="content" id="content">
        {view === 'home' ? (
          <HomeScreen
            session={session}
            history={props.history}
            profile={props.profile}
            degraded={props.degraded}
          />
        ) : null}
        {view === 'notes' ? <NotesScreen drafts={props.drafts} setDrafts={props.setDrafts} /> : null}
        {view === 'admin' ? (
          poolAdmin ? (
            <PoolAdminScreen roleName={session.aws?.status === 'ready' ? session.aws.roleName : null} />
          ) : (
            <AdminScreen />
          )
        ) : null}
        {view === 'sessions' ? <SessionsScreen /> : null}
        {view === 'console' ? <ApiConsoleScreen apis={props.profile?.apis ?? []} /> : null}
        {view === 'settings' ? <SettingsScreen {...props.settings} /> : null}
      </main>
    </div>
  );
}

/** Non-blocking: the app keeps working while the access token is still valid. */
function OfflineBanner(props: { session: SignedIn }) {
  const t = useT();
  const format = useFormat();
  const now = useNow(1000);
  const { session } = props;
  const valid = session.accessTokenExpiresAt > now;
  const phase = outagePhase(session, now);
  return (
    <div className="banner banner-offline" data-testid="offline-banner">
      <p role="status">
        <strong>{t('offline.title')}</strong>{' '}
        {valid
          ? t('offline.keepWorking', { time: format.time(session.accessTokenExpiresAt) })
          : t('offline.wait')}
      </p>
      <p data-testid="offline-next">
        <OutageLine phase={phase} />
      </p>
      <RetryNowButton phase={phase} />
    </div>
  );
}
