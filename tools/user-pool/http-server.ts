/**
 * The pool's one HTTP listener: created here and nowhere else (so a TLS variant is one change in
 * one place). Tracks sockets so stop() ends keep-alive and hung connections at once, answers raw
 * garbage on the socket with a bare 400, and can stop and listen again on the same port.
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';

export const HOST = '127.0.0.1';

export interface PoolHttpServer {
  /** `http://127.0.0.1:PORT` (or the https origin) once listening. */
  readonly origin: string;
  readonly port: number;
  /** Stop accepting connections and end every open one. Idempotent. */
  stop(): Promise<void>;
  /** Listen again on the same port after stop(). */
  restart(): Promise<void>;
}

async function listen(server: Server, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen(port, HOST, () => {
      server.off('error', onError);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

/**
 * `tls`: serve https with this key and certificate (tests of the TLS world); `host` is the name in
 * the origin (it still listens on 127.0.0.1 only), e.g. a name a test's proxy maps to 127.0.0.1.
 */
export async function startPoolHttpServer(
  handler: RequestListener,
  port: number,
  tls?: { key: string; cert: string; host?: string },
): Promise<PoolHttpServer> {
  const sockets = new Set<Socket>();
  const server: Server = tls
    ? createHttpsServer({ requestTimeout: 30_000, key: tls.key, cert: tls.cert }, handler)
    : createServer({ requestTimeout: 30_000 }, handler);
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });
  const bound = await listen(server, port);
  let listening = true;
  return {
    origin: tls ? `https://${tls.host ?? HOST}:${bound}` : `http://${HOST}:${bound}`,
    port: bound,
    async stop() {
      if (!listening) return;
      listening = false;
      const done = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      for (const socket of sockets) socket.destroy();
      await done;
    },
    async restart() {
      if (listening) return;
      await listen(server, bound);
      listening = true;
    },
  };
}
