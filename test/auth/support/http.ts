import { request } from 'node:http';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A plain http request with full control of the Host header and method (fetch forbids both). */
export function rawRequest(
  url: string,
  options: { method?: string; host?: string; connectTo?: string; rawTarget?: string } = {},
): Promise<RawResponse> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: options.connectTo ?? u.hostname.replace(/^\[|\]$/g, ''),
        port: u.port,
        // rawTarget goes on the request line as is (no URL normalisation), for path tricks.
        path: options.rawTarget ?? u.pathname + u.search,
        method: options.method ?? 'GET',
        headers: { Host: options.host ?? u.host, Connection: 'close' },
        timeout: 10_000,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.end();
  });
}

/** Resolves with the error code of a failed connection (e.g. ECONNREFUSED), or 'connected'. */
export async function connectionOutcome(url: string, connectTo?: string): Promise<string> {
  try {
    await rawRequest(url, connectTo === undefined ? {} : { connectTo });
    return 'connected';
  } catch (err) {
    return (err as NodeJS.ErrnoException).code ?? 'error';
  }
}
