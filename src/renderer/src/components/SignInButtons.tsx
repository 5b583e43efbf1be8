import { useT } from '../i18n';

/**
 * The sign-in buttons: one per profile `signInOptions` entry ("Sign in with Example Corp SSO",
 * "Sign in with email and password"), or today's single "Sign in" when the profile has none. Only
 * labels reach the renderer; main maps the index to identity_provider / idp_identifier.
 */
export function SignInButtons(props: {
  options: ReadonlyArray<{ label: string }> | undefined;
  disabled: boolean;
  onSignIn: (option?: number) => void;
}) {
  const t = useT();
  const options = props.options ?? [];
  if (options.length === 0) {
    return (
      <button type="button" className="primary" disabled={props.disabled} onClick={() => props.onSignIn()}>
        {t('signIn.button')}
      </button>
    );
  }
  return (
    <div className="sign-in-options" role="group" aria-label={t('signIn.options.group')}>
      {options.map((option, index) => (
        <button
          key={option.label}
          type="button"
          className={index === 0 ? 'primary' : undefined}
          disabled={props.disabled}
          onClick={() => props.onSignIn(index)}
        >
          {option.label}
        </button>
      ))}
    </div>
  );
}
