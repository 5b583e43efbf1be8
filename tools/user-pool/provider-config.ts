import { randomBytes, randomUUID } from 'node:crypto';

import Provider, {
  errors,
  interactionPolicy,
  type AccessToken,
  type Account,
  type ClientMetadata,
  type Configuration,
  type KoaContextWithOIDC,
} from 'oidc-provider';

import type { UserDirectory } from './accounts';
import { allAttributeNames, attributesForScopes } from './attributes';
import { STANDARD_PROFILE_ATTRIBUTES } from './definition-schema';
import { FEDERATION_AUTHORIZE_PARAMS, federatedAttributeNames } from './federation-claims';
import type { GrantRecords } from './grant-records';
import type { PoolKeys } from './keys';
import { ssoSessionMaxValiditySeconds } from './token-sessions';
import type { PoolClientDefinition, PoolDefinition } from './types';

/**
 * The resource indicator every access token is issued for. oidc-provider only issues JWT access
 * tokens for a resource server; Cognito's access tokens have no `aud`, which the JWT customizer hides.
 */
export const ACCESS_TOKEN_RESOURCE = 'urn:local-user-pool:access-token';

/** The routes oidc-provider serves itself, on the Hosted UI domain; the rest is the front server's. */
export const PROVIDER_ROUTES = {
  authorization: '/oauth2/authorize',
  token: '/oauth2/token',
  revocation: '/oauth2/revoke',
  // Served (Cognito-shaped) by the front server; the provider's own are kept out of reach.
  jwks: '/_provider/jwks',
  userinfo: '/_provider/userinfo',
  end_session: '/_provider/session/end',
  code_verification: '/_provider/device',
  device_authorization: '/_provider/device/auth',
  introspection: '/_provider/introspect',
  registration: '/_provider/reg',
  pushed_authorization_request: '/_provider/par',
  backchannel_authentication: '/_provider/backchannel',
  challenge: '/_provider/challenge',
} as const;

export const OIDC_SCOPES = ['openid', 'email', 'phone', 'profile'];

export const DEFAULTS = {
  accessTokenValiditySeconds: 3600,
  idTokenValiditySeconds: 3600,
  refreshTokenValiditySeconds: 30 * 24 * 3600,
  codeSeconds: 300,
  sessionSeconds: 3600,
};

export interface ProviderDeps {
  issuer: string;
  definition: PoolDefinition;
  keys: PoolKeys;
  users: UserDirectory;
  grants: GrantRecords;
  adapterFactory: NonNullable<Configuration['adapter']>;
  /** The kid access tokens are signed with now (rotateAccessTokenKey() moves it). */
  currentAccessKid: () => string;
  /** The access token value by its model instance, so the ID token can carry `at_hash`. */
  accessTokenValues: WeakMap<object, string>;
  /** `cognito:roles` / `cognito:preferred_role` for a user's groups (groups.ts). */
  groupRoleClaims?: (groups: readonly string[]) => Record<string, unknown>;
}

/** Whether the client rotates refresh tokens, and the grace (s) a rotated-away token keeps working. */
export function rotationOf(client: PoolClientDefinition | undefined): {
  enabled: boolean;
  graceSeconds: number;
} {
  const setting = client?.refreshTokenRotation;
  if (setting === undefined || setting === false) return { enabled: false, graceSeconds: 0 };
  // `true` means Cognito's API default: RetryGracePeriodSeconds absent, i.e. 0.
  return { enabled: true, graceSeconds: setting === true ? 0 : setting.retryGracePeriodSeconds };
}

/** Cognito adds `jti`/`origin_jti` to ID and access tokens only when token revocation is on. */
export function revocationEnabled(client: PoolClientDefinition | undefined): boolean {
  return client?.enableTokenRevocation !== false;
}

export function clientDefinition(
  definition: PoolDefinition,
  clientId: string,
): PoolClientDefinition | undefined {
  return definition.clients.find((c) => c.clientId === clientId);
}

function allScopes(definition: PoolDefinition): string[] {
  const scopes = new Set(OIDC_SCOPES);
  scopes.add('aws.cognito.signin.user.admin');
  for (const client of definition.clients) for (const s of client.allowedScopes) scopes.add(s);
  return [...scopes];
}

