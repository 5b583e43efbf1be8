import http from 'node:http';
import net, { type AddressInfo } from 'node:net';

/**
 * A small forward proxy on 127.0.0.1 that records everything that reaches it: CONNECT targets and
 * plain-http requests (method, absolute URL, and whether an Authorization header rode along).
 * `mode: 'auth'` answers every request with 407 instead (a proxy that wants credentials).
 * It forwards for real otherwise, so a leak would also "work" and could not hide behind an error.
 */
export interface RecordedRequest {
  method: string;
  target: string;
  authorization: boolean;
}

export interface RecordingProxy {
  url: string;
  port: number;
  seen: RecordedRequest[];
  close(): Promise<void>;
}

export async function startRecordingProxy(
  options: {
    mode?: 'forward' | 'auth';
    /** Names this proxy resolves itself, e.g. { 'pool.test': '127.0.0.1' }. */
    hosts?: Record<string, string>;
  } = {},
): Promise<RecordingProxy> {
  const resolve = (host: string) => options.hosts?.[host] ?? host;
  const seen: RecordedRequest[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    seen.push({
      method: req.method ?? '',
      target: req.url ?? '',
      authorization: 'authorization' in req.headers,
    });
    if (options.mode === 'auth') {
      res.writeHead(407, { 'proxy-authenticate': 'Basic realm="corp"', connection: 'close' }).end();
      return;
    }
    let target: URL;
    try {
      target = new URL(req.url ?? '');
    } catch {
      res.writeHead(400).end();
      return;
    }
    const upstream = http.request(
      {
        host: target.hostname,
        port: target.port || 80,
        path: target.pathname + target.search,
        method: req.method,
        headers: req.headers,
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  server.on('connect', (req, client: net.Socket, head) => {
    seen.push({ method: 'CONNECT', target: req.url ?? '', authorization: 'authorization' in req.headers });
    if (options.mode === 'auth') {
      client.end(
        'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="corp"\r\n\r\n',
      );
      return;
    }
    const [host, port] = (req.url ?? '').split(':');
    const upstream = net.connect(Number(port), resolve(host ?? ''), () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n'));
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    seen,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}
