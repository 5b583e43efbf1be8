import { escapeHtml } from './provider-config';
import type { PoolUserDefinition } from './types';

export interface LoginPageOptions {
  /** The query the page was reached with, kept on the form's action (Cognito's /login mirrors authorize's). */
  query: string;
  error?: string;
  username?: string;
  /** Federated providers the client supports: one button each (federation.ts). */
  providers?: string[];
  /** False when the client does not support COGNITO (local users): no username/password form. */
  localSignIn?: boolean;
  /** Demo mode only: users whose passwords are shown. */
  demoUsers?: PoolUserDefinition[];
  /** The page language (`lang` or its cookie, managed-login.ts); the text itself stays English. */
  lang?: string;
}

const STYLE = `body{font-family:system-ui,sans-serif;background:#f4f5f7;margin:0}main{max-width:22rem;margin:4rem auto;background:#fff;padding:2rem;border-radius:8px;box-shadow:0 1px 4px #0002}label{display:block;margin-top:1rem;font-weight:600}input{width:100%;box-sizing:border-box;padding:.5rem;margin-top:.25rem;font-size:1rem}button{margin-top:1.5rem;width:100%;padding:.6rem;font-size:1rem;background:#1f5fae;color:#fff;border:0;border-radius:4px}[role=alert]{color:#a00;margin-top:1rem}table{margin-top:1.5rem;border-collapse:collapse;font-size:.9rem}th,td{text-align:left;padding:.2rem .6rem .2rem 0}a.idp{display:block;text-align:center;margin:1rem 0 1.5rem;padding:.6rem;background:#fff;color:#1f5fae;border:2px solid #1f5fae;border-radius:4px;text-decoration:none;font-weight:600}`;

/** The Hosted UI sign-in page: plain, accessible HTML, no script, no external resource. */
export function renderLoginPage(options: LoginPageOptions): string {
  const action = options.query ? `/login?${options.query}` : '/login';
  const error = options.error ? `<p role="alert" id="login-error">${escapeHtml(options.error)}</p>` : '';
  const demo = options.demoUsers?.length
    ? `<section aria-labelledby="demo-heading"><h2 id="demo-heading">Demo users</h2><table><thead><tr><th scope="col">Username</th><th scope="col">Password</th></tr></thead><tbody>${options.demoUsers
        .map(
          (u) => `<tr><td>${escapeHtml(u.username)}</td><td><code>${escapeHtml(u.password)}</code></td></tr>`,
        )
        .join('')}</tbody></table></section>`
    : '';
  const providers = options.providers?.length
    ? `<section aria-labelledby="idp-heading"><h2 id="idp-heading">Sign in with your corporate ID</h2>${options.providers
        .map((name) => {
          const href = `/login?${options.query ? `${options.query}&` : ''}${new URLSearchParams({ identity_provider: name }).toString()}`;
          return `<a class="idp" role="button" href="${escapeHtml(href)}">${escapeHtml(name)}</a>`;
        })
        .join('')}</section>`
    : '';
  const local =
    options.localSignIn === false
      ? ''
      : `<h1>Sign in with your username and password</h1>
<form method="post" action="${escapeHtml(action)}">
<label for="username">Username</label>
<input id="username" name="username" type="text" autocomplete="username" autocapitalize="none" required value="${escapeHtml(options.username ?? '')}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
${error}
<button type="submit">Sign in</button>
</form>`;
  return `<!doctype html>
<html lang="${escapeHtml(options.lang ?? 'en')}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Signin</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${providers}
${local}
${demo}
</main>
</body>
</html>`;
}
