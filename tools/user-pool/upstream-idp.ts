/**
 * startUpstreamIdp(): a second, independent OIDC provider on 127.0.0.1 (oidc-provider again, its
 * own issuer, port, keys and users) for the user pool to federate, the way a company's Entra ID or
 * Okta sits upstream of Cognito. It is deliberately plain: a username/password page with a
 * "Cancel" button (which answers the client `access_denied`, as an IdP does when the user declines),
 * no consent screen, a session cookie of its own (so a second sign-in through it is silent), and
 * confidential clients only. Its clients are registered as native loopback clients, so a
 * redirect URI on 127.0.0.1 matches whatever port the pool got (RFC 8252 7.3); the path must match.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import { exportJWK, generateKeyPair } from 'jose';
import Provider, { interactionPolicy, type Configuration } from 'oidc-provider';

import { readBody, sendHtml } from './http-helpers';
import { startPoolHttpServer } from './http-server';
import { escapeHtml } from './provider-config';

export interface UpstreamUser {
  /** The upstream's subject (the pool names the federated user `<ProviderName>_<sub>`). */
  sub: string;
  username: string;
  password: string;
  email: string;
  emailVerified?: boolean;
  name?: string;
}

export interface UpstreamClient {
  clientId: string;
  clientSecret: string;
  /** e.g. `http://127.0.0.1/oauth2/idpresponse` (any loopback port matches). */
  redirectUris: string[];
}

export interface StartUpstreamIdpOptions {
  /** Shown on its sign-in page, e.g. "Example Corp SSO". */
  title: string;
  users: UpstreamUser[];
  clients: UpstreamClient[];
  /** 0 (default) picks a free port. */
  port?: number;
  /** Show the users' passwords on the sign-in page (the demo does). */
  demoMode?: boolean;
  log?: (line: string) => void;
}

export interface RunningUpstreamIdp {
  issuer: string;
  port: number;
  /** Sign-in page posts, token requests, and declines, for tests. */
  counters: { logins: number; tokenRequests: number; declines: number };
  close(): Promise<void>;
}

const STYLE = `body{font-family:system-ui,sans-serif;background:#eef1ee;margin:0}main{max-width:22rem;margin:4rem auto;background:#fff;padding:2rem;border-radius:8px;box-shadow:0 1px 4px #0002}label{display:block;margin-top:1rem;font-weight:600}input{width:100%;box-sizing:border-box;padding:.5rem;margin-top:.25rem}button{margin-top:1rem;width:100%;padding:.6rem;font-size:1rem;border-radius:4px}[role=alert]{color:#a00}`;

