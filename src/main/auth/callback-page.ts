/**
 * The fixed page the loopback listener answers with. Nothing from the request is echoed into
 * it (no reflected XSS, no tokens, no open redirect); `message` comes from our own fixed strings.
 */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function renderCallbackPage(
  appName: string,
  ok: boolean,
  message: string,
  okTitle = 'Signed in',
): string {
  const title = ok ? okTitle : 'Sign-in problem';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(`${appName}: ${title}`)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#1b1b1b}</style>
</head><body><main><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>
<p>You can close this tab and return to ${escapeHtml(appName)}.</p></main></body></html>
`;
}
