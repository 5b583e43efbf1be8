/**
 * Sign-out for one session: wipe memory and keychain first, then revoke the refresh token at
 * the IdP (bounded), then optionally end the Hosted UI session in the system browser.
 *
 * Promises:
 *  - The wipe comes first, so a hung or failed revocation can never leave anything behind
 *    locally; if the keychain refuses the removal, the state carries the KEYCHAIN_ENTRY_LEFT
 *    warning and the credential store has recorded the entry for removal at the next start.
 *  - Revocation is bounded by `revokeMs` and its failure is only logged.
 *  - The loopback "signed out" page listener is process-wide and one-shot; any sign-in closes it
 *    first (closeSignedOutPage), because it may hold a port the sign-in needs.
 */
import * as client from 'openid-client';
import type { SessionState } from '../../shared/session-state';
import { isLoopbackHttpUrl } from '../config/profile';
import { openLoopbackListener } from './loopback-listener';
import { computeState } from './session-core';
import type { OidcAccess, SessionCore } from './session-core';
import { wipe } from './session-persistence';

const SIGNED_OUT_PAGE_MS = 2 * 60_000;

let signedOutListener: { close(): Promise<void> } | undefined;

export async function closeSignedOutPage(): Promise<void> {
  const current = signedOutListener;
  signedOutListener = undefined;
  await current?.close().catch(() => undefined);
}

/** Revokes a refresh token at the IdP within `revokeMs`; never rejects. */
export async function revokeBounded(
  core: SessionCore,
  getOidc: OidcAccess,
  rt: string,
): Promise<'revoked' | 'failed' | 'timeout'> {
  let timer: unknown;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = core.clock.setTimeout(() => resolve('timeout'), core.revokeMs);
  });
  const revoke = (async () => {
    const { oidc } = await getOidc();
    await client.tokenRevocation(oidc.config, rt, { token_type_hint: 'refresh_token' });
    return 'revoked' as const;
  })().catch(() => 'failed' as const);
  const outcome = await Promise.race([revoke, timeout]);
  core.clock.clearTimeout(timer);
  return outcome;
}

function logoutUrl(core: SessionCore): string | undefined {
  const { profile } = core;
  if (!profile.signOutUrl) return undefined;
  const url = new URL('/logout', `${profile.domain}/`);
  url.searchParams.set('client_id', profile.clientId);
  url.searchParams.set('logout_uri', profile.signOutUrl);
  return url.href;
}

/**
 * The Hosted UI logout ends by redirecting the browser to signOutUrl. When that is a loopback
 * URL, answer it once with a fixed "signed out" page instead of a connection error; the
 * listener closes after one request or SIGNED_OUT_PAGE_MS. A busy port just skips the page.
 */
async function serveSignedOutPage(core: SessionCore): Promise<void> {
  const target = core.profile.signOutUrl ? new URL(core.profile.signOutUrl) : undefined;
  if (!target || !isLoopbackHttpUrl(target) || !target.port) return;
  await closeSignedOutPage();
  try {
    const listener = await openLoopbackListener({
      redirectUris: [target.href],
      onCallback: (callbackUrl) =>
        callbackUrl.search === ''
          ? {
              kind: 'accept',
              completion: Promise.resolve({ ok: true, title: 'Signed out', message: 'You are signed out.' }),
            }
          : { kind: 'reject', message: 'This is not a sign-out page.' },
      logger: core.log,
    });
    const timer = core.clock.setTimeout(() => void listener.close(), SIGNED_OUT_PAGE_MS);
    signedOutListener = { close: () => (core.clock.clearTimeout(timer), listener.close()) };
  } catch {
    core.log.info('sign-out page port busy; the browser will show its own page');
  }
}

export async function signOutSession(
  core: SessionCore,
  getOidc: OidcAccess,
  options: { endHostedUiSession: boolean },
): Promise<SessionState> {
  const rt = core.refreshToken.value;
  await wipe(core, 'user');
  if (rt) {
    const outcome = await revokeBounded(core, getOidc, rt);
    core.log.info('signed out', { revocation: outcome });
  }
  if (options.endHostedUiSession) {
    const url = logoutUrl(core);
    if (url) {
      await serveSignedOutPage(core);
      await core.openExternal(url).catch(() => core.log.warn('could not open the Hosted UI sign-out page'));
    }
  }
  return computeState(core);
}
