import type { Profiles } from '../../../shared/ipc-contract';
import type { SessionState } from '../../../shared/session-state';
import type { UiError } from '../api-call';
import { DemoBadge } from '../components/DemoBadge';
import { CopySignInLink } from '../components/CopySignInLink';
import { ErrorNotice } from '../components/ErrorNotice';
import { ExportDiagnosticsButton } from '../components/ExportDiagnosticsButton';
import { SignInButtons } from '../components/SignInButtons';
import { formatDuration } from '../format-time';
import { useFocusOnMount } from '../hooks/use-focus-on-mount';
import { useNow } from '../hooks/use-now';
import { useT } from '../i18n';

export type SessionEndedReason = 'expired' | 'revoked' | 'signed-out-elsewhere' | null;

const ENDED_MESSAGE = {
  expired: 'signIn.ended.expired',
  revoked: 'signIn.ended.revoked',
  'signed-out-elsewhere': 'signIn.ended.elsewhere',
} as const;

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
  onOpenSettings: () => void;
}) {
  const t = useT();
  const headingRef = useFocusOnMount<HTMLHeadingElement>();
  const active = props.profiles?.profiles.find((p) => p.id === props.profiles?.activeProfileId);
  // A bad profile file or policy is the one error shown: the session only repeats it.
  const configError = props.profiles?.configError;
  const stateError =
    props.session.reason === 'error' && !(configError && props.session.error?.code === 'CONFIG_INVALID')
      ? props.session.error
      : undefined;
  const shownError =
    props.signInError ?? (stateError ? { code: stateError.code, message: stateError.message } : null);
  const canSignIn = Boolean(active) && !props.switchingProfile;

  return (
    <main className="center-screen" aria-labelledby="sign-in-heading">
      <div className="card sign-in-card">
        <h1 id="sign-in-heading" tabIndex={-1} ref={headingRef}>
          {t('app.name')}
        </h1>
        {props.sessionEnded ? (
          <div className="notice notice-warning" role="alert" data-testid="session-ended">
            <p className="notice-title">{t(ENDED_MESSAGE[props.sessionEnded])}</p>
            <p>{props.unsavedWork ? t('signIn.ended.continueKept') : t('signIn.ended.continue')}</p>
          </div>
        ) : null}
        {props.session.warning ? (
          // Signed out, but something is left behind the user should know about (e.g. the
          // keychain refused to delete the saved sign-in). Known codes are translated; main's
          // plain-words English text is the fallback for a code this build does not know.
          <div className="notice notice-warning" role="alert" data-testid="sign-out-warning">
            <p className="notice-title">
              {props.session.warning.code === 'KEYCHAIN_ENTRY_LEFT'
                ? t('signIn.warning.KEYCHAIN_ENTRY_LEFT')
                : props.session.warning.message}
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
            action={<ExportDiagnosticsButton />}
          />
        ) : null}
        {shownError ? (
          <ErrorNotice
            error={shownError}
            role={shownError.code === 'SIGN_IN_CANCELLED' ? 'status' : 'alert'}
            tone={shownError.code === 'SIGN_IN_CANCELLED' ? 'info' : 'error'}
            action={shownError.code === 'SIGN_IN_CANCELLED' ? undefined : <ExportDiagnosticsButton />}
          />
        ) : null}
        <SignInButtons options={active?.signInOptions} disabled={!canSignIn} onSignIn={props.onSignIn} />
        <p className="hint">{t('signIn.hint')}</p>
        <button type="button" className="link-button" onClick={props.onOpenSettings}>
          {t('nav.settings')}
        </button>
      </div>
    </main>
  );
}

function EnvironmentPicker(props: {
  profiles: Profiles | null;
  onSwitchProfile: (profileId: string) => void;
  switchingProfile: boolean;
}) {
  const t = useT();
  const selectId = 'environment-select';
  const profiles = props.profiles;
  if (!profiles) return <p className="muted">{t('signIn.loadingEnvironments')}</p>;
  if (profiles.profiles.length === 0) {
    // The configuration error below says why there is none.
    if (profiles.configError) return null;
    return (
      <ErrorNotice error={{ code: 'CONFIG_INVALID', message: 'No environment (profile) is configured.' }} />
    );
  }
  const active = profiles.profiles.find((p) => p.id === profiles.activeProfileId);
  return (
    <div className="field">
      {profiles.profiles.length > 1 ? (
        <>
          <label htmlFor={selectId}>{t('home.environment')}</label>
          <select
            id={selectId}
            value={profiles.activeProfileId ?? ''}
            disabled={props.switchingProfile}
            onChange={(event) => props.onSwitchProfile(event.target.value)}
          >
            {profiles.activeProfileId === null ? (
              <option value="">{t('signIn.chooseEnvironment')}</option>
            ) : null}
            {profiles.profiles.map((p) => (
              <option key={p.id} value={p.id}>
                {p.label}
              </option>
            ))}
          </select>
        </>
      ) : (
        <p>
          {t('signIn.environment')} <strong>{active?.label ?? profiles.profiles[0]?.label}</strong>
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
  const t = useT();
  const headingRef = useFocusOnMount<HTMLHeadingElement>();
  const now = useNow(1000);
  return (
    <main className="center-screen" aria-labelledby="waiting-heading">
      <div className="card sign-in-card">
        <h1 id="waiting-heading" tabIndex={-1} ref={headingRef}>
          {t('waiting.heading')}
        </h1>
        <p>{t('waiting.text')}</p>
        <p>
          {t('waiting.for')}{' '}
          <span role="timer" data-testid="elapsed">
            {formatDuration(now - props.session.startedAt)}
          </span>
        </p>
        <div className="actions">
          <button type="button" onClick={props.onCancel}>
            {t('common.cancel')}
          </button>
          <button type="button" className="link-button" onClick={props.onReopen}>
            {t('waiting.reopen')}
          </button>
        </div>
        <CopySignInLink />
        <p className="hint" role="status">
          {props.reopenedAt === null ? t('waiting.reopenHint') : t('waiting.reopened')}
        </p>
      </div>
    </main>
  );
}
