/**
 * Raw HTTP over a TCP socket: the fuzzers need requests no HTTP client would send (any method,
 * malformed request lines, repeated or oversized headers, half-open connections), so they write
 * bytes themselves. Every exchange is bounded: the socket is destroyed after `timeoutMs`.
 */
import { connect } from 'node:net';

export type ConnectionMode =
  /** Write the whole request, then half-close (FIN) and read until the server closes. */
  | 'complete'
  /** Write the whole request and keep the write side open (keep-alive client). */
  | 'keep-open'
  /** Write only part of the request, then half-close. */
  | 'truncated'
  /** Write part of the request and vanish (RST) without reading. */
  | 'abandon';

export interface RawExchange {
  /** Everything the server sent back (possibly nothing). */
  response: string;
  /** 'closed' by the server, 'timeout' when we gave up, 'error' on a socket error (e.g. reset). */
  ending: 'closed' | 'timeout' | 'error' | 'abandoned';
  errorCode?: string;
}

export function rawExchange(
  port: number,
  request: Buffer,
  mode: ConnectionMode,
  timeoutMs = 1_500,
  host = '127.0.0.1',
): Promise<RawExchange> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let done = false;
    const socket = connect({ host, port });
    const finish = (ending: RawExchange['ending'], errorCode?: string) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({
        response: Buffer.concat(chunks).toString('latin1'),
        ending,
        ...(errorCode ? { errorCode } : {}),
      });
    };
    const timer = setTimeout(() => finish('timeout'), timeoutMs);
    socket.on('data', (chunk: Buffer) => {
      // Bounded: a page is a few KB; anything past 256 KB is itself a finding, keep the start.
      if (chunks.reduce((n, c) => n + c.length, 0) < 256 * 1024) chunks.push(chunk);
    });
    socket.on('end', () => finish('closed'));
    socket.on('close', () => finish('closed'));
    socket.on('error', (err: NodeJS.ErrnoException) => finish('error', err.code));
    socket.on('connect', () => {
      switch (mode) {
        case 'complete':
          socket.end(request);
          return;
        case 'keep-open':
          socket.write(request);
          return;
        case 'truncated':
          socket.end(request.subarray(0, Math.max(1, Math.floor(request.length / 2))));
          return;
        case 'abandon':
          socket.write(request.subarray(0, Math.max(1, Math.floor(request.length / 3))), () => {
            socket.resetAndDestroy();
            finish('abandoned');
          });
          return;
      }
    });
  });
}

/** Whether something accepts TCP connections on the port right now. */
export function isListening(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(false);
    }, 1_000);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      clearTimeout(timer);
      resolve(false);
    });
  });
}
