import { escapeHtml } from './provider-config';
import type { PoolUserDefinition } from './types';

export interface LoginPageOptions {
  /** The query the page was reached with, kept on the form's action (Cognito's /login mirrors authorize's). */
  query: string;
  error?: string;
  username?: string;
  /** Demo mode only: users whose passwords are shown. */
  demoUsers?: PoolUserDefinition[];
}

const STYLE = `body{font-family:system-ui,sans-serif;background:#f4f5f7;margin:0}main{max-width:22rem;margin:4rem auto;background:#fff;padding:2rem;border-radius:8px;box-shadow:0 1px 4px #0002}label{display:block;margin-top:1rem;font-weight:600}input{width:100%;box-sizing:border-box;padding:.5rem;margin-top:.25rem;font-size:1rem}button{margin-top:1.5rem;width:100%;padding:.6rem;font-size:1rem;background:#1f5fae;color:#fff;border:0;border-radius:4px}[role=alert]{color:#a00;margin-top:1rem}table{margin-top:1.5rem;border-collapse:collapse;font-size:.9rem}th,td{text-align:left;padding:.2rem .6rem .2rem 0}`;

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
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Signin</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>Sign in with your username and password</h1>
<form method="post" action="${escapeHtml(action)}">
<label for="username">Username</label>
<input id="username" name="username" type="text" autocomplete="username" autocapitalize="none" required value="${escapeHtml(options.username ?? '')}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
${error}
<button type="submit">Sign in</button>
</form>
${demo}
</main>
</body>
</html>`;
}
