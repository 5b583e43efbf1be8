/**
 * Federated sign-in for the local user pool, as Cognito does it with an OIDC identity provider
 * ("Using OIDC identity providers with a user pool"; Authorize endpoint; "Managed login and
 * federation error responses"):
 *  - `/oauth2/authorize` with `identity_provider=<ProviderName>` or `idp_identifier=<identifier>`
 *    goes straight to that provider (the Hosted UI page is skipped); a name the pool or the client
 *    does not know ends on the pool's error page, never at the app (guardAuthorize()).
 *  - The Hosted UI shows one button per provider the client supports (loginButtons()).
 *  - The pool is a confidential OIDC client of the upstream (openid-client 6: discovery from
 *    `oidc_issuer`, code flow with its own `state` and `nonce`, client_secret_basic), with the
 *    callback `<domain>/oauth2/idpresponse` (handleIdpResponse()).
 *  - The federated user is `<ProviderName>_<upstream sub>`, created or updated on each sign-in with
 *    the mapped attributes, the `identities` claim, the automatic `<userPoolId>_<ProviderName>`
 *    group and any group an admin put the user in (definition.federatedUsers). Then the pool issues
 *    its own code to the app exactly as for a local user.
 *  - The upstream declining (its error response, e.g. `access_denied`) or failing at its token
 *    endpoint ends at the app's redirect URI with `error` and `error_description`
 *    (`<ProviderName> Error - ...`), as Cognito relays IdP errors.
 * Pending upstream round trips live in memory for the interaction's lifetime (one hour) and are
 * single-use; no upstream token is kept, logged or passed on.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import * as oidc from 'openid-client';
import type Provider from 'oidc-provider';

import { subFor, type PoolUser, type UserDirectory } from './accounts';
import { redirect, sendHtml } from './http-helpers';
import { COGNITO_PROVIDER, type PoolIdentityProviderDefinition } from './federation-types';
import { clientDefinition, renderErrorHtml } from './provider-config';
import type { PoolDefinition } from './types';

export const IDP_RESPONSE_PATH = '/oauth2/idpresponse';
const PENDING_TTL_MS = 3600_000;
const MAX_PENDING = 10_000;

export interface FederationDeps {
  provider: Provider;
  definition: PoolDefinition;
  users: UserDirectory;
  domain: string;
  log: (line: string) => void;
}

interface Pending {
  interactionUid: string;
  idp: PoolIdentityProviderDefinition;
  nonce: string;
  expiresAt: number;
}

type Choice = { kind: 'none' } | { kind: 'idp'; idp: PoolIdentityProviderDefinition } | { kind: 'unknown' };

/** Cognito's `identities` entry for an OIDC provider (strings throughout, as Cognito's ID tokens carry them). */
function identityEntry(idp: PoolIdentityProviderDefinition, upstreamSub: string, dateCreated: string) {
  return {
    userId: upstreamSub,
    providerName: idp.providerName,
    providerType: idp.providerType,
    issuer: null,
    primary: 'true',
    dateCreated,
  };
}

