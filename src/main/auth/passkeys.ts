import { AppError } from '../../shared/errors';
import type { ResolvedProfile } from '../config/profile';
import { loopbackRedirectOrder } from './redirect-order';

/**
 * "Add a passkey..." (account menu): Cognito's managed login (version 2 only) serves
 * `<domain>/passkeys/add?client_id=...&redirect_uri=...` for the user signed in to the Hosted UI.
 * The page opens in the system browser like the sign-in itself; the external-URL policy admits
 * that path only for a profile with `managedLogin: 2`.
 */
export function passkeyAddUrl(profile: ResolvedProfile): string {
  if (profile.managedLogin !== 2) {
    throw new AppError(
      'CONFIG_INVALID',
      'Passkeys need Cognito managed login: this profile does not say managedLogin 2.',
    );
  }
  const redirectUri = loopbackRedirectOrder(profile)[0] ?? profile.redirect.customScheme;
  const url = new URL(`${profile.domain}/passkeys/add`);
  url.searchParams.set('client_id', profile.clientId);
  if (redirectUri) url.searchParams.set('redirect_uri', redirectUri);
  return url.toString();
}
