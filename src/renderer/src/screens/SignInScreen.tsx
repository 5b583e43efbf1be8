import type { Profiles } from '../../../shared/ipc-contract';
import type { SessionState } from '../../../shared/session-state';
import type { UiError } from '../api-call';
import { DemoBadge } from '../components/DemoBadge';
import { CopySignInLink } from '../components/CopySignInLink';
import { ErrorNotice } from '../components/ErrorNotice';
import { SignInButtons } from '../components/SignInButtons';
import { formatDuration } from '../format-time';
import { useFocusOnMount } from '../hooks/use-focus-on-mount';
import { useNow } from '../hooks/use-now';

export type SessionEndedReason = 'expired' | 'revoked' | null;

/** Signed out: pick the environment and sign in; the reason for being here comes first. */
export function SignInScreen(props: {
  session: Extract<SessionState, { status: 'signed-out' }>;
  profiles: Profiles | null;
  signInError: UiError | null;
  sessionEnded: SessionEndedReason;
  unsavedWork: boolean;
  /** `option`: index into the profile's signInOptions (absent: the plain Hosted UI). */
  onSignIn: (option?: number) => void;
  onSwitchProfile: (profileId: string) => void;
  switchingProfile: boolean;
}) {
  const headingRef = useFocusOnMount<HTMLHeadingElement>();
  const active = props.profiles?.profiles.find((p) => p.id === props.profiles?.activeProfileId);
  const stateError = props.session.reason === 'error' ? props.session.error : undefined;
  const shownError =
    props.signInError ?? (stateError ? { code: stateError.code, message: stateError.message } : null);
  const canSignIn = Boolean(active) && !props.switchingProfile;

  return (
    <main className="center-screen" aria-labelledby="sign-in-heading">
      <div className="card sign-in-card">
        <h1 id="sign-in-heading" tabIndex={-1} ref={headingRef}>
          Cognito Desktop
        </h1>
        {props.sessionEnded ? (
          <div className="notice notice-warning" role="alert" data-testid="session-ended">
            <p className="notice-title">
              {props.sessionEnded === 'revoked'
                ? 'Your session was ended by the sign-in service (session expired).'
                : 'Your session expired.'}
            </p>
            <p>
              Sign in again to continue where you left off
              {props.unsavedWork ? '; your unsaved note text is kept' : ''}.
            </p>
          </div>
        ) : null}
        <EnvironmentPicker {...props} />
        {props.profiles?.configError ? (
          <ErrorNotice
            error={{
              code: 'CONFIG_INVALID',
              message: `${props.profiles.configError.file}: ${props.profiles.configError.message}`,
            }}
          />
        ) : null}
        {shownError ? (
          <ErrorNotice
            error={shownError}
            role={shownError.code === 'SIGN_IN_CANCELLED' ? 'status' : 'alert'}
            tone={shownError.code === 'SIGN_IN_CANCELLED' ? 'info' : 'error'}
          />
        ) : null}
        <SignInButtons options={active?.signInOptions} disabled={!canSignIn} onSignIn={props.onSignIn} />
        <p className="hint">Sign-in opens in your web browser. Your password is never typed into this app.</p>
      </div>
    </main>
  );
}

function EnvironmentPicker(props: {
  profiles: Profiles | null;
  onSwitchProfile: (profileId: string) => void;
  switchingProfile: boolean;
}) {
  const selectId = 'environment-select';
  const profiles = props.profiles;
  if (!profiles) return <p className="muted">Loading environments…</p>;
  if (profiles.profiles.length === 0) {
    return (
      <ErrorNotice error={{ code: 'CONFIG_INVALID', message: 'No environment (profile) is configured.' }} />
    );
  }
  const active = profiles.profiles.find((p) => p.id === profiles.activeProfileId);
  return (
    <div className="field">
      {profiles.profiles.length > 1 ? (
        <>
          <label htmlFor={selectId}>Environment</label>
          <select
            id={selectId}
            value={profiles.activeProfileId ?? ''}
            disabled={props.switchingProfile}
            onChange={(event) => props.onSwitchProfile(event.target.value)}
          >
            {profiles.activeProfileId === null ? <option value="">Choose an environment</option> : null}
            {profiles.profiles.map((p) => (
              <option key={p.id} value={p.id}>
                {p.label}
              </option>
            ))}
          </select>
        </>
      ) : (
        <p>
          Environment: <strong>{active?.label ?? profiles.profiles[0]?.label}</strong>
        </p>
      )}
      {active?.demo ? <DemoBadge /> : null}
    </div>
  );
}

/** Waiting for the browser: what to do there, how long it has been, and the ways out. */
export function WaitingForBrowserScreen(props: {
  session: Extract<SessionState, { status: 'signing-in' }>;
  onCancel: () => void;
  onReopen: () => void;
  reopenedAt: number | null;
}) {
  const headingRef = useFocusOnMount<HTMLHeadingElement>();
  const now = useNow(1000);
  return (
    <main className="center-screen" aria-labelledby="waiting-heading">
      <div className="card sign-in-card">
        <h1 id="waiting-heading" tabIndex={-1} ref={headingRef}>
          Continue in your browser
        </h1>
        <p>
          A sign-in page opened in your web browser. Sign in there; this window continues by itself when you
          are done.
        </p>
        <p>
          Waiting for{' '}
          <span role="timer" data-testid="elapsed">
            {formatDuration(now - props.session.startedAt)}
          </span>
        </p>
        <div className="actions">
          <button type="button" onClick={props.onCancel}>
            Cancel
          </button>
          <button type="button" className="link-button" onClick={props.onReopen}>
            Open the sign-in page again
          </button>
        </div>
        <CopySignInLink />
        <p className="hint" role="status">
          {props.reopenedAt === null
            ? 'Closed the browser tab by mistake? Open the page again.'
            : 'Opened the sign-in page again.'}
        </p>
      </div>
    </main>
  );
}