function stringClaim(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

export function createFederation(deps: FederationDeps) {
  const { definition, users, provider } = deps;
  const idps = definition.identityProviders ?? [];
  const redirectUri = `${deps.domain}${IDP_RESPONSE_PATH}`;
  const pending = new Map<string, Pending>();
  const configs = new Map<string, Promise<oidc.Configuration>>();
  const created = new Map<string, string>();

  const supported = (clientId: string): string[] =>
    clientDefinition(definition, clientId)?.supportedIdentityProviders ?? [COGNITO_PROVIDER];

  /** Which provider these parameters name, judged for this client (a provider it does not support is unknown). */
  function choose(clientId: string, name: string | undefined, identifier: string | undefined): Choice {
    if (!name && !identifier) return { kind: 'none' };
    const idp = name
      ? idps.find((p) => p.providerName === name)
      : idps.find((p) => (p.idpIdentifiers ?? []).includes(identifier ?? ''));
    if (name === COGNITO_PROVIDER && supported(clientId).includes(COGNITO_PROVIDER)) return { kind: 'none' };
    if (!idp || !supported(clientId).includes(idp.providerName)) return { kind: 'unknown' };
    return { kind: 'idp', idp };
  }

  function toErrorPage(res: ServerResponse, clientId: string): void {
    // Cognito's message for this is not documented; the pool's error page says what went wrong.
    redirect(
      res,
      `/error?${new URLSearchParams({ error: 'Login option is not available.', client_id: clientId }).toString()}`,
    );
  }

  /**
   * After authorize-guard.ts: an unknown provider ends on the error page (false). A named provider
   * forces the pool's own login step (prompt=login) so an existing Hosted UI session of another
   * user is not silently reused; the upstream's session decides whether the user sees a form.
   */
  function guardAuthorize(url: URL, res: ServerResponse): boolean {
    const q = url.searchParams;
    const clientId = q.get('client_id') ?? '';
    const choice = choose(
      clientId,
      q.get('identity_provider') ?? undefined,
      q.get('idp_identifier') ?? undefined,
    );
    if (choice.kind === 'unknown') {
      deps.log(`user pool: authorize named an identity provider client ${clientId} does not have`);
      toErrorPage(res, clientId);
      return false;
    }
    if (choice.kind === 'idp') q.set('prompt', 'login');
    return true;
  }

  /** The providers the client's Hosted UI page offers, in definition order. */
  function loginButtons(clientId: string): string[] {
    const names = supported(clientId);
    return idps.filter((p) => names.includes(p.providerName)).map((p) => p.providerName);
  }

  function localSignInAllowed(clientId: string): boolean {
    return supported(clientId).includes(COGNITO_PROVIDER);
  }

  function upstreamConfig(idp: PoolIdentityProviderDefinition): Promise<oidc.Configuration> {
    let config = configs.get(idp.providerName);
    if (!config) {
      const issuer = new URL(idp.providerDetails.oidc_issuer);
      config = oidc.discovery(
        issuer,
        idp.providerDetails.client_id,
        undefined,
        oidc.ClientSecretBasic(idp.providerDetails.client_secret),
        // Local upstreams are plain http on loopback (the definition schema allows nothing else).
        issuer.protocol === 'http:' ? { execute: [oidc.allowInsecureRequests] } : undefined,
      );
      // A failed discovery is retried on the next sign-in.
      config.catch(() => configs.delete(idp.providerName));
      configs.set(idp.providerName, config);
    }
    return config;
  }

  function sweep(now: number): void {
    for (const [state, entry] of pending) if (entry.expiresAt <= now) pending.delete(state);
    while (pending.size >= MAX_PENDING) {
      const oldest = pending.keys().next().value;
      if (oldest === undefined) break;
      pending.delete(oldest);
    }
  }

  /**
   * On the Hosted UI page (GET /login with a live interaction): when the authorize request or the
   * page's own button (`?identity_provider=`) names a provider, send the browser upstream.
   * Returns false when no provider is named (the page renders as usual).
   */
  async function startFromLogin(
    res: ServerResponse,
    interaction: { uid: string; params: Record<string, unknown> },
    url: URL,
  ): Promise<boolean> {
    const clientId = String(interaction.params['client_id'] ?? '');
    const fromPage = url.searchParams.get('identity_provider') ?? undefined;
    const param = (name: string) => {
      const value = interaction.params[name];
      return typeof value === 'string' && value ? value : undefined;
    };
    const choice = fromPage
      ? choose(clientId, fromPage, undefined)
      : choose(clientId, param('identity_provider'), param('idp_identifier'));
    if (choice.kind === 'none') return false;
    if (choice.kind === 'unknown') {
      toErrorPage(res, clientId);
      return true;
    }
    const { idp } = choice;
    let config: oidc.Configuration;
    try {
      config = await upstreamConfig(idp);
    } catch (err) {
      deps.log(`user pool: ${idp.providerName} discovery failed: ${(err as Error).message}`);
      sendHtml(res, 502, renderErrorHtml(`${idp.providerName} is not reachable right now.`));
      return true;
    }
    const now = Date.now();
    sweep(now);
    const state = randomBytes(32).toString('base64url');
    const nonce = randomBytes(32).toString('base64url');
    pending.set(state, { interactionUid: interaction.uid, idp, nonce, expiresAt: now + PENDING_TTL_MS });
    const target = oidc.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      response_type: 'code',
      scope: idp.providerDetails.authorize_scopes,
      state,
      nonce,
    });
    deps.log(`user pool: sending the browser to ${idp.providerName}`);
    redirect(res, target.toString());
    return true;
  }

  async function upstreamUser(
    idp: PoolIdentityProviderDefinition,
    config: oidc.Configuration,
    callbackUrl: URL,
    entry: Pending,
    state: string,
  ): Promise<PoolUser> {
    const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
      expectedState: state,
      expectedNonce: entry.nonce,
      idTokenExpected: true,
    });
    const idClaims = tokens.claims();
    if (!idClaims) throw new Error('the upstream sent no ID token');
    let claims: Record<string, unknown> = { ...idClaims };
    if (config.serverMetadata().userinfo_endpoint) {
      // Cognito reads attributes from the IdP's userInfo as well (attributes_request_method).
      const info = await oidc.fetchUserInfo(config, tokens.access_token, idClaims.sub);
      claims = { ...info, ...claims };
    }
    const username = `${idp.providerName}_${idClaims.sub}`;
    const mapped: Record<string, string> = {};
    for (const [poolName, upstreamName] of Object.entries(idp.attributeMapping ?? {})) {
      if (poolName === 'username') continue;
      const value = stringClaim(claims[upstreamName]);
      if (value !== undefined) mapped[poolName] = value;
    }
    const {
      email,
      email_verified: emailVerified,
      phone_number: phone,
      phone_number_verified: phoneVerified,
      ...rest
    } = mapped;
    const dateCreated = created.get(username) ?? String(Date.now());
    created.set(username, dateCreated);
    const adminGroups = (definition.federatedUsers ?? []).find(
      (u) => u.username.toLowerCase() === username.toLowerCase(),
    )?.groups;
    return {
      username,
      // Never matches: a federated user has no password (UserDirectory.authenticate refuses them anyway).
      password: randomBytes(32).toString('base64url'),
      email: email ?? '',
      ...(emailVerified !== undefined ? { emailVerified: emailVerified === 'true' } : {}),
      ...(phone !== undefined ? { phoneNumber: phone } : {}),
      ...(phoneVerified !== undefined ? { phoneNumberVerified: phoneVerified === 'true' } : {}),
      groups: [...new Set([`${definition.userPoolId}_${idp.providerName}`, ...(adminGroups ?? [])])],
      attributes: rest,
      sub: subFor(definition.userPoolId, username),
      identities: [identityEntry(idp, idClaims.sub, dateCreated)],
    };
  }

  /** GET /oauth2/idpresponse: the upstream's answer; ends by resuming the pool's authorization. */
  async function handleIdpResponse(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const state = url.searchParams.get('state') ?? '';
    const entry = pending.get(state);
    if (req.method !== 'GET' || !entry || entry.expiresAt <= Date.now()) {
      sendHtml(res, 400, renderErrorHtml('Sign-in session not found: start again from the app.'));
      return;
    }
    pending.delete(state);
    const interaction = await provider.Interaction.find(entry.interactionUid);
    if (!interaction) {
      sendHtml(res, 400, renderErrorHtml('Sign-in session expired: start again from the app.'));
      return;
    }
    const { idp } = entry;
    const finish = async (result: Record<string, unknown>) => {
      interaction.result = result;
      await interaction.save(Math.max(1, interaction.exp - Math.floor(Date.now() / 1000)));
      redirect(res, interaction.returnTo);
    };
    const upstreamError = url.searchParams.get('error');
    if (upstreamError !== null) {
      deps.log(`user pool: ${idp.providerName} answered ${upstreamError}`);
      const detail = url.searchParams.get('error_description');
      await finish({
        error: /^[\x20-\x21\x23-\x5b\x5d-\x7e]{1,64}$/.test(upstreamError) ? upstreamError : 'access_denied',
        error_description: `${idp.providerName} Error - ${detail ?? upstreamError}`,
      });
      return;
    }
    let user: PoolUser;
    try {
      user = await upstreamUser(idp, await upstreamConfig(idp), url, entry, state);
    } catch (err) {
      const body = err instanceof oidc.ResponseBodyError ? err : undefined;
      deps.log(
        `user pool: ${idp.providerName} sign-in failed: ${body ? `${body.status} ${body.error}` : (err as Error).message}`,
      );
      await finish({
        error: body?.error ?? 'server_error',
        error_description: body
          ? `${idp.providerName} Error - ${body.status} ${body.error}${body.error_description ? ` ${body.error_description}` : ''}`
          : `${idp.providerName} Error - the sign-in could not be completed`,
      });
      return;
    }
    users.upsertFederated(user);
    deps.log(`user pool: ${user.username} signed in through ${idp.providerName}`);
    await finish({ login: { accountId: user.sub, remember: true } });
  }

  return {
    guardAuthorize,
    loginButtons,
    localSignInAllowed,
    startFromLogin,
    handleIdpResponse,
    /** Forget pending round trips (pool close). */
    clear(): void {
      pending.clear();
      configs.clear();
    },
  };
}

export type Federation = ReturnType<typeof createFederation>;