function toClientMetadata(client: PoolClientDefinition): ClientMetadata {
  return {
    client_id: client.clientId,
    ...(client.clientSecret
      ? { client_secret: client.clientSecret, token_endpoint_auth_method: 'client_secret_basic' }
      : { token_endpoint_auth_method: 'none' }),
    // Native: allows custom schemes and http on loopback. Exact matching is the front server's job.
    application_type: 'native',
    redirect_uris: client.callbackUrls,
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    scope: client.allowedScopes.join(' '),
    id_token_signed_response_alg: 'RS256',
  };
}

function sourceOf(ctx: KoaContextWithOIDC): { scope?: string; authTime?: number } | undefined {
  const { RefreshToken, AuthorizationCode } = ctx.oidc.entities;
  return RefreshToken ?? AuthorizationCode;
}

export function createProvider(deps: ProviderDeps): Provider {
  const { definition, users, grants, keys } = deps;
  const lifetime = (clientId: string | undefined, field: keyof typeof DEFAULTS): number => {
    const client = clientId ? clientDefinition(definition, clientId) : undefined;
    const value = client?.[field as keyof PoolClientDefinition];
    return typeof value === 'number' ? value : DEFAULTS[field];
  };

  const attributeNames = allAttributeNames(users.all());
  // Session management (token-sessions.ts): how long the Hosted UI reuses a sign-in silently.
  const ssoValidity = ssoSessionMaxValiditySeconds(definition);
  const sessionSeconds = Math.max(DEFAULTS.sessionSeconds, ssoValidity ?? 0);
  const resourceServers = new Map((definition.resourceServers ?? []).map((r) => [r.identifier, r]));

  const configuration: Configuration = {
    adapter: deps.adapterFactory,
    clients: definition.clients.map(toClientMetadata),
    jwks: {
      // The ID-token key first: oidc-provider signs ID tokens with the first RS256 key.
      keys: [keys.idToken.privateJwk, ...keys.accessTokens.map((k) => k.privateJwk)] as never,
    },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    routes: PROVIDER_ROUTES,
    scopes: allScopes(definition),
    claims: {
      openid: [
        'sub',
        'cognito:username',
        'cognito:groups',
        'cognito:roles',
        'cognito:preferred_role',
        'token_use',
        'origin_jti',
        'event_id',
        'jti',
        'at_hash',
        'auth_time',
        // Every attribute under openid: which ones a token carries is Cognito's per-scope rule,
        // applied in findAccount (oidc-provider's own per-scope filter would differ).
        ...attributeNames,
        // Every standard attribute, so UpdateUserAttributes (user-pool API) can set one no user had.
        ...STANDARD_PROFILE_ATTRIBUTES.filter((n) => !attributeNames.includes(n)),
        // Federation (federation.ts): the `identities` claim and whatever the attribute mappings bring.
        'identities',
        ...federatedAttributeNames(definition),
      ],
      email: ['email', 'email_verified'],
      phone: ['phone_number', 'phone_number_verified'],
      profile: ['name', 'given_name', 'family_name', 'preferred_username'],
    },
    conformIdTokenClaims: false,
    // Cognito's token and revoke endpoints answer every origin (`Access-Control-Allow-Origin: *`);
    // oidc-provider's default refuses an Origin that is not one of a public client's callbacks.
    clientBasedCORS: () => true,
    responseTypes: ['code'],
    // Kept on the interaction so the Hosted UI can send the user on to the named IdP (federation.ts).
    extraParams: [...FEDERATION_AUTHORIZE_PARAMS],
    pkce: {
      // Cognito does not demand PKCE; the front server refuses any method but S256.
      required: () => false,
    },
    features: {
      devInteractions: { enabled: false },
      // A client may revoke only its own tokens; another client's token is left alone (still 200).
      revocation: {
        enabled: true,
        allowedPolicy: (_ctx, client, token) => token.clientId === client.clientId,
      },
      userinfo: { enabled: false },
      introspection: { enabled: false },
      rpInitiatedLogout: { enabled: false },
      resourceIndicators: {
        enabled: true,
        // No `resource`: the hidden default; `resource=<identifier>` (resource binding): that server.
        defaultResource: (_ctx, _client, oneOf) => oneOf?.[0] ?? ACCESS_TOKEN_RESOURCE,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resource, client) => {
          if (resource !== ACCESS_TOKEN_RESOURCE && !resourceServers.has(resource)) {
            throw new errors.InvalidTarget();
          }
          return {
            scope: allScopes(definition).join(' '),
            audience: resource,
            accessTokenFormat: 'jwt',
            accessTokenTTL: lifetime(client.clientId, 'accessTokenValiditySeconds'),
            jwt: { sign: { alg: 'RS256', kid: deps.currentAccessKid() } },
          };
        },
      },
    },
    ttl: {
      AuthorizationCode: definition.authorizationCodeValiditySeconds ?? DEFAULTS.codeSeconds,
      IdToken: (_ctx, _token, client) => lifetime(client.clientId, 'idTokenValiditySeconds'),
      AccessToken: (_ctx, _token, client) => lifetime(client.clientId, 'accessTokenValiditySeconds'),
      RefreshToken: (ctx, _token, client) => {
        // A rotated refresh token keeps the original absolute expiry, as Cognito's do.
        const rotated = ctx?.oidc?.entities.RotatedRefreshToken;
        if (rotated) return Math.max(1, rotated.remainingTTL);
        return lifetime(client.clientId, 'refreshTokenValiditySeconds');
      },
      // A grant must outlive the refresh tokens hanging off it.
      Grant: (_ctx, grant) => lifetime(grant.clientId, 'refreshTokenValiditySeconds'),
      // Cognito's Hosted UI cookie lasts one hour from sign-in, not from last use (longer when
      // session management lets it be reused longer).
      Session: (_ctx, session) => {
        const loginTs = (session as { loginTs?: number }).loginTs;
        if (!loginTs) return sessionSeconds;
        return Math.max(1, loginTs + sessionSeconds - Math.floor(Date.now() / 1000));
      },
      Interaction: DEFAULTS.sessionSeconds,
    },
    // Cognito issues a refresh token on every code exchange, with no offline_access scope.
    issueRefreshToken: (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    rotateRefreshToken: (ctx) =>
      rotationOf(clientDefinition(definition, ctx.oidc.client?.clientId ?? '')).enabled,
    // Tokens outlive the Hosted UI session: /logout revokes nothing.
    expiresWithSession: () => false,
    // A fresh grant per authorization: each sign-in is its own origin_jti family, so revoking one
    // refresh token leaves the user's other sign-ins alone. Scopes were vetted by the front server.
    loadExistingGrant: async (ctx) => {
      const accountId = ctx.oidc.session?.accountId;
      const clientId = ctx.oidc.client?.clientId;
      if (!accountId || !clientId) return undefined;
      const grant = new ctx.oidc.provider.Grant({ accountId, clientId });
      const scope = String(ctx.oidc.params?.['scope'] ?? '');
      grant.addOIDCScope(scope);
      const resource = ctx.oidc.params?.['resource'];
      grant.addResourceScope(typeof resource === 'string' ? resource : ACCESS_TOKEN_RESOURCE, scope);
      await grant.save();
      return grant;
    },
    interactions: {
      // The Hosted UI has no consent screen: the only interaction is the login form.
      policy: loginOnlyPolicy(ssoValidity),
      url: (ctx, interaction) => {
        const query = new URLSearchParams();
        for (const name of ['client_id', 'redirect_uri', 'response_type', 'scope', 'state']) {
          const value = interaction.params[name];
          if (typeof value === 'string') query.set(name, value);
        }
        void ctx;
        return `/login?${query.toString()}`;
      },
    },
    findAccount: (ctx, sub, token) => {
      const user = users.bySub(sub);
      if (!user) return undefined;
      const account: Account = {
        accountId: user.sub,
        claims: (_use, scope) => {
          const client = clientDefinition(definition, ctx.oidc.client?.clientId ?? '');
          const revocable = revocationEnabled(client);
          const grantId = token?.grantId ?? ctx.oidc.entities.Grant?.jti;
          const source = sourceOf(ctx);
          const record = grantId
            ? grants.ensure(grantId, user.sub, ctx.oidc.client?.clientId ?? '', source?.authTime)
            : undefined;
          const at = ctx.oidc.entities.AccessToken;
          const atValue = at ? deps.accessTokenValues.get(at) : undefined;
          return {
            sub: user.sub,
            'cognito:username': user.username,
            ...(user.groups?.length ? { 'cognito:groups': [...user.groups] } : {}),
            ...(user.groups?.length ? (deps.groupRoleClaims?.(user.groups) ?? {}) : {}),
            ...attributesForScopes(user, client, new Set(String(scope ?? '').split(' '))),
            token_use: 'id',
            ...(user.identities ? { identities: user.identities } : {}),
            ...(record && revocable ? { origin_jti: record.originJti } : {}),
            ...(record ? { event_id: record.eventId } : {}),
            ...(revocable ? { jti: randomUUID() } : {}),
            ...(atValue ? { at_hash: atValue } : {}),
          };
        },
      };
      return account;
    },
    formats: {
      customizers: {
        jwt: (ctx, token, parts) => {
          const at = token as AccessToken;
          const user = users.bySub(at.accountId ?? '');
          const source = sourceOf(ctx);
          const record = grants.ensure(
            at.grantId ?? '',
            at.accountId ?? '',
            at.clientId ?? '',
            source?.authTime,
          );
          const old = parts.payload;
          const revocable = revocationEnabled(clientDefinition(definition, at.clientId ?? ''));
          // A refresh with `scope` narrows it: then the token's own (filtered) scope is the truth.
          const narrowed =
            ctx?.oidc?.params?.['scope'] !== undefined && ctx.oidc.params['grant_type'] === 'refresh_token';
          const audience = old['aud'];
          const payload: Record<string, unknown> = {
            sub: old['sub'],
            ...(user?.groups?.length ? { 'cognito:groups': [...user.groups] } : {}),
            iss: old['iss'],
            version: 2,
            client_id: old['client_id'],
            ...(revocable ? { origin_jti: record.originJti } : {}),
            event_id: record.eventId,
            token_use: 'access',
            scope: narrowed ? old['scope'] : (source?.scope ?? old['scope']),
            auth_time: record.authTime,
            exp: old['exp'],
            iat: old['iat'],
            ...(revocable ? { jti: randomUUID() } : {}),
            username: user?.username,
          };
          if (typeof audience === 'string' && resourceServers.has(audience)) {
            // Resource binding: the resource server's identifier is the audience, visibly.
            payload['aud'] = audience;
          } else {
            // oidc-provider refuses a JWT access token whose payload has no `aud` but serialises only
            // enumerable properties: a hidden one satisfies the check and leaves `aud` out, as Cognito does.
            Object.defineProperty(payload, 'aud', {
              get: () => ACCESS_TOKEN_RESOURCE,
              set: () => undefined,
              enumerable: false,
            });
          }
          parts.payload = payload;
          // Cognito's header is just { kid, alg }.
          parts.header = { typ: undefined };
        },
      },
    },
    renderError: (ctx, out) => {
      ctx.status = ctx.status >= 400 ? ctx.status : 400;
      ctx.type = 'html';
      ctx.body = renderErrorHtml(String(out['error'] ?? 'server_error'));
    },
  };

  const provider = new Provider(deps.issuer, configuration);

  // The ID token's at_hash needs the access token's value, which oidc-provider does not keep on the model.
  const proto = provider.AccessToken.prototype as unknown as {
    getValueAndPayload: (this: object) => Promise<{ value: string }>;
  };
  const original = proto.getValueAndPayload;
  proto.getValueAndPayload = async function (this: object) {
    const result = await original.call(this);
    deps.accessTokenValues.set(this, result.value);
    return result;
  };

  return provider;
}

/**
 * The login form only (no consent screen). With session management, a Hosted UI session older
 * than ssoSessionMaxValidityMinutes (from the last fresh sign-in) asks for the form again; 0: always.
 */
function loginOnlyPolicy(ssoValiditySeconds: number | undefined): interactionPolicy.Prompt[] {
  const policy = interactionPolicy.base();
  policy.remove('consent');
  if (ssoValiditySeconds !== undefined) {
    const { Check } = interactionPolicy;
    policy.get('login')?.checks.add(
      new Check('sso_session_max_validity', 'The SSO session may not be reused', (ctx) => {
        const { session, result } = ctx.oidc;
        if (!session?.accountId || result?.['login']) return Check.NO_NEED_TO_PROMPT;
        const loginTs = session.loginTs ?? 0;
        return Math.floor(Date.now() / 1000) - loginTs >= ssoValiditySeconds
          ? Check.REQUEST_PROMPT
          : Check.NO_NEED_TO_PROMPT;
      }),
    );
  }
  return policy;
}

export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

export function renderErrorHtml(error: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Error</title></head><body><main><h1>An error was encountered with the requested page.</h1><p id="error">${escapeHtml(error)}</p></main></body></html>`;
}
