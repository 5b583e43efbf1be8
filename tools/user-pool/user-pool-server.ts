/**
 * startUserPool(): a local Cognito user pool on 127.0.0.1. A small node:http front serves
 * discovery, JWKS, the Hosted UI pages, /error and userInfo itself, vets authorize requests
 * (authorize-guard.ts), and runs the token/revoke front (token-front.ts: faults, rate limit,
 * refresh-token form, rotation grace) before handing OAuth to oidc-provider (provider-config.ts),
 * whose answers are reshaped to Cognito's (response-shapes.ts). The returned handle is the
 * programmatic interface tests, the start script, the doctor and the bench use (types.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

import type Provider from 'oidc-provider';

import { redact } from '../../src/shared/redact';
import { UserDirectory } from './accounts';
import { allAttributeNames } from './attributes';
import { createAwsApi } from './aws-api-server';
import { guardAuthorize } from './authorize-guard';
import { parsePoolDefinition } from './definition-schema';
import { demoPoolDefinition } from './demo-pool';
import { createFederation, IDP_RESPONSE_PATH } from './federation';
import { federatedAttributeNames } from './federation-claims';
import { GrantRecords } from './grant-records';
import { GroupDirectory } from './groups';
import { createHostedUi } from './hosted-ui';
import { poolIssuer, wellKnownName } from './issuer-forms';
import { createManagedLogin } from './managed-login';
import { createIamAuthority } from './iam';
import { createIdentityPools, IDENTITY_TARGET_PREFIX } from './identity-pools';
import { createIdpOperations, IDP_TARGET_PREFIX } from './idp-api';
import { cookieHeader, cookiesFrom, internalRequest } from './internal-request';
import { replayRequest, secretPostAsBasic, sendHtml, sendJson } from './http-helpers';
import { startPoolHttpServer } from './http-server';
import { ACCESS_KEY_STOCK, getPoolKeys } from './keys';
import { createMemoryAdapterFactory } from './memory-adapter';
import { clientDefinition, createProvider, renderErrorHtml } from './provider-config';
import { RateLimiter } from './rate-limit';
import { RefreshTokenCodec } from './refresh-token-codec';
import { cognitoResponseShapes } from './response-shapes';
import { createTokenFront } from './token-front';
import { TokenFaultQueue } from './token-faults';
import { createTokenSessions } from './token-sessions';
import { handleUserInfo } from './user-info';
import { sendWafBlock, wafBlocksAuthorize } from './waf';
import {
  API_QUOTA_CATEGORIES,
  type RunningUserPool,
  type StartUserPoolOptions,
  type TokenFault,
  type UserPoolCounters,
} from './types';

function emptyCounters(): UserPoolCounters {
  return { tokenRequests: {}, revokeRequests: 0, authorizeRequests: 0, userInfoRequests: 0, throttled: {} };
}

export async function startUserPool(options: StartUserPoolOptions = {}): Promise<RunningUserPool> {
  const definition = parsePoolDefinition(options.definition ?? demoPoolDefinition);
  const log = (line: string) => options.log?.(redact(line));
  const [keys, codec] = await Promise.all([getPoolKeys(), RefreshTokenCodec.create()]);
  const users = new UserDirectory(definition.userPoolId, definition.users);
  const groups = new GroupDirectory(definition);
  const grants = new GrantRecords();
  const adapters = createMemoryAdapterFactory();
  const faults = new TokenFaultQueue();
  const counters = emptyCounters();
  const userAuthentication = new RateLimiter(definition.rateLimits?.userAuthentication);
  // The user-pool API's other quota categories (Cognito's names), by operation (idp-api/).
  const apiQuotas = new Map<string, RateLimiter>(
    API_QUOTA_CATEGORIES.map((c) => [c, new RateLimiter(definition.rateLimits?.[c])]),
  );
  const accessTokenValues = new WeakMap<object, string>();
  let accessKeyIndex = 0;

  // The port (and so the issuer) is known only once listening; until the provider exists, say so.
  let handle: ((req: IncomingMessage, res: ServerResponse) => Promise<void>) | undefined = undefined;
  const http = await startPoolHttpServer(
    (req, res) => {
      if (!handle) {
        sendJson(res, 503, { error: 'server_error' }, { 'Retry-After': '1' });
        return;
      }
      handle(req, res).catch((err: unknown) => {
        log(`user pool: internal error on ${req.method} ${req.url}: ${String(err)}`);
        if (!res.headersSent) sendJson(res, 500, { error: 'server_error' });
        else res.destroy();
      });
    },
    options.port ?? 0,
    options.tls,
  );

  const domain = http.origin;
  // Issuer forms (issuer-forms.ts): the pool's issuer, and discovery/JWKS under both forms' paths.
  const issuerForm = poolIssuer(domain, definition);
  const { issuer, jwksUri } = issuerForm;

  const publicJwks = () => ({
    keys: [keys.idToken.publicJwk, ...keys.accessTokens.slice(0, accessKeyIndex + 1).map((k) => k.publicJwk)],
  });

  const grantAdapter = adapters.factory('Grant');
  const refreshAdapter = adapters.factory('RefreshToken');
  const grantAlive = async (grantId: string) => Boolean(await grantAdapter.find(grantId));
  const revokeGrant = async (grantId: string) => {
    await Promise.all(
      ['AccessToken', 'RefreshToken', 'AuthorizationCode'].map((m) =>
        adapters.factory(m).revokeByGrantId(grantId),
      ),
    );
    await grantAdapter.destroy(grantId);
  };

  // Session management (token-sessions.ts): token sessions per sign-in, the per-user limit.
  const tokenSessions = createTokenSessions({ definition, grantAlive, revokeGrant, log });

  const provider: Provider = createProvider({
    issuer,
    definition,
    keys,
    users,
    grants,
    adapterFactory: adapters.factory,
    currentAccessKid: () => keys.accessTokens[accessKeyIndex]?.kid ?? '',
    accessTokenValues,
    groupRoleClaims: (names) => groups.roleClaims(names),
  });
  // The reason behind each OAuth error, for whoever reads the pool's log (never a token).
  const logOAuthError = (event: string) => (_ctx: unknown, err: Error & { error_detail?: string }) => {
    const detail = err.error_detail ?? (err.cause instanceof Error ? err.cause.message : undefined);
    log(`user pool: ${event}: ${err.message}${detail ? ` (${detail})` : ''}`);
  };
  provider.on('grant.error', logOAuthError('grant.error'));
  provider.on('revocation.error', logOAuthError('revocation.error'));
  provider.on('authorization.error', logOAuthError('authorization.error'));
  provider.on('server_error', (_ctx: unknown, err: Error) => log(`user pool: server_error: ${err.message}`));
  provider.use(cognitoResponseShapes(definition, codec));
  provider.use(tokenSessions.middleware);
  const providerCallback = provider.callback();

  async function forward(req: IncomingMessage, res: ServerResponse, body?: Buffer, url?: URL): Promise<void> {
    let request = req;
    if (body) {
      const converted = secretPostAsBasic(req, body);
      request = replayRequest(req, converted.body, converted.headers);
    }
    if (url) request.url = `${url.pathname}${url.search}`;
    await providerCallback(request, res);
  }

  const tokenFront = createTokenFront({
    definition,
    counters,
    faults,
    codec,
    adapters,
    userAuthentication,
    forward: (req, res, body) => forward(req, res, body),
    accountEnabled: (accountId) => users.isEnabled(accountId),
    log,
  });
  const federation = createFederation({ provider, definition, users, domain, log });
  const managedLogin = createManagedLogin({ provider, definition, users, adapters, log }); // managed-login.ts
  const hostedUi = createHostedUi({
    languageOf: managedLogin.languageOf,
    federation,
    provider,
    definition,
    users,
    adapters,
    counters,
    userAuthentication,
    demoMode: options.demoMode === true,
    log,
  });

  /** Revokes every sign-in of a user: refresh tokens, and their access tokens by origin_jti. */
  async function globalSignOut(username: string): Promise<void> {
    const user = users.byUsername(username);
    if (!user) return;
    const grantIds = new Set(grants.forAccount(user.sub).map((r) => r.grantId));
    for (const [id, payload] of adapters.entries('Grant')) {
      if (payload.accountId === user.sub) grantIds.add(id);
    }
    await Promise.all([...grantIds].map(revokeGrant));
  }

  // The AWS JSON APIs on `POST /` (aws-api-server.ts): the user-pool API (idp-api/) and identity
  // pools (identity-pools.ts); SigV4 verification and actions by iam/.
  const iam = createIamAuthority(definition);
  const tokenDeps = { issuer, jwks: publicJwks, grants, grantAlive };
  const host = new URL(domain).host;
  const self = (
    call: { req: IncomingMessage },
    request: { method: string; path: string; headers?: Record<string, string>; body?: string },
  ) =>
    internalRequest(async (req, res) => handle?.(req, res), call.req.socket, {
      ...request,
      // The caller's User-Agent goes along: a token session's DeviceType is the last one seen.
      headers: {
        host,
        ...(call.req.headers['user-agent'] ? { 'user-agent': call.req.headers['user-agent'] } : {}),
        ...request.headers,
      },
    });

  /** USER_PASSWORD_AUTH: the Hosted UI's flow without its form (authorize, login done, code exchange). */
  async function passwordSignIn(call: { req: IncomingMessage }, clientId: string, user: { sub: string }) {
    const client = clientDefinition(definition, clientId);
    if (!client) throw new Error('unknown client');
    const jar = new Map<string, string>();
    const send = async (
      method: string,
      path: string,
      headers: Record<string, string> = {},
      body?: string,
    ) => {
      const answer = await self(call, {
        method,
        path,
        headers: { cookie: cookieHeader(jar), ...headers },
        ...(body !== undefined ? { body } : {}),
      });
      cookiesFrom(answer, jar);
      return answer;
    };
    const redirectUri = client.defaultRedirectUri ?? client.callbackUrls[0] ?? '';
    const query = new URLSearchParams({
      client_id: clientId,
      response_type: 'code',
      redirect_uri: redirectUri,
      scope: client.allowedScopes.join(' '),
      prompt: 'login',
    });
    const location = (a: { headers: Record<string, unknown> }) => String(a.headers['location'] ?? '');
    const login = location(await send('GET', `/oauth2/authorize?${query.toString()}`));
    if (!login.startsWith('/login')) throw new Error('authorize did not ask for a login');
    const finished = await internalRequest(
      async (req, res) => {
        await provider.interactionFinished(
          req,
          res,
          { login: { accountId: user.sub, remember: false } },
          { mergeWithLastSubmission: false },
        );
      },
      call.req.socket,
      { method: 'POST', path: login, headers: { host, cookie: cookieHeader(jar) } },
    );
    cookiesFrom(finished, jar);
    const resume = new URL(location(finished), domain);
    const callback = location(await send('GET', `${resume.pathname}${resume.search}`));
    const code = callback.startsWith(redirectUri) ? new URL(callback).searchParams.get('code') : null;
    if (!code) throw new Error('authorize did not return a code');
    const secret = client.clientSecret;
    const basic: Record<string, string> = secret
      ? {
          authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`,
        }
      : {};
    const form = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri });
    if (!secret) form.set('client_id', clientId);
    return send(
      'POST',
      '/oauth2/token',
      { 'content-type': 'application/x-www-form-urlencoded', ...basic },
      form.toString(),
    );
  }

  const awsApi = createAwsApi({
    services: [
      {
        targetPrefix: IDP_TARGET_PREFIX,
        operations: createIdpOperations({
          definition,
          users,
          groups,
          tokens: tokenDeps,
          customAttributes: new Set(
            [...allAttributeNames(users.all()), ...federatedAttributeNames(definition)].filter((n) =>
              n.startsWith('custom:'),
            ),
          ),
          self,
          passwordSignIn,
          globalSignOut,
          tokenSessions,
          async refreshTokenState(token) {
            const internal = codec.unwrap(token);
            if (internal === undefined) return { issued: false, active: false };
            const stored = await refreshAdapter.find(internal);
            const accountId = typeof stored?.accountId === 'string' ? stored.accountId : undefined;
            const active = await pool.isRefreshTokenActive(token);
            return { issued: true, active, ...(accountId ? { accountId } : {}) };
          },
          log,
        }),
        resourceArn: `arn:aws:cognito-idp:${definition.region}:000000000000:userpool/${definition.userPoolId}`,
      },
      {
        targetPrefix: IDENTITY_TARGET_PREFIX,
        operations: Object.fromEntries(
          Object.entries(createIdentityPools({ ...tokenDeps, definition, iam, log })).map(
            ([name, handle]) => [name, { auth: 'none' as const, handle }],
          ),
        ),
        resourceArn: `arn:aws:cognito-identity:${definition.region}:000000000000:identitypool/*`,
      },
    ],
    iam,
    takeQuota: (category) => apiQuotas.get(category)?.take() ?? true,
    log,
  });

  function discovery(): Record<string, unknown> {
    return {
      authorization_endpoint: `${domain}/oauth2/authorize`,
      end_session_endpoint: `${domain}/logout`,
      id_token_signing_alg_values_supported: ['RS256'],
      issuer,
      jwks_uri: jwksUri,
      response_types_supported: ['code', 'token'],
      revocation_endpoint: `${domain}/oauth2/revoke`,
      scopes_supported: ['openid', 'email', 'phone', 'profile'],
      subject_types_supported: ['public'],
      token_endpoint: `${domain}/oauth2/token`,
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      userinfo_endpoint: `${domain}/oauth2/userInfo`,
    };
  }

  handle = async (req, res) => {
    const url = new URL(req.url ?? '/', domain);
    const path = url.pathname;
    if (awsApi.handles(req, path)) return awsApi.handle(req, res);

    const name = req.method === 'GET' ? wellKnownName(issuerForm, path) : undefined;
    if (name !== undefined) {
      const headers = { 'Access-Control-Allow-Origin': '*', 'Cache-Control': 'max-age=0' };
      if (name === 'openid-configuration') return sendJson(res, 200, discovery(), headers);
      if (name === 'jwks.json') return sendJson(res, 200, publicJwks(), headers);
    }

    if (path === '/oauth2/authorize' || path === '/login' || path === '/passkeys/add') {
      managedLogin.rememberLanguage(res, url);
    }
    switch (path) {
      case '/passkeys/add':
        return managedLogin.handlePasskeysAdd(req, res, url);
      case '/oauth2/authorize':
        counters.authorizeRequests += 1;
        if (wafBlocksAuthorize(definition, url)) return sendWafBlock(res); // waf.ts: before Cognito
        if (guardAuthorize(definition, url, res) && federation.guardAuthorize(url, res)) {
          await forward(req, res, undefined, url);
        }
        return;
      case IDP_RESPONSE_PATH:
        return federation.handleIdpResponse(req, res, url);
      case '/oauth2/token':
        return tokenFront.handleToken(req, res);
      case '/oauth2/revoke':
        return tokenFront.handleRevoke(req, res);
      case '/oauth2/userInfo':
        if (req.method !== 'OPTIONS') counters.userInfoRequests += 1;
        return handleUserInfo({ issuer, definition, jwks: publicJwks, users, grants, grantAlive }, req, res);
      case '/login':
        return hostedUi.handleLogin(req, res, url);
      case '/logout':
        return hostedUi.handleLogout(req, res, url);
      case '/error':
        return sendHtml(res, 400, renderErrorHtml(url.searchParams.get('error') ?? 'unknown_error'));
      default:
        // oidc-provider's resume route after the login form.
        if (path.startsWith('/oauth2/authorize/')) return forward(req, res);
        sendJson(res, 404, { error: 'not_found' });
    }
  };

  /** oidc-provider's token for a client-facing refresh token (tests may hold either). */
  const internalToken = (refreshToken: string) => codec.unwrap(refreshToken) ?? refreshToken;
  let closed = false;

  const pool: RunningUserPool = {
    issuer,
    issuerType: issuerForm.form,
    domain,
    jwksUri,
    idpApiEndpoint: `${domain}/`,
    identityApiEndpoint: `${domain}/`,
    region: definition.region,
    userPoolId: definition.userPoolId,
    port: http.port,
    definition,
    counters,
    resetCounters() {
      Object.assign(counters, emptyCounters());
    },
    injectTokenFaults(...items: TokenFault[]) {
      faults.push(...items);
    },
    clearFaults() {
      faults.clear();
    },
    setRateLimit(category, rps) {
      if (category === 'userAuthentication') userAuthentication.set(rps);
      else apiQuotas.get(category)?.set(rps);
    },
    async suspendListening() {
      faults.endHanging();
      await http.stop();
    },
    async resumeListening() {
      if (closed) throw new Error('user pool is closed');
      await http.restart();
    },
    async isRefreshTokenActive(refreshToken: string) {
      const stored = await refreshAdapter.find(internalToken(refreshToken));
      if (!stored || stored.consumed) return false;
      if (typeof stored.exp === 'number' && stored.exp * 1000 <= Date.now()) return false;
      return typeof stored.grantId === 'string' && (await grantAlive(stored.grantId));
    },
    async revokeRefreshToken(refreshToken: string) {
      const id = internalToken(refreshToken);
      const stored = await refreshAdapter.find(id);
      await refreshAdapter.destroy(id);
      if (typeof stored?.grantId === 'string') await revokeGrant(stored.grantId);
    },
    globalSignOut,
    passkeys: (username: string) => managedLogin.passkeys(username),
    async rotateAccessTokenKey() {
      if (accessKeyIndex + 1 >= ACCESS_KEY_STOCK) {
        throw new Error(`the local user pool holds ${ACCESS_KEY_STOCK} access-token keys; all are used`);
      }
      accessKeyIndex += 1;
      const kid = keys.accessTokens[accessKeyIndex]?.kid ?? '';
      log(`user pool: access tokens now signed with key ${kid}`);
      return { kid };
    },
    async close() {
      if (closed) return;
      closed = true;
      faults.clear();
      federation.clear();
      managedLogin.clear();
      tokenSessions.clear();
      await http.stop();
      adapters.clear();
      codec.clear();
      log('user pool: closed');
    },
  };
  log(`user pool ${definition.userPoolId} listening on ${domain}`);
  return pool;
}
