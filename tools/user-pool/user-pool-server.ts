import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';

import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';

import { redact } from '../../src/shared/redact';
import { UserDirectory } from './accounts';
import { parsePoolDefinition } from './definition-schema';
import { demoPoolDefinition } from './demo-pool';
import { GrantRecords } from './grant-records';
import {
  basicClientId,
  BodyTooLargeError,
  parseCookies,
  readBody,
  redirect,
  replayRequest,
  secretPostAsBasic,
  sendHtml,
  sendJson,
} from './http-helpers';
import { ACCESS_KEY_STOCK, getPoolKeys } from './keys';
import { renderLoginPage } from './login-page';
import { createMemoryAdapterFactory } from './memory-adapter';
import { ACCESS_TOKEN_RESOURCE, clientDefinition, createProvider, renderErrorHtml } from './provider-config';
import { TokenFaultQueue } from './token-faults';
import { handleUserInfo } from './user-info';
import type { RunningUserPool, StartUserPoolOptions, TokenFault, UserPoolCounters } from './types';

const HOST = '127.0.0.1';

function emptyCounters(): UserPoolCounters {
  return { tokenRequests: {}, revokeRequests: 0, authorizeRequests: 0, userInfoRequests: 0 };
}

async function listen(server: Server, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen(port, HOST, () => {
      server.off('error', onError);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

function withoutIssParameter(location: string): string {
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    return location;
  }
  if (!url.searchParams.has('iss')) return location;
  url.searchParams.delete('iss');
  return url.toString();
}

export async function startUserPool(options: StartUserPoolOptions = {}): Promise<RunningUserPool> {
  const definition = parsePoolDefinition(options.definition ?? demoPoolDefinition);
  const log = (line: string) => options.log?.(redact(line));
  const keys = await getPoolKeys();
  const users = new UserDirectory(definition.userPoolId, definition.users);
  const grants = new GrantRecords();
  const adapters = createMemoryAdapterFactory();
  const faults = new TokenFaultQueue();
  const counters = emptyCounters();
  const accessTokenValues = new WeakMap<object, string>();
  let accessKeyIndex = 0;

  const sockets = new Set<Socket>();
  // The port (and so the issuer) is known only once listening; until the provider exists, say so.
  let serving = false;
  // Optional https (tests of the TLS world): same handler, a certificate from the test's CA.
  const makeServer = (options.tls ? createHttpsServer : createServer) as typeof createServer;
  const server = makeServer(
    { requestTimeout: 30_000, ...(options.tls ? { key: options.tls.key, cert: options.tls.cert } : {}) },
    (req, res) => {
      if (!serving) {
        sendJson(res, 503, { error: 'server_error' }, { 'Retry-After': '1' });
        return;
      }
      handle(req, res).catch((err: unknown) => {
        log(`user pool: internal error on ${req.method} ${req.url}: ${String(err)}`);
        if (!res.headersSent) sendJson(res, 500, { error: 'server_error' });
        else res.destroy();
      });
    },
  );
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });

  const port = await listen(server, options.port ?? 0);
  const domain = options.tls ? `https://${options.tls.host ?? HOST}:${port}` : `http://${HOST}:${port}`;
  const issuer = `${domain}/${definition.userPoolId}`;
  const jwksUri = `${issuer}/.well-known/jwks.json`;
  const wellKnownPrefix = `/${definition.userPoolId}/.well-known/`;

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

  const provider: Provider = createProvider({
    issuer,
    definition,
    keys,
    users,
    grants,
    adapterFactory: adapters.factory,
    currentAccessKid: () => keys.accessTokens[accessKeyIndex]?.kid ?? '',
    accessTokenValues,
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
  provider.use(cognitoResponseShapes);
  const providerCallback = provider.callback();

  const sessionCookie = provider.cookieName('session');
  serving = true;

  /** Token and revoke answers as Cognito shapes them (oidc-provider's differ in small ways). */
  async function cognitoResponseShapes(ctx: KoaContextWithOIDC, next: () => Promise<void>): Promise<void> {
    await next();
    if (ctx.path.startsWith('/oauth2/authorize') && (ctx.status === 302 || ctx.status === 303)) {
      // Cognito answers 302 and sends no RFC 9207 `iss` with the code.
      const location = ctx.response.get('Location');
      ctx.status = 302;
      if (location) ctx.set('Location', withoutIssParameter(location));
      return;
    }
    const isToken = ctx.path === '/oauth2/token';
    const isRevoke = ctx.path === '/oauth2/revoke';
    if (!isToken && !isRevoke) return;
    ctx.set('Access-Control-Allow-Origin', '*');
    const body: unknown = ctx.body;
    if (!body || typeof body !== 'object' || Buffer.isBuffer(body)) return;
    const fields = body as Record<string, unknown>;
    if (typeof fields['error'] === 'string') {
      ctx.body = { error: fields['error'] };
      return;
    }
    if (isToken) {
      const reshaped: Record<string, unknown> = { ...fields };
      delete reshaped['scope'];
      const clientId = ctx.oidc?.client?.clientId;
      const rotation = clientId
        ? clientDefinition(definition, clientId)?.refreshTokenRotation === true
        : false;
      if (ctx.oidc?.params?.['grant_type'] === 'refresh_token' && !rotation) delete reshaped['refresh_token'];
      ctx.body = reshaped;
    }
  }

  function clientFromForm(req: IncomingMessage, form: URLSearchParams): string | undefined {
    return form.get('client_id') ?? basicClientId(req.headers.authorization);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', domain);
    const path = url.pathname;

    if (path.startsWith(wellKnownPrefix) && req.method === 'GET') {
      const name = path.slice(wellKnownPrefix.length);
      if (name === 'openid-configuration') {
        sendJson(res, 200, discovery(), { 'Access-Control-Allow-Origin': '*', 'Cache-Control': 'max-age=0' });
        return;
      }
      if (name === 'jwks.json') {
        sendJson(res, 200, publicJwks(), {
          'Access-Control-Allow-Origin': '*',
          'Cache-Control': 'max-age=0',
        });
        return;
      }
    }

    switch (path) {
      case '/oauth2/authorize':
        counters.authorizeRequests += 1;
        if (guardAuthorize(url, res)) await forward(req, res, undefined, url);
        return;
      case '/oauth2/token':
        await handleToken(req, res);
        return;
      case '/oauth2/revoke':
        await handleRevoke(req, res);
        return;
      case '/oauth2/userInfo':
        counters.userInfoRequests += 1;
        await handleUserInfo({ issuer, jwks: publicJwks, users, grants, grantAlive }, req, res);
        return;
      case '/login':
        await handleLogin(req, res, url);
        return;
      case '/logout':
        await handleLogout(req, res, url);
        return;
      case '/error':
        sendHtml(res, 400, renderErrorHtml(url.searchParams.get('error') ?? 'unknown_error'));
        return;
      default:
        if (path.startsWith('/oauth2/authorize/')) {
          // oidc-provider's resume route after the login form.
          await forward(req, res);
          return;
        }
        sendJson(res, 404, { error: 'not_found' });
    }
  }

  async function forward(req: IncomingMessage, res: ServerResponse, body?: Buffer, url?: URL): Promise<void> {
    let request = req;
    if (body) {
      const converted = secretPostAsBasic(req, body);
      request = replayRequest(req, converted.body, converted.headers);
    }
    if (url) request.url = `${url.pathname}${url.search}`;
    await providerCallback(request, res);
  }

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

  /**
   * Cognito's authorize rules oidc-provider does not share: exact redirect_uri match (no loopback
   * any-port rule) with mismatches kept away from the app, S256 only, client scope checks, no scope
   * meaning all of the client's. Returns false when it has answered.
   */
  function guardAuthorize(url: URL, res: ServerResponse): boolean {
    const q = url.searchParams;
    const clientId = q.get('client_id') ?? '';
    const client = clientDefinition(definition, clientId);
    const redirectUri = q.get('redirect_uri');
    if (
      !client ||
      redirectUri === null ||
      !client.callbackUrls.includes(redirectUri) ||
      q.getAll('redirect_uri').length > 1
    ) {
      redirect(
        res,
        `/error?${new URLSearchParams({ error: 'redirect_mismatch', client_id: clientId }).toString()}`,
      );
      return false;
    }
    const fail = (error: string) => {
      const target = new URL(redirectUri);
      target.searchParams.set('error', error);
      const state = q.get('state');
      if (state !== null) target.searchParams.set('state', state);
      redirect(res, target.toString());
      return false;
    };
    const responseType = q.get('response_type');
    if (!responseType) return fail('invalid_request');
    if (responseType !== 'code') return fail('unauthorized_client');
    const challenge = q.get('code_challenge');
    const method = q.get('code_challenge_method');
    if (challenge !== null || method !== null) {
      if (!challenge || method !== 'S256') return fail('invalid_request');
    }
    const scope = q.get('scope');
    if (scope === null || scope.trim() === '') {
      q.set('scope', client.allowedScopes.join(' '));
    } else if (scope.split(' ').some((s) => s && !client.allowedScopes.includes(s))) {
      return fail('invalid_scope');
    }
    q.delete('resource');
    // Without openid there is no ID token, and Cognito ignores `nonce` where oidc-provider refuses it.
    if (!(q.get('scope') ?? '').split(' ').includes('openid')) {
      for (const name of ['nonce', 'max_age', 'claims', 'acr_values', 'id_token_hint']) q.delete(name);
    }
    return true;
  }

  /** The body of a POST to token/revoke, or undefined after answering a Cognito-style error. */
  async function readFormBody(req: IncomingMessage, res: ServerResponse): Promise<Buffer | undefined> {
    const headers = { 'Access-Control-Allow-Origin': '*' };
    if (req.method !== 'POST') {
      sendJson(res, 405, { error: 'invalid_request' }, { ...headers, Allow: 'POST' });
      return undefined;
    }
    try {
      return await readBody(req);
    } catch (err) {
      // The rest of an oversized body is never read: the connection cannot be reused.
      sendJson(
        res,
        err instanceof BodyTooLargeError ? 413 : 400,
        { error: 'invalid_request' },
        {
          ...headers,
          Connection: 'close',
        },
      );
      return undefined;
    }
  }

  async function handleToken(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method === 'OPTIONS') {
      await forward(req, res);
      return;
    }
    const body = await readFormBody(req, res);
    if (!body) return;
    const grantType = new URLSearchParams(body.toString('utf8')).get('grant_type') ?? 'other';
    const key = grantType === 'authorization_code' || grantType === 'refresh_token' ? grantType : 'other';
    counters.tokenRequests[key] = (counters.tokenRequests[key] ?? 0) + 1;
    const fault = faults.take();
    if (fault) {
      log(`user pool: token request answered by injected fault ${fault.kind}`);
      faults.apply(fault, req, res);
      return;
    }
    await forward(req, res, body);
  }

  async function handleRevoke(req: IncomingMessage, res: ServerResponse): Promise<void> {
    counters.revokeRequests += 1;
    const body = await readFormBody(req, res);
    if (!body) return;
    const form = new URLSearchParams(body.toString('utf8'));
    const client = clientDefinition(definition, clientFromForm(req, form) ?? '');
    if (client && client.enableTokenRevocation === false) {
      sendJson(res, 400, { error: 'invalid_request' }, { 'Access-Control-Allow-Origin': '*' });
      return;
    }
    await forward(req, res, body);
  }

  async function interactionOrUndefined(req: IncomingMessage, res: ServerResponse) {
    try {
      return await provider.interactionDetails(req, res);
    } catch {
      return undefined;
    }
  }

  async function handleLogin(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const query = url.searchParams.toString();
    const interaction = await interactionOrUndefined(req, res);
    if (!interaction) {
      // Cognito's /login takes authorize's parameters: start (or restart) the flow from them.
      if (url.searchParams.get('client_id')) {
        redirect(res, `/oauth2/authorize?${query}`);
      } else {
        sendHtml(res, 400, renderErrorHtml('Sign-in session not found: start again from the app.'));
      }
      return;
    }
    const demoUsers = options.demoMode ? definition.users : undefined;
    if (req.method === 'GET') {
      sendHtml(res, 200, renderLoginPage({ query, ...(demoUsers ? { demoUsers } : {}) }));
      return;
    }
    if (req.method !== 'POST') {
      sendJson(res, 405, { error: 'invalid_request' }, { Allow: 'GET, POST' });
      return;
    }
    let form: URLSearchParams;
    try {
      form = new URLSearchParams((await readBody(req)).toString('utf8'));
    } catch {
      sendHtml(res, 413, renderErrorHtml('Request too large.'), { Connection: 'close' });
      return;
    }
    const username = form.get('username') ?? '';
    const user = users.authenticate(username, form.get('password') ?? '');
    if (!user) {
      log('user pool: sign-in refused (wrong username or password)');
      sendHtml(
        res,
        200,
        renderLoginPage({
          query,
          error: 'Incorrect username or password.',
          username,
          ...(demoUsers ? { demoUsers } : {}),
        }),
      );
      return;
    }
    log(`user pool: ${user.username} signed in`);
    await provider.interactionFinished(
      req,
      res,
      { login: { accountId: user.sub, remember: true } },
      { mergeWithLastSubmission: false },
    );
  }

  async function handleLogout(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const q = url.searchParams;
    const clientId = q.get('client_id') ?? '';
    const client = clientDefinition(definition, clientId);
    const toError = (error: string) =>
      redirect(res, `/error?${new URLSearchParams({ error, client_id: clientId }).toString()}`);
    if (!client || q.has('post_logout_redirect_uri') || q.has('id_token_hint')) {
      toError(client ? 'invalid_request' : 'invalid_client');
      return;
    }
    const logoutUri = q.get('logout_uri');
    const redirectUri = q.get('redirect_uri');
    let target: string;
    if (logoutUri !== null) {
      if (!client.logoutUrls.includes(logoutUri)) {
        toError('redirect_mismatch');
        return;
      }
      target = logoutUri;
    } else if (redirectUri !== null && q.get('response_type')) {
      if (!client.callbackUrls.includes(redirectUri)) {
        toError('redirect_mismatch');
        return;
      }
      const login = new URLSearchParams();
      for (const name of ['client_id', 'redirect_uri', 'response_type', 'scope', 'state']) {
        const value = q.get(name);
        if (value !== null) login.set(name, value);
      }
      target = `/login?${login.toString()}`;
    } else {
      toError('invalid_request');
      return;
    }
    // Clear the Hosted UI session (server side and cookie); tokens are left alone, as Cognito does.
    const sessionId = parseCookies(req.headers.cookie).get(sessionCookie);
    if (sessionId) await adapters.factory('Session').destroy(sessionId);
    const expired = 'Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Lax';
    redirect(res, target, {
      'Set-Cookie': [`${sessionCookie}=; ${expired}`, `${sessionCookie}.sig=; ${expired}`],
    });
  }

  let closed = false;
  let listening = true;

  async function stopListening(): Promise<void> {
    if (!listening) return;
    listening = false;
    const done = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    for (const socket of sockets) socket.destroy();
    await done;
  }

  const pool: RunningUserPool = {
    issuer,
    domain,
    jwksUri,
    region: definition.region,
    userPoolId: definition.userPoolId,
    port,
    definition,
    counters,
    resetCounters() {
      counters.tokenRequests = {};
      counters.revokeRequests = 0;
      counters.authorizeRequests = 0;
      counters.userInfoRequests = 0;
    },
    injectTokenFaults(...items: TokenFault[]) {
      faults.push(...items);
    },
    clearFaults() {
      faults.clear();
    },
    async suspendListening() {
      faults.endHanging();
      await stopListening();
    },
    async resumeListening() {
      if (closed) throw new Error('user pool is closed');
      if (listening) return;
      await listen(server, port);
      listening = true;
    },
    async isRefreshTokenActive(refreshToken: string) {
      const stored = await refreshAdapter.find(refreshToken);
      if (!stored || stored.consumed) return false;
      if (typeof stored.exp === 'number' && stored.exp * 1000 <= Date.now()) return false;
      return typeof stored.grantId === 'string' && (await grantAlive(stored.grantId));
    },
    async revokeRefreshToken(refreshToken: string) {
      const stored = await refreshAdapter.find(refreshToken);
      await refreshAdapter.destroy(refreshToken);
      if (typeof stored?.grantId === 'string') await revokeGrant(stored.grantId);
    },
    async globalSignOut(username: string) {
      const user = users.byUsername(username);
      if (!user) return;
      const grantIds = new Set(grants.forAccount(user.sub).map((r) => r.grantId));
      for (const [id, payload] of adapters.entries('Grant')) {
        if (payload.accountId === user.sub) grantIds.add(id);
      }
      await Promise.all([...grantIds].map(revokeGrant));
    },
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
      await stopListening();
      adapters.clear();
      log('user pool: closed');
    },
  };
  void ACCESS_TOKEN_RESOURCE;
  log(`user pool ${definition.userPoolId} listening on ${domain}`);
  return pool;
}
