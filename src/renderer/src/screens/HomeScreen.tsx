import type { ProfileSummary } from '../../../shared/ipc-contract';
import type { SessionState } from '../../../shared/session-state';
import { DemoBadge } from '../components/DemoBadge';
import { SessionPanel } from '../components/SessionPanel';
import { useFocusOnMount } from '../hooks/use-focus-on-mount';

type SignedIn = Extract<SessionState, { status: 'signed-in' }>;

/** Who you are, where you are signed in, and how the session is doing. */
export function HomeScreen(props: { session: SignedIn; profile: ProfileSummary | undefined }) {
  const headingRef = useFocusOnMount<HTMLHeadingElement>();
  const { user } = props.session;
  return (
    <section aria-labelledby="home-heading" className="stack">
      <h2 id="home-heading" tabIndex={-1} ref={headingRef}>
        Welcome, {user.username}
      </h2>
      <div className="grid">
        <section className="card" aria-labelledby="user-heading">
          <h3 id="user-heading">You</h3>
          <dl className="facts">
            <dt>Username</dt>
            <dd data-testid="username">{user.username}</dd>
            <dt>Email</dt>
            <dd>{user.email ?? '—'}</dd>
            <dt>Groups</dt>
            <dd data-testid="groups">
              {user.groups.length === 0 ? (
                <span className="muted">No groups</span>
              ) : (
                <ul className="chips" aria-label="Groups">
                  {user.groups.map((g) => (
                    <li key={g} className="badge">
                      {g}
                    </li>
                  ))}
                </ul>
              )}
            </dd>
            <dt>Environment</dt>
            <dd>
              {props.profile?.label ?? 'Unknown'} {props.profile?.demo ? <DemoBadge /> : null}
            </dd>
          </dl>
        </section>
        <SessionPanel session={props.session} />
      </div>
    </section>
  );
}
