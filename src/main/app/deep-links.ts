import type { Session } from '../auth/session';
import type { ResolvedProfile } from '../config/profile';
import { parseDeepLink } from '../deep-link';
import type { Logger } from '../log/logger';

/**
 * A deep link from the OS (open-url, argv), matched against the active profile's registered
 * redirects. Resolves true when it completed a pending sign-in; never rejects.
 */
export interface DeepLinkOptions {
  activeProfile(): ResolvedProfile | undefined;
  currentSession(): Session | undefined;
  log: Logger;
}

/** How long a callback deep link waits for a sign-in that is still starting to attach. */
const DEEP_LINK_ATTACH_WAIT_MS = 2000;

export function createDeepLinkHandler(options: DeepLinkOptions): (raw: string) => Promise<boolean> {
  const { log } = options;
  return async (raw) => {
    const active = options.activeProfile();
    const link = parseDeepLink(raw, {
      ...(active?.redirect.customScheme ? { callback: active.redirect.customScheme } : {}),
      ...(active?.signOutUrl ? { signedOut: active.signOutUrl } : {}),
    });
    if (!link) {
      // Not logged verbatim: it is attacker-controlled text.
      log.warn('deep link ignored: not a registered redirect of the active profile');
      return false;
    }
    if (link.kind === 'signed-out') {
      log.info('Hosted UI sign-out completed');
      return false;
    }
    // The engine attaches its attempt only after the browser was opened; a redirect that comes
    // back very fast can arrive in between, so give a starting sign-in a moment to attach.
    const deadline = Date.now() + DEEP_LINK_ATTACH_WAIT_MS;
    for (;;) {
      const current = options.currentSession();
      if (current?.handleRedirectUrl(link.url)) return true;
      if (current?.getState().status !== 'signing-in' || Date.now() >= deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    log.warn('deep link callback ignored: no sign-in is waiting for it');
    return false;
  };
}
