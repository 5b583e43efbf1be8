import { randomBytes, randomUUID } from 'node:crypto';

import Provider, {
  interactionPolicy,
  type AccessToken,
  type Account,
  type ClientMetadata,
  type Configuration,
  type KoaContextWithOIDC,
} from 'oidc-provider';

import type { UserDirectory } from './accounts';
import type { GrantRecords } from './grant-records';
import type { PoolKeys } from './keys';
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

  const customAttributes = users.customAttributeNames();

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
        'token_use',
        'origin_jti',
        'event_id',
        'jti',
        'at_hash',
        'auth_time',
        ...customAttributes,
      ],
      email: ['email', 'email_verified'],
      phone: ['phone_number', 'phone_number_verified'],
      profile: ['name', 'given_name', 'family_name', 'preferred_username'],
    },
    conformIdTokenClaims: false,
    responseTypes: ['code'],
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
        defaultResource: () => ACCESS_TOKEN_RESOURCE,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, _resource, client) => ({
          scope: allScopes(definition).join(' '),
          audience: ACCESS_TOKEN_RESOURCE,
          accessTokenFormat: 'jwt',
          accessTokenTTL: lifetime(client.clientId, 'accessTokenValiditySeconds'),
          jwt: { sign: { alg: 'RS256', kid: deps.currentAccessKid() } },
        }),
      },
    },
    ttl: {
      AuthorizationCode: DEFAULTS.codeSeconds,
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
      // Cognito's Hosted UI cookie lasts one hour from sign-in, not from last use.
      Session: (_ctx, session) => {
        const loginTs = (session as { loginTs?: number }).loginTs;
        if (!loginTs) return DEFAULTS.sessionSeconds;
        return Math.max(1, loginTs + DEFAULTS.sessionSeconds - Math.floor(Date.now() / 1000));
      },
      Interaction: DEFAULTS.sessionSeconds,
    },
    // Cognito issues a refresh token on every code exchange, with no offline_access scope.
    issueRefreshToken: (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    rotateRefreshToken: (ctx) =>
      clientDefinition(definition, ctx.oidc.client?.clientId ?? '')?.refreshTokenRotation === true,
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
      grant.addResourceScope(ACCESS_TOKEN_RESOURCE, scope);
      await grant.save();
      return grant;
    },
    interactions: {
      // The Hosted UI has no consent screen: the only interaction is the login form.
      policy: loginOnlyPolicy(),
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
        claims: () => {
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
            email: user.email,
            email_verified: user.emailVerified ?? true,
            token_use: 'id',
            ...(record ? { origin_jti: record.originJti, event_id: record.eventId } : {}),
            jti: randomUUID(),
            ...(atValue ? { at_hash: atValue } : {}),
            ...user.attributes,
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
          const payload: Record<string, unknown> = {
            sub: old['sub'],
            ...(user?.groups?.length ? { 'cognito:groups': [...user.groups] } : {}),
            iss: old['iss'],
            version: 2,
            client_id: old['client_id'],
            origin_jti: record.originJti,
            event_id: record.eventId,
            token_use: 'access',
            scope: source?.scope ?? old['scope'],
            auth_time: record.authTime,
            exp: old['exp'],
            iat: old['iat'],
            jti: randomUUID(),
            username: user?.username,
          };
          // oidc-provider refuses a JWT access token whose payload has no `aud` but serialises only
          // enumerable properties: a hidden one satisfies the check and leaves `aud` out, as Cognito does.
          Object.defineProperty(payload, 'aud', {
            get: () => ACCESS_TOKEN_RESOURCE,
            set: () => undefined,
            enumerable: false,
          });
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

function loginOnlyPolicy(): interactionPolicy.Prompt[] {
  const policy = interactionPolicy.base();
  policy.remove('consent');
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
