import { createHash, randomBytes } from 'node:crypto';

import type { RunningUserPool } from '../../../tools/user-pool/types';

/** A minimal cookie jar (names only; the pool's cookies are all on its one origin). */
export class CookieJar {
  readonly cookies = new Map<string, string>();

  take(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (/expires=Thu, 01 Jan 1970/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export async function get(url: string, jar?: CookieJar): Promise<Response> {
  const res = await fetch(url, { redirect: 'manual', headers: jar ? { cookie: jar.header() } : {} });
  jar?.take(res);
  return res;
}

export function authorizeUrl(
  pool: Pick<RunningUserPool, 'domain'>,
  params: Record<string, string | undefined>,
): string {
  const url = new URL(`${pool.domain}/oauth2/authorize`);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  return url.toString();
}

export interface SignInResult {
  code: string;
  state: string;
  verifier: string;
  nonce: string;
  redirectUri: string;
  jar: CookieJar;
}

/**
 * Walks the Hosted UI over plain HTTP (authorize -> login form -> resume -> callback), for tests
 * about tokens. Tests about the login page itself drive Chromium instead.
 */
export async function httpSignIn(
  pool: Pick<RunningUserPool, 'domain'>,
  options: {
    clientId: string;
    redirectUri: string;
    username: string;
    password: string;
    scope?: string;
    /** RFC 8707 resource indicator (Cognito's resource binding). */
    resource?: string;
    jar?: CookieJar;
  },
): Promise<SignInResult> {
  const jar = options.jar ?? new CookieJar();
  const { verifier, challenge } = pkcePair();
  const state = randomBytes(16).toString('base64url');
  const nonce = randomBytes(16).toString('base64url');
  let res = await get(
    authorizeUrl(pool, {
      client_id: options.clientId,
      response_type: 'code',
      redirect_uri: options.redirectUri,
      scope: options.scope,
      resource: options.resource,
      state,
      nonce,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    }),
    jar,
  );
  for (let hops = 0; hops < 6; hops += 1) {
    const location = res.headers.get('location');
    if (!location) throw new Error(`sign-in stopped with HTTP ${res.status}`);
    const next = new URL(location, pool.domain);
    if (next.href.startsWith(options.redirectUri)) {
      const code = next.searchParams.get('code');
      if (!code) throw new Error(`sign-in ended with ${next.searchParams.get('error') ?? 'no code'}`);
      return { code, state, verifier, nonce, redirectUri: options.redirectUri, jar };
    }
    if (next.pathname === '/login') {
      const form = await get(next.href, jar);
      if (form.status !== 200) throw new Error(`login page answered ${form.status}`);
      res = await fetch(next.href, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: jar.header() },
        body: new URLSearchParams({ username: options.username, password: options.password }),
      });
      jar.take(res);
      continue;
    }
    res = await get(next.href, jar);
  }
  throw new Error('sign-in took too many redirects');
}

export async function tokenRequest(
  pool: Pick<RunningUserPool, 'domain'>,
  params: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  const res = await fetch(`${pool.domain}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(params),
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
  };
}

export async function exchangeCode(
  pool: Pick<RunningUserPool, 'domain'>,
  signIn: SignInResult,
  clientId: string,
  extra: Record<string, string> = {},
  headers: Record<string, string> = {},
) {
  return tokenRequest(
    pool,
    {
      grant_type: 'authorization_code',
      code: signIn.code,
      redirect_uri: signIn.redirectUri,
      client_id: clientId,
      code_verifier: signIn.verifier,
      ...extra,
    },
    headers,
  );
}

export interface TokenSet {
  access_token: string;
  id_token: string;
  refresh_token: string;
}

export async function signInForTokens(
  pool: Pick<RunningUserPool, 'domain'>,
  options: { clientId: string; redirectUri: string; username: string; password: string; scope?: string },
): Promise<TokenSet & { signIn: SignInResult }> {
  const signIn = await httpSignIn(pool, options);
  const res = await exchangeCode(pool, signIn, options.clientId);
  if (res.status !== 200) throw new Error(`code exchange failed: ${JSON.stringify(res.body)}`);
  return { ...(res.body as unknown as TokenSet), signIn };
}
