/**
 * Which extra authorize parameters a sign-in sends, from the profile's `signInOptions` (the button
 * the user pressed) and `loginHint`: Cognito's `identity_provider` / `idp_identifier` (straight to
 * that IdP, or `COGNITO` for the username/password page), `login_hint` (pre-fills the username),
 * and `lang` (managed login's language) when the caller knows the app's language. Only these four
 * names ever come out of here; the sign-in flow puts them before its own parameters anyway.
 */
import { AppError } from '../../shared/errors';
import type { ResolvedProfile } from '../config/profile';

export interface SignInChoice {
  /** Index into profile.signInOptions; absent = the first (or the plain Hosted UI when there are none). */
  signInOption?: number | undefined;
  /** The app's language, e.g. "en" or "de" (Cognito managed login's `lang`). */
  lang?: string | undefined;
}

export function authorizeParamsFor(
  profile: Pick<ResolvedProfile, 'signInOptions' | 'loginHint'>,
  choice: SignInChoice,
  lastUsername: string | undefined,
): Record<string, string> {
  const options = profile.signInOptions ?? [];
  const index = choice.signInOption ?? 0;
  if (choice.signInOption !== undefined && index >= options.length) {
    throw new AppError('IPC_INVALID_ARGUMENT', `The profile has no sign-in option ${index}.`);
  }
  const option = options[index];
  const params: Record<string, string> = {};
  if (option?.identityProvider !== undefined) params['identity_provider'] = option.identityProvider;
  if (option?.idpIdentifier !== undefined) params['idp_identifier'] = option.idpIdentifier;
  if (profile.loginHint && lastUsername) params['login_hint'] = lastUsername;
  if (choice.lang && /^[a-z]{2,3}(-[A-Za-z]{2,4})?$/.test(choice.lang)) params['lang'] = choice.lang;
  return params;
}
