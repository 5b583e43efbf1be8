/**
 * Cognito's session management (UserPoolTokenSessionConfigType, ClientSSOSessionConfigType,
 * SessionDescriptionType), on when the definition has `sessionManagement`:
 *  - a token session per refresh-token family (one oidc-provider grant, i.e. one sign-in), at most
 *    `maxTokenSessionsPerUser` (default 20) per user: the next successful sign-in evicts the user's
 *    least recently used one first, whose refresh token then fails with `invalid_grant`;
 *  - its DeviceType comes from the User-Agent of the last sign-in or refresh, LastActiveDate from
 *    the last refresh or rotation;
 *  - the Hosted UI reuses a sign-in silently for `ssoSessionMaxValidityMinutes` (default 60) from
 *    the last fresh authentication; 0 asks for the login form every time (provider-config.ts).
 * The session records are owned here; ListUserSessions / RevokeUserSession (idp-api/) read and
 * end them. A session whose grant is gone (revoked, signed out, expired) is simply not active.
 */
import { randomInt } from 'node:crypto';

import type { KoaContextWithOIDC } from 'oidc-provider';

import type { PoolDefinition } from './types';

export const SESSION_DEFAULTS = { maxTokenSessionsPerUser: 20, ssoSessionMaxValidityMinutes: 60 } as const;

export interface TokenSession {
  /** `tkn` + 25 lowercase letters and digits, as Cognito's (28 characters). */
  sessionId: string;
  grantId: string;
  accountId: string;
  clientId: string;
  createdAt: number;
  lastActiveAt: number;
  deviceType: string;
  lastIpAddress: string | undefined;
}

const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

function newSessionId(): string {
  let id = 'tkn';
  for (let i = 0; i < 25; i += 1) id += ID_ALPHABET.charAt(randomInt(ID_ALPHABET.length));
  return id;
}

const MAX_DEVICE_TYPE = 1024;

/**
 * A readable device description from a User-Agent: `App 1.2.3 on Linux 6.1 (x64)` for the
 * `App/1.2.3 (OS version; arch)` form desktop apps send, the browser and OS for a browser, else
 * the product token; `unknown` without one. Cognito's exact wording is not documented.
 */
export function deviceTypeOf(userAgent: string | undefined): string {
  // Printable ASCII only: a header is never echoed with control or other odd characters.
  const ua = [...(userAgent ?? '')]
    .filter((c) => c >= ' ' && c <= '~')
    .join('')
    .trim();
  if (!ua) return 'unknown';
  const app = /^([\w.-]+)\/([\w.+-]+) \(([^;()]+);\s*([^;()]+)\)$/.exec(ua);
  if (app) return `${app[1]} ${app[2]} on ${app[3]?.trim()} (${app[4]?.trim()})`.slice(0, MAX_DEVICE_TYPE);
  const browser =
    /\b(Edg|Firefox|Chrome|Safari)\/(\d+)/.exec(ua.includes('Edg/') ? ua.replace(/Chrome\/\S+/, '') : ua) ??
    undefined;
  const os = /(Windows NT [\d.]+|Mac OS X [\d_]+|Android [\d.]+|iPhone OS [\d_]+|Linux|CrOS)/.exec(ua);
  if (browser) {
    const name = browser[1] === 'Edg' ? 'Edge' : browser[1];
    return `${name} ${browser[2]}${os ? ` on ${os[1]?.replace(/_/g, '.')}` : ''}`.slice(0, MAX_DEVICE_TYPE);
  }
  return (ua.split(' ')[0] ?? ua).slice(0, MAX_DEVICE_TYPE);
}

export interface TokenSessionsDeps {
  definition: PoolDefinition;
  grantAlive: (grantId: string) => Promise<boolean>;
  /** Ends a sign-in: its refresh tokens, access tokens (by origin_jti) and grant. */
  revokeGrant: (grantId: string) => Promise<void>;
  log: (line: string) => void;
  now?: () => number;
}

