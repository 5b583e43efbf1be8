/**
 * A loopback TCP proxy that adds network latency, for benches that measure what a user far from
 * the region feels. It listens on 127.0.0.1 (port 0: a free one) and forwards every connection to
 * one upstream host:port.
 *
 * The model, for a round-trip time `rttMs`:
 * - a new connection costs one round trip before any byte moves (the TCP handshake): the upstream
 *   connection is opened at once, but what the client sent is held until `rttMs` has passed;
 * - every chunk, in either direction, arrives `rttMs / 2` after it was sent, in order.
 * So an HTTP request on a fresh connection costs two round trips, on a kept-alive one one round
 * trip: as on a real network (TLS, which real Cognito endpoints add, would cost one more).
 * Bounded: `close()` destroys every connection it holds.
 */
import net from 'node:net';

export interface LatencyProxy {
  /** The port to connect to instead of the upstream's. */
  port: number;
  /** Connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

/** Forwards `from` to `to`, each chunk delivered `delayMs` after it arrived, order kept. */
function delayedPipe(from: net.Socket, to: net.Socket, delayMs: number, startAt: number): void {
  const queue: Array<{ at: number; chunk: Buffer }> = [];
  let timer: NodeJS.Timeout | undefined;
  let ended = false;
  const flush = () => {
    timer = undefined;
    const now = performance.now();
    while (queue.length > 0 && (queue[0]?.at ?? Infinity) <= now + 0.5) {
      const { chunk } = queue.shift() as { at: number; chunk: Buffer };
      if (!to.destroyed) to.write(chunk);
    }
    if (queue.length > 0) schedule();
    else if (ended && !to.destroyed) to.end();
  };
  const schedule = () => {
    if (timer !== undefined || queue.length === 0) return;
    timer = setTimeout(flush, Math.max(0, (queue[0]?.at ?? 0) - performance.now()));
  };
  from.on('data', (chunk: Buffer) => {
    queue.push({ at: Math.max(performance.now() + delayMs, startAt), chunk });
    schedule();
  });
  from.on('end', () => {
    ended = true;
    if (queue.length === 0 && !to.destroyed) to.end();
  });
  from.on('close', () => {
    if (timer !== undefined && to.destroyed) clearTimeout(timer);
  });
}

export async function startLatencyProxy(options: {
  upstreamPort: number;
  upstreamHost?: string;
  rttMs: number;
}): Promise<LatencyProxy> {
  const host = options.upstreamHost ?? '127.0.0.1';
  const oneWay = options.rttMs / 2;
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  const server = net.createServer((client) => {
    accepted += 1;
    // The handshake's round trip: nothing the client sends moves before it is over.
    const handshakeDone = performance.now() + options.rttMs;
    const upstream = net.connect(options.upstreamPort, host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.setNoDelay(true);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    delayedPipe(client, upstream, oneWay, handshakeDone + oneWay);
    delayedPipe(upstream, client, oneWay, 0);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('latency proxy: no port');
  return {
    port: address.port,
    connections: () => accepted,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
