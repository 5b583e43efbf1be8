/**
 * Managed login (definition `managedLoginVersion`, per domain: 1 = the classic Hosted UI, the
 * default; 2 = managed login) and the language cookie both versions keep.
 *
 *  - `/passkeys/add` exists only with version 2 (Cognito: "Except for /passkeys/add, all paths are
 *    shared between the two versions"); with 1 it is a 404. It takes `client_id` and
 *    `redirect_uri` (a registered callback URL, else `/error?error=redirect_mismatch`), and needs
 *    the Hosted UI session of a signed-in user: without one it sends the browser to `/login` with
 *    those parameters. The registration is a STAND-IN: the page says so, asks no authenticator
 *    (no WebAuthn ceremony), and records "a passkey" for the user when its form is posted
 *    (`RunningUserPool.passkeys()`), then shows a done page linking back to `redirect_uri`.
 *  - `lang=<code>` on any Hosted UI page sets a cookie that keeps the language for the next pages
 *    (Cognito sets one after the first request with `lang`); the login page reads it.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import type Provider from 'oidc-provider';

import type { UserDirectory } from './accounts';
import { parseCookies, readBody, redirect, sendHtml, sendJson } from './http-helpers';
import type { createMemoryAdapterFactory } from './memory-adapter';
import { clientDefinition, escapeHtml } from './provider-config';
import type { PoolDefinition } from './types';

export const LANG_COOKIE = 'cognito-lang';
const LANG = /^[a-z]{2}(?:-[A-Z]{2})?$/;

export interface PasskeyRecord {
  credentialId: string;
  createdAt: number;
}

export interface ManagedLoginDeps {
  provider: Provider;
  definition: PoolDefinition;
  users: UserDirectory;
  adapters: ReturnType<typeof createMemoryAdapterFactory>;
  log: (line: string) => void;
}

export function createManagedLogin(deps: ManagedLoginDeps) {
  const { definition, users, adapters } = deps;
  const sessionCookie = deps.provider.cookieName('session');
  const passkeys = new Map<string, PasskeyRecord[]>(); // by username
  const formTokens = new Map<string, string>(); // form token -> Hosted UI session id

  /** The language of this request: `lang` on the URL, else the cookie; undefined = English. */
  function languageOf(req: IncomingMessage, url: URL): string | undefined {
    const asked = url.searchParams.get('lang');
    if (asked !== null && LANG.test(asked)) return asked;
    const kept = parseCookies(req.headers.cookie).get(LANG_COOKIE);
    return kept !== undefined && LANG.test(kept) ? kept : undefined;
  }

  /** Sets the language cookie when the page was asked for with `lang` (kept for later pages). */
  function rememberLanguage(res: ServerResponse, url: URL): void {
    const asked = url.searchParams.get('lang');
    if (asked === null || !LANG.test(asked)) return;
    res.setHeader('Set-Cookie', `${LANG_COOKIE}=${asked}; Path=/; HttpOnly; SameSite=Lax`);
  }

  async function signedInUser(req: IncomingMessage) {
    const id = parseCookies(req.headers.cookie).get(sessionCookie);
    if (!id) return undefined;
    const session = await adapters.factory('Session').find(id);
    const accountId = typeof session?.accountId === 'string' ? session.accountId : undefined;
    const user = accountId ? users.bySub(accountId) : undefined;
    return user ? { user, sessionId: id } : undefined;
  }

  async function handlePasskeysAdd(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if ((definition.managedLoginVersion ?? 1) !== 2) {
      sendJson(res, 404, { error: 'not_found' });
      return;
    }
    const clientId = url.searchParams.get('client_id') ?? '';
    const redirectUri = url.searchParams.get('redirect_uri') ?? '';
    const client = clientDefinition(definition, clientId);
    if (!client || !client.callbackUrls.includes(redirectUri)) {
      redirect(
        res,
        `/error?${new URLSearchParams({ error: 'redirect_mismatch', client_id: clientId }).toString()}`,
      );
      return;
    }
    const signedIn = await signedInUser(req);
    if (!signedIn) {
      const login = new URLSearchParams({
        client_id: clientId,
        redirect_uri: redirectUri,
        response_type: 'code',
      });
      redirect(res, `/login?${login.toString()}`);
      return;
    }
    const { user, sessionId } = signedIn;
    if (req.method === 'POST') {
      let form: URLSearchParams;
      try {
        form = new URLSearchParams((await readBody(req)).toString('utf8'));
      } catch {
        sendJson(res, 413, { error: 'invalid_request' }, { Connection: 'close' });
        return;
      }
      const token = form.get('token') ?? '';
      if (formTokens.get(token) !== sessionId) {
        sendJson(res, 400, { error: 'invalid_request' });
        return;
      }
      formTokens.delete(token);
      const list = passkeys.get(user.username) ?? [];
      list.push({ credentialId: randomBytes(16).toString('base64url'), createdAt: Date.now() });
      passkeys.set(user.username, list);
      deps.log(`user pool: stand-in passkey registered for ${user.username}`);
      sendHtml(
        res,
        200,
        page(
          'Passkey added',
          `<p id="done">A passkey was added for ${escapeHtml(user.username)}.</p><p><a href="${escapeHtml(redirectUri)}">Return to the app</a></p>`,
        ),
      );
      return;
    }
    if (req.method !== 'GET') {
      sendJson(res, 405, { error: 'invalid_request' }, { Allow: 'GET, POST' });
      return;
    }
    const token = randomBytes(16).toString('base64url');
    formTokens.set(token, sessionId);
    sendHtml(
      res,
      200,
      page(
        'Add a passkey',
        `<h1>Add a passkey</h1><p>Signed in as <strong id="username">${escapeHtml(user.username)}</strong>.</p>
<p id="stand-in">This local user pool stands in for Cognito's passkey registration: no authenticator is asked and no WebAuthn credential is created; the pool only records that one was added.</p>
<form method="post" action="/passkeys/add?${escapeHtml(url.searchParams.toString())}"><input type="hidden" name="token" value="${token}"><button type="submit">Add passkey</button></form>`,
      ),
    );
  }

  return {
    languageOf,
    rememberLanguage,
    handlePasskeysAdd,
    passkeys: (username: string): PasskeyRecord[] => [...(passkeys.get(username) ?? [])],
    clear() {
      passkeys.clear();
      formTokens.clear();
    },
  };
}

export type ManagedLogin = ReturnType<typeof createManagedLogin>;

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><main>${body}</main></body></html>`;
}