export function createTokenSessions(deps: TokenSessionsDeps) {
  const config = deps.definition.sessionManagement;
  const enabled = config !== undefined;
  const maxPerUser = config?.maxTokenSessionsPerUser ?? SESSION_DEFAULTS.maxTokenSessionsPerUser;
  const now = deps.now ?? (() => Date.now());
  const byGrant = new Map<string, TokenSession>();

  /** The user's active token sessions, oldest first; records of ended sign-ins are dropped. */
  async function active(accountId: string): Promise<TokenSession[]> {
    const mine = [...byGrant.values()].filter((s) => s.accountId === accountId);
    const alive = await Promise.all(mine.map((s) => deps.grantAlive(s.grantId)));
    mine.forEach((s, i) => {
      if (!alive[i]) byGrant.delete(s.grantId);
    });
    return mine.filter((_, i) => alive[i]).sort((a, b) => a.createdAt - b.createdAt);
  }

  /** A new sign-in: evicts the least recently used sessions over the limit first, then records it. */
  async function signedIn(grantId: string, accountId: string, clientId: string, req: RequestFacts) {
    if (byGrant.has(grantId)) return;
    const sessions = await active(accountId);
    const byUse = [...sessions].sort((a, b) => a.lastActiveAt - b.lastActiveAt);
    // Lowering the limit evicts nothing on its own; the next sign-in brings the user back within it.
    while (byUse.length >= maxPerUser) {
      const evicted = byUse.shift();
      if (!evicted) break;
      byGrant.delete(evicted.grantId);
      await deps.revokeGrant(evicted.grantId);
      deps.log(`user pool: token session ${evicted.sessionId} evicted (limit ${maxPerUser} per user)`);
    }
    const at = now();
    byGrant.set(grantId, {
      sessionId: newSessionId(),
      grantId,
      accountId,
      clientId,
      createdAt: at,
      lastActiveAt: at,
      deviceType: deviceTypeOf(req.userAgent),
      lastIpAddress: req.ipAddress,
    });
  }

  function refreshed(grantId: string, req: RequestFacts): void {
    const session = byGrant.get(grantId);
    if (!session) return;
    session.lastActiveAt = now();
    session.deviceType = deviceTypeOf(req.userAgent);
    session.lastIpAddress = req.ipAddress;
  }

  /**
   * Koa middleware on the provider: after a successful code exchange or refresh at /oauth2/token,
   * records the sign-in (evicting first) or the activity, before the answer leaves.
   */
  async function middleware(ctx: KoaContextWithOIDC, next: () => Promise<void>): Promise<void> {
    await next();
    if (!enabled || ctx.path !== '/oauth2/token' || ctx.status !== 200) return;
    const grant = ctx.oidc?.entities.Grant;
    const grantType = ctx.oidc?.params?.['grant_type'];
    if (!grant?.jti || !grant.accountId || !grant.clientId) return;
    const facts: RequestFacts = {
      userAgent: ctx.get('user-agent') || undefined,
      ipAddress: ctx.req.socket.remoteAddress,
    };
    if (grantType === 'authorization_code') await signedIn(grant.jti, grant.accountId, grant.clientId, facts);
    else if (grantType === 'refresh_token') refreshed(grant.jti, facts);
  }

  /** Ends one session (RevokeUserSession): its tokens stop working. */
  async function revoke(session: TokenSession): Promise<void> {
    byGrant.delete(session.grantId);
    await deps.revokeGrant(session.grantId);
  }

  return {
    enabled,
    middleware,
    active,
    revoke,
    byGrantId: (grantId: string) => byGrant.get(grantId),
    clear: () => byGrant.clear(),
  };
}

export interface RequestFacts {
  userAgent: string | undefined;
  ipAddress: string | undefined;
}

export type TokenSessions = ReturnType<typeof createTokenSessions>;

/** How long (s) the Hosted UI reuses a sign-in silently, or undefined when session management is off. */
export function ssoSessionMaxValiditySeconds(definition: PoolDefinition): number | undefined {
  const config = definition.sessionManagement;
  if (!config) return undefined;
  return (config.ssoSessionMaxValidityMinutes ?? SESSION_DEFAULTS.ssoSessionMaxValidityMinutes) * 60;
}
