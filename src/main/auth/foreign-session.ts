import * as client from 'openid-client';
import type { NetTransport } from '../net/transport';
import type { Logger } from '../log/logger';
import type { Clock } from './clock';
import type { CredentialStore, LoadResult } from './credential-store';
import type { SessionBinding } from './credential-codec';
import { discoverOidcClient } from './oidc-client';

/**
 * What a restore does with a stored session that is not this profile's (credential store's
 * `mismatch`): the refresh token is never sent to the profile's own endpoints. It is revoked
 * where it was issued (its recorded issuer, at an endpoint on its recorded token origin, as the
 * recorded public client), within `timeoutMs`, best effort, and then removed from the keychain.
 *
 * API:
 *   discardForeignSession({ loaded, store, transport, timeoutMs, clock, log })
 *     -> { revocation: 'revoked' | 'failed' | 'timeout' | 'not-sent', removed: boolean }   never rejects
 *
 * Why sending it there is safe: the binding was recorded when the app received the token from that
 * very token endpoint, so the token goes back to where it came from and nowhere new. The current
 * profile's client secret is not sent (the current profile may be the attacker's; an old
 * confidential client's revocation then fails, which is the "best effort"). An entry with no
 * binding (written by an older version) has no known origin: it is removed without being sent
 * anywhere (docs/session.md, "A stored session is bound to where it came from").
 */
export interface ForeignSessionOutcome {
  revocation: 'revoked' | 'failed' | 'timeout' | 'not-sent';
  removed: boolean;
}

/** Revokes `refreshToken` at the authorization server it was issued by; never rejects. */
export async function revokeWhereIssued(
  binding: SessionBinding,
  refreshToken: string,
  options: { transport: NetTransport; timeoutMs: number; clock: Clock },
): Promise<'revoked' | 'failed' | 'timeout'> {
  let timer: unknown;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = options.clock.setTimeout(() => resolve('timeout'), options.timeoutMs);
  });
  const revoke = (async () => {
    // Discovery from the recorded issuer; its endpoints must be on the recorded token origin
    // (discoverOidcClient checks authorize, token and revocation against `domain`).
    const oidc = await discoverOidcClient(
      { issuer: binding.issuer, clientId: binding.clientId, domain: binding.tokenOrigin },
      { timeoutMs: options.timeoutMs, transport: options.transport },
    );
    await client.tokenRevocation(oidc.config, refreshToken, { token_type_hint: 'refresh_token' });
    return 'revoked' as const;
  })().catch(() => 'failed' as const);
  const outcome = await Promise.race([revoke, timeout]);
  options.clock.clearTimeout(timer);
  return outcome;
}

export async function discardForeignSession(options: {
  loaded: Extract<LoadResult, { kind: 'mismatch' }>;
  store: CredentialStore;
  transport: NetTransport;
  timeoutMs: number;
  clock: Clock;
  log: Logger;
}): Promise<ForeignSessionOutcome> {
  const { credential, reason } = options.loaded;
  const revocation = credential.binding
    ? await revokeWhereIssued(credential.binding, credential.refreshToken, options)
    : ('not-sent' as const);
  let removed = true;
  await options.store.clear().catch(() => {
    removed = false;
  });
  // Token-free: the reason and the outcome, never the token or the origins' paths.
  options.log.warn('a saved sign-in made for another sign-in service was not used', {
    reason,
    revocation,
    removed,
  });
  return { revocation, removed };
}
