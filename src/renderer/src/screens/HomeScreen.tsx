import type { ProfileSummary } from '../../../shared/ipc-contract';
import type { SessionState } from '../../../shared/session-state';
import { SessionPanel } from '../components/SessionPanel';
import { AwsAccessPanel } from '../components/AwsAccessPanel';
import { useFocusOnMount } from '../hooks/use-focus-on-mount';
import { useT } from '../i18n';
import type { SessionHistory } from '../session-history';

type SignedIn = Extract<SessionState, { status: 'signed-in' }>;

/** Who you are, where you are signed in, and how the session is doing. */
export function HomeScreen(props: {
  session: SignedIn;
  history: SessionHistory;
  profile: ProfileSummary | undefined;
  /** An outage is under way (offline, or retrying after being offline). */
  degraded: boolean;
}) {
  const t = useT();
  const headingRef = useFocusOnMount<HTMLHeadingElement>();
  const { user } = props.session;
  return (
    <section aria-labelledby="home-heading" className="stack">
      <h2 id="home-heading" tabIndex={-1} ref={headingRef}>
        {t('home.welcome', { name: user.username })}
      </h2>
      <div className="grid">
        <section className="card" aria-labelledby="user-heading">
          <h3 id="user-heading">{t('home.you')}</h3>
          <dl className="facts">
            <dt>{t('home.username')}</dt>
            <dd data-testid="username">{user.username}</dd>
            {user.identityProvider ? (
              <>
                <dt>{t('home.signedInWith')}</dt>
                <dd data-testid="identity-provider">{user.identityProvider}</dd>
              </>
            ) : null}
            <dt>{t('home.email')}</dt>
            <dd>{user.email ?? '—'}</dd>
            <dt>{t('home.groups')}</dt>
            <dd data-testid="groups">
              {user.groups.length === 0 ? (
                <span className="muted">{t('home.noGroups')}</span>
              ) : (
                <ul className="chips" aria-label={t('home.groups')}>
                  {user.groups.map((g) => (
                    <li key={g} className="badge">
                      {g}
                    </li>
                  ))}
                </ul>
              )}
            </dd>
            <dt>{t('home.environment')}</dt>
            {/* The header's badge already says "Demo user pool": once is enough. */}
            <dd data-testid="environment">{props.profile?.label ?? t('home.unknown')}</dd>
          </dl>
        </section>
        <SessionPanel session={props.session} history={props.history} degraded={props.degraded} />
        {props.session.aws ? <AwsAccessPanel aws={props.session.aws} /> : null}
      </div>
    </section>
  );
}
