/**
 * The remote half of a sign-out, after memory and keychain are wiped: revoke the refresh token
 * at the IdP (bounded by `revokeMs`, failure only logged), then optionally the Hosted UI logout
 * page in the system browser. The loopback "signed out" page listener is process-wide and
 * one-shot; any sign-in closes it first (closeSignedOutPage), since it may hold a port the
 * sign-in needs.
 */
import * as client from 'openid-client';
import { isLoopbackHttpUrl } from '../config/profile';
import type { ResolvedProfile } from '../config/profile';
import type { Logger } from '../log/logger';
import type { Clock } from './clock';
import { openLoopbackListener } from './loopback-listener';
import type { OidcClient } from './oidc-client';

const SIGNED_OUT_PAGE_MS = 2 * 60_000;

let signedOutListener: { close(): Promise<void> } | undefined;

export async function closeSignedOutPage(): Promise<void> {
  const current = signedOutListener;
  signedOutListener = undefined;
  await current?.close().catch(() => undefined);
}

export interface RemoteDeps {
  profile: ResolvedProfile;
  clock: Clock;
  log: Logger;
  revokeMs: number;
  getOidc: () => Promise<{ oidc: OidcClient }>;
  openExternal: (url: string) => Promise<void>;
}

/** Revokes a refresh token at the IdP within `revokeMs`; never rejects. */
export async function revokeBounded(deps: RemoteDeps, rt: string): Promise<'revoked' | 'failed' | 'timeout'> {
  let timer: unknown;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = deps.clock.setTimeout(() => resolve('timeout'), deps.revokeMs);
  });
  const revoke = (async () => {
    const { oidc } = await deps.getOidc();
    await client.tokenRevocation(oidc.config, rt, { token_type_hint: 'refresh_token' });
    return 'revoked' as const;
  })().catch(() => 'failed' as const);
  const outcome = await Promise.race([revoke, timeout]);
  deps.clock.clearTimeout(timer);
  return outcome;
}

function logoutUrl(profile: ResolvedProfile): string | undefined {
  if (!profile.signOutUrl) return undefined;
  const url = new URL('/logout', `${profile.domain}/`);
  url.searchParams.set('client_id', profile.clientId);
  url.searchParams.set('logout_uri', profile.signOutUrl);
  return url.href;
}

/**
 * The Hosted UI logout ends by redirecting the browser to signOutUrl. When that is a loopback
 * URL, answer it once with a fixed "signed out" page instead of a connection error. A busy port
 * just skips the page.
 */
async function serveSignedOutPage(deps: RemoteDeps): Promise<void> {
  const target = deps.profile.signOutUrl ? new URL(deps.profile.signOutUrl) : undefined;
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
      logger: deps.log,
    });
    const timer = deps.clock.setTimeout(() => void listener.close(), SIGNED_OUT_PAGE_MS);
    signedOutListener = { close: () => (deps.clock.clearTimeout(timer), listener.close()) };
  } catch {
    deps.log.info('sign-out page port busy; the browser will show its own page');
  }
}

/** Revoke (if a token), then the Hosted UI logout (if asked and configured). Never rejects. */
export async function endRemoteSession(
  deps: RemoteDeps,
  how: { refreshToken: string | undefined; hostedUiLogout: boolean },
): Promise<void> {
  if (how.refreshToken) {
    const outcome = await revokeBounded(deps, how.refreshToken);
    deps.log.info('signed out', { revocation: outcome });
  }
  if (!how.hostedUiLogout) return;
  const url = logoutUrl(deps.profile);
  if (!url) return;
  await serveSignedOutPage(deps);
  await deps.openExternal(url).catch(() => deps.log.warn('could not open the Hosted UI sign-out page'));
}
