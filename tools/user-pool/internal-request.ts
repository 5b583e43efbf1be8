/**
 * Requests the pool makes to itself, in process: the user-pool API's refresh, revoke and
 * password operations go through the same token front, provider and rules as the OAuth
 * endpoints (faults, rate limit, rotation grace, revocation), instead of a second copy of them.
 * A request is an IncomingMessage on the caller's socket (as replayRequest does) and the answer
 * is collected from a ServerResponse that never reaches the socket.
 */
import { IncomingMessage, ServerResponse, type OutgoingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';

export interface InternalAnswer {
  status: number;
  headers: OutgoingHttpHeaders;
  body: Buffer;
}

export type InternalHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export async function internalRequest(
  handler: InternalHandler,
  socket: Socket,
  request: { method: string; path: string; headers?: Record<string, string>; body?: string },
): Promise<InternalAnswer> {
  const body = Buffer.from(request.body ?? '');
  const req = new IncomingMessage(socket);
  req.method = request.method;
  req.url = request.path;
  req.headers = {
    ...request.headers,
    ...(request.body !== undefined ? { 'content-length': String(body.length) } : {}),
  };
  req.httpVersion = '1.1';
  req.httpVersionMajor = 1;
  req.httpVersionMinor = 1;
  // Without this, the copy's auto-destroy at end-of-stream tears down the shared socket.
  req.complete = true;
  if (body.length) req.push(body);
  req.push(null);

  const res = new ServerResponse(req);
  const chunks: Buffer[] = [];
  return new Promise<InternalAnswer>((resolve, reject) => {
    const toBuffer = (chunk: unknown, encoding?: unknown) =>
      Buffer.isBuffer(chunk)
        ? chunk
        : Buffer.from(String(chunk), typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
    res.writeHead = ((status: number, ...rest: unknown[]) => {
      res.statusCode = status;
      const headers = rest.find((r) => r && typeof r === 'object') as OutgoingHttpHeaders | undefined;
      for (const [name, value] of Object.entries(headers ?? {})) {
        if (value !== undefined) res.setHeader(name, value);
      }
      return res;
    }) as ServerResponse['writeHead'];
    res.write = ((chunk: unknown, encoding?: unknown) => {
      if (chunk !== undefined && typeof chunk !== 'function') chunks.push(toBuffer(chunk, encoding));
      return true;
    }) as ServerResponse['write'];
    res.end = ((chunk?: unknown, encoding?: unknown) => {
      if (chunk !== undefined && chunk !== null && typeof chunk !== 'function') {
        chunks.push(toBuffer(chunk, encoding));
      }
      resolve({ status: res.statusCode, headers: res.getHeaders(), body: Buffer.concat(chunks) });
      return res;
    }) as ServerResponse['end'];
    handler(req, res).catch(reject);
  });
}

/** Cookies set by an answer, as `name=value` (for the next internal request). */
export function cookiesFrom(answer: InternalAnswer, jar: Map<string, string>): void {
  const raw = answer.headers['set-cookie'];
  const lines = Array.isArray(raw) ? raw : raw === undefined ? [] : [String(raw)];
  for (const line of lines) {
    const pair = line.split(';')[0] ?? '';
    const eq = pair.indexOf('=');
    if (eq > 0) jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
  }
}

export function cookieHeader(jar: Map<string, string>): string {
  return [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
}
