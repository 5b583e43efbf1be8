import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { AppError } from '../../src/shared/errors';
import type { AccessTokenSource } from '../../src/main/auth/access-token-source';

/**
 * Real HTTP servers on 127.0.0.1 (free ports) for the API-client tests: a small resource
 * server that checks bearer tokens, and a listener that only records what reached it.
 */

export interface SeenRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface Listener {
  origin: string;
  port: number;
  requests: SeenRequest[];
  /** TCP connections accepted, whether or not they ever sent a request (e.g. a TLS hello). */
  connections: number;
  /** Requests whose client went away before the answer (timeouts, cancellations). */
  abortedRequests: number;
  close(): Promise<void>;
}

type Route = (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void;

async function listen(route: Route): Promise<Listener> {
  const sockets = new Set<Socket>();
  const state = { requests: [] as SeenRequest[], connections: 0, abortedRequests: 0 };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      state.requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      res.on('close', () => {
        if (!res.writableFinished) state.abortedRequests += 1;
      });
      route(req, res, body);
    });
  });
  server.on('connection', (socket) => {
    state.connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    get requests() {
      return state.requests;
    },
    get connections() {
      return state.connections;
    },
    get abortedRequests() {
      return state.abortedRequests;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A listener that answers 502 to anything: proof of what (if anything) reached the network. */
export function startRecordingListener(): Promise<Listener> {
  return listen((_req, res) => {
    res.writeHead(502, { 'content-type': 'text/plain' }).end('recording listener');
  });
}

/**
 * Issues opaque random tokens and lets the resource server check them, like a tiny
 * authorization server. Token values start with a sentinel so a leak is easy to grep for.
 */
export class TestTokenAuthority implements AccessTokenSource {
  static readonly SENTINEL = 'SENTINEL-TOKEN-';
  readonly valid = new Set<string>();
  readonly issued: string[] = [];
  getCalls = 0;
  refreshCalls: string[] = [];
  /** When set, getAccessToken / forceRefresh reject with it (a session that cannot refresh). */
  failWith: AppError | null = null;
  refreshFailWith: AppError | null = null;
  private current: string;

  constructor() {
    this.current = this.mint();
  }

  private mint(): string {
    const token = `${TestTokenAuthority.SENTINEL}${randomBytes(16).toString('hex')}`;
    this.valid.add(token);
    this.issued.push(token);
    return token;
  }

  async getAccessToken(): Promise<string> {
    this.getCalls += 1;
    if (this.failWith) throw this.failWith;
    return this.current;
  }

  async forceRefresh(rejected: string): Promise<string> {
    this.refreshCalls.push(rejected);
    if (this.refreshFailWith) throw this.refreshFailWith;
    if (rejected === this.current) this.current = this.mint();
    return this.current;
  }

  /** The server-side view: the API now rejects the current token (revoked or a rotated key). */
  revokeCurrent(): void {
    this.valid.delete(this.current);
  }

  /** The API rejects every token, including ones minted later (a misconfigured audience). */
  rejectAll = false;

  accepts(token: string): boolean {
    return !this.rejectAll && this.valid.has(token);
  }
}

export const SIZE_CAP_TEST_BYTES = 64 * 1024;

/** The resource server: bearer-checked JSON routes plus canned bodies for the edge cases. */
export function startTestApi(authority: TestTokenAuthority, options: { redirectTo?: () => string } = {}) {
  return listen((req, res, body) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const auth = req.headers.authorization ?? '';
    const token = /^Bearer (.+)$/.exec(auth)?.[1];
    if (!token || !authority.accepts(token)) {
      res
        .writeHead(401, {
          'www-authenticate': token
            ? 'Bearer realm="test", error="invalid_token", error_description="The access token is invalid"'
            : 'Bearer realm="test"',
          'content-type': 'application/json',
        })
        .end(JSON.stringify({ message: 'Unauthorized' }));
      return;
    }
    switch (url.pathname) {
      case '/me':
        res
          .writeHead(200, {
            'content-type': 'application/json; charset=utf-8',
            etag: '"v1"',
            'set-cookie': 'session=secret-cookie',
            'x-request-id': 'req-1',
            'x-session-token': 'should-not-cross',
          })
          .end(
            JSON.stringify({
              sub: 'user-1',
              path: url.pathname,
              query: url.search,
              seenHeaders: req.headers['x-trace'] ?? null,
            }),
          );
        return;
      case '/notes':
        res
          .writeHead(req.method === 'POST' ? 201 : 200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ method: req.method, received: body ? (JSON.parse(body) as unknown) : null }));
        return;
      case '/text':
        res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('héllo text');
        return;
      case '/binary':
        res
          .writeHead(200, { 'content-type': 'image/png' })
          .end(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2]));
        return;
      case '/not-json':
        res.writeHead(200, { 'content-type': 'application/json' }).end('<html>oops</html>');
        return;
      case '/empty':
        res.writeHead(204).end();
        return;
      case '/server-error':
        res
          .writeHead(503, { 'content-type': 'application/json', 'retry-after': '3' })
          .end('{"error":"down"}');
        return;
      case '/forbidden':
        res
          .writeHead(403, {
            'www-authenticate': 'Bearer error="insufficient_scope"',
            'content-type': 'application/json',
          })
          .end('{"error":"insufficient_scope"}');
        return;
      case '/sized': {
        const size = Number(url.searchParams.get('bytes') ?? '0');
        res.writeHead(200, { 'content-type': 'text/plain' }).end('a'.repeat(size));
        return;
      }
      case '/stream-forever': {
        // No content-length: the cap must stop it while it streams.
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        const chunk = Buffer.alloc(16 * 1024, 1);
        let sent = 0;
        const pump = () => {
          while (sent < 64 * 1024 * 1024 && !res.destroyed) {
            sent += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          res.end();
        };
        pump();
        return;
      }
      case '/hang':
        return; // never answers; the client's timeout or cancellation must end it
      case '/redirect':
        res.writeHead(302, { location: options.redirectTo?.() ?? '/me' }).end();
        return;
      default:
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
    }
  });
}
