import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A loopback redirect target on a free port: records every request it gets and answers a fixed page. */
export interface CallbackServer {
  origin: string;
  callbackUrl: string;
  signedOutUrl: string;
  received: URL[];
  /** Resolves with the next request's URL (or the latest unread one). */
  next(timeoutMs?: number): Promise<URL>;
  close(): Promise<void>;
}

export async function startCallbackServer(): Promise<CallbackServer> {
  const received: URL[] = [];
  let read = 0;
  const waiters: Array<() => void> = [];
  const server = createServer((req, res) => {
    if (req.url === '/favicon.ico') {
      // Chromium asks for one after each page; it is not a redirect.
      res.writeHead(404, { Connection: 'close' }).end();
      return;
    }
    received.push(new URL(req.url ?? '/', 'http://127.0.0.1'));
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', Connection: 'close' });
    res.end('<!doctype html><title>Done</title><p>You can close this window.</p>');
    waiters.splice(0).forEach((w) => w());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    callbackUrl: `${origin}/callback`,
    signedOutUrl: `${origin}/signed-out`,
    received,
    async next(timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (read >= received.length) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error('no request reached the callback server in time');
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      const url = received[read];
      read += 1;
      if (!url) throw new Error('callback bookkeeping error');
      return url;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
