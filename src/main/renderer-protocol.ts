import { readFile, realpath } from 'node:fs/promises';
import path from 'node:path';

/**
 * The renderer is served from `app://cognito-desktop/`, a privileged standard + secure scheme,
 * instead of file://: it gives the page a real origin (so the IPC sender check and CSP `'self'`
 * mean "our bundle" and nothing else on disk), and every response carries the CSP header.
 *
 * This module has no Electron import: window.ts plugs serveRendererRequest() into protocol.handle.
 */
export const APP_PROTOCOL = 'app';
export const APP_HOST = 'cognito-desktop';
export const RENDERER_ORIGIN = `${APP_PROTOCOL}://${APP_HOST}`;
export const RENDERER_ENTRY_URL = `${RENDERER_ORIGIN}/index.html`;

/**
 * No remote origin, no inline or eval'd script, no plugins, no framing, no form posts. The page
 * talks to main over IPC only, so `connect-src 'self'` is all it needs.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "frame-src 'none'",
  "worker-src 'none'",
].join('; ');

/** For the electron-vite dev server (development only): its origin, plus its HMR websocket. */
export function devServerCsp(devServerUrl: string): string {
  const origin = new URL(devServerUrl).origin;
  const ws = origin.replace(/^http/, 'ws');
  // The React refresh preamble is an inline module script in dev; packaged builds never get this.
  return CONTENT_SECURITY_POLICY.replace("script-src 'self'", `script-src 'self' ${origin} 'unsafe-inline'`)
    .replace("style-src 'self'", `style-src 'self' ${origin} 'unsafe-inline'`)
    .replace("connect-src 'self'", `connect-src 'self' ${origin} ${ws}`);
}

export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Referrer-Policy': 'no-referrer',
});

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

/**
 * The file under `rendererRoot` a request URL names, or undefined when the URL is not ours or
 * escapes the root (`..`, encoded slashes, symlinks out of the folder).
 */
export async function resolveRendererFile(
  rendererRoot: string,
  requestUrl: string,
): Promise<string | undefined> {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return undefined;
  }
  if (url.protocol !== `${APP_PROTOCOL}:` || url.host !== APP_HOST) return undefined;
  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return undefined;
  }
  if (pathname.includes('\0') || pathname.includes('\\')) return undefined;
  const relative = pathname === '/' ? 'index.html' : pathname.replace(/^\/+/, '');
  const root = await realpath(rendererRoot);
  const candidate = path.resolve(root, relative);
  if (candidate !== root && !candidate.startsWith(root + path.sep)) return undefined;
  try {
    const real = await realpath(candidate);
    return real.startsWith(root + path.sep) ? real : undefined;
  } catch {
    return undefined;
  }
}

/** The protocol handler's answer: the file with the security headers, or a bare 404. */
export async function serveRendererRequest(rendererRoot: string, requestUrl: string): Promise<Response> {
  const file = await resolveRendererFile(rendererRoot, requestUrl);
  if (!file) return new Response('Not found', { status: 404, headers: { ...SECURITY_HEADERS } });
  try {
    const body = await readFile(file);
    const type = CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
    return new Response(body, { status: 200, headers: { ...SECURITY_HEADERS, 'Content-Type': type } });
  } catch {
    return new Response('Not found', { status: 404, headers: { ...SECURITY_HEADERS } });
  }
}