function loginPage(
  title: string,
  uid: string,
  error: string | undefined,
  demoUsers: UpstreamUser[] | undefined,
): string {
  const demo = demoUsers?.length
    ? `<p>Demo users: ${demoUsers.map((u) => `${escapeHtml(u.username)} / <code>${escapeHtml(u.password)}</code>`).join(', ')}</p>`
    : '';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body><main>
<h1>${escapeHtml(title)}</h1>
<form method="post" action="/interaction/${escapeHtml(uid)}">
<label for="username">Username</label><input id="username" name="username" autocomplete="username" required>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
${error ? `<p role="alert">${escapeHtml(error)}</p>` : ''}
<button type="submit" name="action" value="login">Sign in</button>
</form>
<form method="post" action="/interaction/${escapeHtml(uid)}"><button type="submit" name="action" value="cancel">Cancel</button></form>
${demo}
</main></body></html>`;
}

function samePassword(expected: string, given: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(expected), digest(given));
}

export async function startUpstreamIdp(options: StartUpstreamIdpOptions): Promise<RunningUpstreamIdp> {
  const log = options.log ?? (() => undefined);
  const bySub = new Map(options.users.map((u) => [u.sub, u]));
  const byUsername = new Map(options.users.map((u) => [u.username.toLowerCase(), u]));
  const counters = { logins: 0, tokenRequests: 0, declines: 0 };

  // The issuer (and so the provider) exists only once listening; until then, 503.
  const routes: { handle?: (req: IncomingMessage, res: ServerResponse) => Promise<void> } = {};
  const http = await startPoolHttpServer((req, res) => {
    const handle = routes.handle;
    if (!handle) {
      res.writeHead(503).end();
      return;
    }
    handle(req, res).catch((err: unknown) => {
      log(`upstream idp: internal error: ${String(err)}`);
      if (!res.headersSent) sendHtml(res, 500, 'internal error');
      else res.destroy();
    });
  }, options.port ?? 0);
  const issuer = http.origin;

  // Its own signing key (not oidc-provider's development-only quick-start keys).
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const signingKey = {
    ...(await exportJWK(privateKey)),
    kid: `upstream-${randomBytes(6).toString('hex')}`,
    alg: 'RS256',
    use: 'sig',
  };
  const policy = interactionPolicy.base();
  policy.remove('consent');
  const configuration: Configuration = {
    clients: options.clients.map((c) => ({
      client_id: c.clientId,
      client_secret: c.clientSecret,
      token_endpoint_auth_method: 'client_secret_basic',
      application_type: 'native',
      redirect_uris: c.redirectUris,
      grant_types: ['authorization_code'],
      response_types: ['code'],
    })),
    jwks: { keys: [signingKey] as never },
    cookies: {
      keys: [randomBytes(32).toString('base64url')],
      // Cookies ignore ports: on 127.0.0.1 the pool's own `_session` would be this provider's too
      // (the pool's /logout would end the upstream session). A real upstream is another host.
      names: {
        session: '_upstream_session',
        interaction: '_upstream_interaction',
        resume: '_upstream_resume',
      },
    },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'preferred_username'] },
    features: { devInteractions: { enabled: false } },
    pkce: { required: () => false },
    interactions: { policy, url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    // No consent screen: every requested scope is granted.
    loadExistingGrant: async (ctx) => {
      const accountId = ctx.oidc.session?.accountId;
      const clientId = ctx.oidc.client?.clientId;
      if (!accountId || !clientId) return undefined;
      const grant = new ctx.oidc.provider.Grant({ accountId, clientId });
      grant.addOIDCScope(String(ctx.oidc.params?.['scope'] ?? 'openid'));
      await grant.save();
      return grant;
    },
    findAccount: (_ctx, sub) => {
      const user = bySub.get(sub);
      if (!user) return undefined;
      return {
        accountId: sub,
        claims: () => ({
          sub,
          email: user.email,
          email_verified: user.emailVerified ?? true,
          preferred_username: user.username,
          ...(user.name ? { name: user.name } : {}),
        }),
      };
    },
  };
  const provider = new Provider(issuer, configuration);
  provider.on('grant.success', () => {
    counters.tokenRequests += 1;
  });
  const callback = provider.callback();
  const demoUsers = options.demoMode ? options.users : undefined;

  routes.handle = async (req, res) => {
    const url = new URL(req.url ?? '/', issuer);
    const match = /^\/interaction\/([\w-]+)$/.exec(url.pathname);
    if (!match) {
      await callback(req, res);
      return;
    }
    let details;
    try {
      details = await provider.interactionDetails(req, res);
    } catch {
      sendHtml(res, 400, 'Sign-in session not found.');
      return;
    }
    if (req.method === 'GET') {
      sendHtml(res, 200, loginPage(options.title, details.uid, undefined, demoUsers));
      return;
    }
    const form = new URLSearchParams((await readBody(req)).toString('utf8'));
    if (form.get('action') === 'cancel') {
      counters.declines += 1;
      log('upstream idp: the user declined');
      await provider.interactionFinished(
        req,
        res,
        { error: 'access_denied', error_description: 'End-User aborted interaction' },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    counters.logins += 1;
    const user = byUsername.get((form.get('username') ?? '').toLowerCase());
    if (!user || !samePassword(user.password, form.get('password') ?? '')) {
      sendHtml(res, 200, loginPage(options.title, details.uid, 'Incorrect username or password.', demoUsers));
      return;
    }
    log(`upstream idp: ${user.username} signed in`);
    await provider.interactionFinished(
      req,
      res,
      { login: { accountId: user.sub } },
      { mergeWithLastSubmission: false },
    );
  };

  let closed = false;
  log(`upstream idp listening on ${issuer}`);
  return {
    issuer,
    port: http.port,
    counters,
    async close() {
      if (closed) return;
      closed = true;
      await http.stop();
    },
  };
}
