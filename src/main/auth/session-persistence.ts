/**
 * The session's side of the keychain: what is saved when, what is removed when, and what a
 * start restores.
 *
 * Promises:
 *  - Only two things remove a refresh token: an explicit sign-out and `invalid_grant` (wipe()).
 *    Dispose (quit, profile switch) never clears the keychain, and neither does a refresh that
 *    finishes after dispose: its rotated refresh token is saved like any other.
 *  - A rotated refresh token is saved before the old one leaves memory. If a sign-out happened
 *    while it was being saved, the save is undone: the sign-out wins.
 *  - A keychain entry that could not be removed at sign-out is reported in the state
 *    (warning KEYCHAIN_ENTRY_LEFT) and, by the credential store, recorded token-free so the next
 *    start revokes and removes it instead of restoring it.
 */
import { AppError } from '../../shared/errors';
import type { SignedOutReason } from '../../shared/session-state';
import { sessionBindingOf } from './credential-codec';
import { clearTimers, publish } from './session-core';
import type { SessionCore } from './session-core';
import type { TokenSet } from './token-set';

export const KEYCHAIN_ENTRY_LEFT = {
  code: 'KEYCHAIN_ENTRY_LEFT',
  message:
    'You are signed out, but the saved sign-in could not be removed from the keychain. ' +
    'The app will remove it the next time it starts; you can also delete it in your keychain app.',
} as const;

/** Saves `next`'s refresh token when it is new; throws SIGN_IN_REQUIRED if a sign-out won meanwhile. */
export async function persistTokens(
  core: SessionCore,
  next: TokenSet,
  gen: number,
  previousRefreshToken: string | undefined,
): Promise<void> {
  if (previousRefreshToken && next.refreshToken === previousRefreshToken) return;
  // Bound to where it came from: only a profile with the same issuer, domain and client uses it.
  const binding = sessionBindingOf(core.profile);
  await core.store.save({ refreshToken: next.refreshToken, user: next.user, binding });
  if (gen !== core.generation) {
    // Signed out while we were saving: undo, the sign-out wins. (Dispose does not bump the
    // generation, so a quit or profile switch mid-save keeps the new entry.)
    await core.store.clear().catch(() => undefined);
    throw new AppError('SIGN_IN_REQUIRED', 'Signed out.');
  }
}

/** Sign-out or a dead refresh token: memory and keychain wiped, then "signed out" published. */
export async function wipe(
  core: SessionCore,
  reason: SignedOutReason,
  error?: { code: string; message: string },
): Promise<void> {
  core.generation++;
  clearTimers(core);
  core.tokens = undefined;
  core.refreshToken.set(undefined);
  core.user = undefined;
  core.refreshInFlight = undefined;
  core.nextRetryAt = undefined;
  core.attempt = 0;
  core.forcedThisLifetime = false;
  core.connectivity = 'online';
  core.status = 'signed-out';
  core.signedOutReason = reason;
  core.lastError = error;
  core.warning = undefined;
  await removeStoredEntry(core);
  // Published only now: whoever sees "signed out" may rely on the keychain entry being gone, or
  // on the warning saying it is not.
  publish(core);
}

/** Removes this profile's keychain entry; on failure sets the KEYCHAIN_ENTRY_LEFT warning. */
export async function removeStoredEntry(core: SessionCore): Promise<boolean> {
  try {
    await core.store.clear();
    return true;
  } catch {
    core.log.warn('could not remove the keychain entry; recorded for removal at the next start');
    core.warning = { ...KEYCHAIN_ENTRY_LEFT };
    return false;
  }
}
