import type { IncomingMessage, ServerResponse } from 'node:http';

/** Largest request body accepted (a note is at most ~10 KB of text plus JSON overhead). */
export const MAX_BODY_BYTES = 16 * 1024;

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export class RequestError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    message: string,
    readonly extra?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'RequestError';
  }

  toReply(): Reply {
    return {
      status: this.status,
      body: { error: this.error, error_description: this.message, ...this.extra },
    };
  }
}

export function send(res: ServerResponse, reply: Reply): void {
  const payload = reply.body === undefined ? '' : JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    ...(payload ? { 'Content-Type': 'application/json; charset=utf-8' } : {}),
    'Content-Length': Buffer.byteLength(payload),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...reply.headers,
  });
  res.end(payload);
}

/** Reads a JSON body up to MAX_BODY_BYTES; larger bodies are refused (413) without being buffered. */
export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    throw new RequestError(415, 'unsupported_media_type', 'body must be application/json');
  }
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > MAX_BODY_BYTES) throw new RequestError(413, 'payload_too_large', 'body too large');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new RequestError(413, 'payload_too_large', 'body too large');
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new RequestError(400, 'invalid_json', 'body is not valid JSON');
  }
}
