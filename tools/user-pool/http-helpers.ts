import { IncomingMessage, type ServerResponse } from 'node:http';

export const BODY_LIMIT = 56 * 1024;

export class BodyTooLargeError extends Error {}

/** Reads a whole request body, refusing more than BODY_LIMIT bytes. */
export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > BODY_LIMIT) throw new BodyTooLargeError('request body too large');
    chunks.push(buf);
  }
  return Buffer.concat(chunks, size);
}

/**
 * A fresh request carrying an already-read body, for oidc-provider after the front server has looked
 * at the form (to count grant types or check a client): the original stream is spent by then.
 */
export function replayRequest(
  original: IncomingMessage,
  body: Buffer,
  extraHeaders: Record<string, string> = {},
): IncomingMessage {
  const copy = new IncomingMessage(original.socket);
  copy.method = original.method;
  copy.url = original.url;
  copy.headers = { ...original.headers, ...extraHeaders, 'content-length': String(body.length) };
  copy.rawHeaders = original.rawHeaders;
  copy.httpVersion = original.httpVersion;
  copy.httpVersionMajor = original.httpVersionMajor;
  copy.httpVersionMinor = original.httpVersionMinor;
  // Without this, the copy's auto-destroy at end-of-stream tears down the shared socket.
  copy.complete = true;
  if (body.length) copy.push(body);
  copy.push(null);
  return copy;
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json;charset=UTF-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(text);
}

export function sendHtml(
  res: ServerResponse,
  status: number,
  html: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': Buffer.byteLength(html),
    'Cache-Control': 'no-store',
    // No script, nothing external: the page needs only its inline style.
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
    'X-Frame-Options': 'DENY',
    ...headers,
  });
  res.end(html);
}

export function redirect(
  res: ServerResponse,
  location: string,
  headers: Record<string, string | string[]> = {},
): void {
  res.writeHead(302, { Location: location, 'Cache-Control': 'no-store', ...headers });
  res.end();
}

export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    if (name) out.set(name, part.slice(eq + 1).trim());
  }
  return out;
}

/** Client credentials from HTTP Basic (RFC 6749 2.3.1 form-encoding), or undefined. */
export function basicClientId(header: string | undefined): string | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  try {
    return decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

/**
 * Cognito accepts client_secret_post and client_secret_basic from the same client; an oidc-provider
 * client has one method. A form carrying the secret is turned into the Basic form it also accepts.
 */
export function secretPostAsBasic(
  req: IncomingMessage,
  body: Buffer,
): { body: Buffer; headers: Record<string, string> } {
  const form = new URLSearchParams(body.toString('utf8'));
  const id = form.get('client_id');
  const secret = form.get('client_secret');
  if (req.headers.authorization || id === null || secret === null) return { body, headers: {} };
  form.delete('client_id');
  form.delete('client_secret');
  const encode = (v: string) => encodeURIComponent(v).replace(/%20/g, '+');
  const basic = Buffer.from(`${encode(id)}:${encode(secret)}`).toString('base64');
  return { body: Buffer.from(form.toString()), headers: { authorization: `Basic ${basic}` } };
}
