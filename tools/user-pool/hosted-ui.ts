/**
 * The Hosted UI pages the pool serves itself: `/login` (the sign-in form, which finishes
 * oidc-provider's interaction; a sign-in counts against the UserAuthentication rate limit) and
 * `/logout` (clears the Hosted UI session, revokes no token, as Cognito's).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

import type Provider from 'oidc-provider';

import type { UserDirectory } from './accounts';
import type { Federation } from './federation';
import { parseCookies, readBody, redirect, sendHtml, sendJson } from './http-helpers';
import { renderLoginPage } from './login-page';
import type { createMemoryAdapterFactory } from './memory-adapter';
import { clientDefinition, renderErrorHtml } from './provider-config';
import type { RateLimiter } from './rate-limit';
import type { PoolDefinition, UserPoolCounters } from './types';

export interface HostedUiDeps {
  provider: Provider;
  definition: PoolDefinition;
  users: UserDirectory;
  adapters: ReturnType<typeof createMemoryAdapterFactory>;
  counters: UserPoolCounters;
  userAuthentication: RateLimiter;
  demoMode: boolean;
  log: (line: string) => void;
  /** Federated sign-in (federation.ts): provider buttons, `identity_provider=`, local sign-in allowed or not. */
  federation?: Federation;
  /** The page language (managed-login.ts: `lang`, else the cookie that keeps it). */
  languageOf?: (req: IncomingMessage, url: URL) => string | undefined;
}

export function createHostedUi(deps: HostedUiDeps) {
  const { provider, definition, users, adapters } = deps;
  const sessionCookie = provider.cookieName('session');

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
    const demoUsers = deps.demoMode ? definition.users : undefined;
    const lang = deps.languageOf?.(req, url);
    const clientId = String(interaction.params['client_id'] ?? '');
    const federation = deps.federation;
    const pageOptions = federation
      ? { providers: federation.loginButtons(clientId), localSignIn: federation.localSignInAllowed(clientId) }
      : {};
    if (req.method === 'GET') {
      if (federation && (await federation.startFromLogin(res, interaction, url))) return;
      sendHtml(
        res,
        200,
        renderLoginPage({
          query,
          ...pageOptions,
          ...(demoUsers ? { demoUsers } : {}),
          ...(lang ? { lang } : {}),
        }),
      );
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
    if (pageOptions.localSignIn === false) {
      sendHtml(res, 400, renderErrorHtml('This app does not allow sign-in with a username and password.'));
      return;
    }
    if (!deps.userAuthentication.take()) {
      deps.counters.throttled['userAuthentication'] =
        (deps.counters.throttled['userAuthentication'] ?? 0) + 1;
      deps.log('user pool: sign-in over the UserAuthentication rate limit');
      sendHtml(
        res,
        definition.rateLimits?.throttledResponse?.status ?? 429,
        renderErrorHtml('Too many requests. Try again in a moment.'),
      );
      return;
    }
    const username = form.get('username') ?? '';
    const user = users.authenticate(username, form.get('password') ?? '');
    // The login form again with Cognito's own words for why (the username kept, as Cognito does).
    const refuse = (why: string, error: string) => {
      deps.log(`user pool: sign-in refused (${why})`);
      sendHtml(
        res,
        200,
        renderLoginPage({ query, ...pageOptions, error, username, ...(demoUsers ? { demoUsers } : {}) }),
      );
    };
    if (!user) {
      refuse('wrong username or password', 'Incorrect username or password.');
      return;
    }
    if (!users.isEnabled(user.sub)) {
      // AdminDisableUser (user-pool API): Cognito's Hosted UI answers with this text.
      refuse('user is disabled', 'User is disabled.');
      return;
    }
    deps.log(`user pool: ${user.username} signed in`);
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

  return { handleLogin, handleLogout };
}
