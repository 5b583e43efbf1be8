import { isAppError } from '../../shared/errors';
import type { NetTransport } from '../net/transport';

/**
 * One HTTP request for the doctor, through the same kind of transport the app uses (src/main/net):
 * never follows redirects (each hop is looked at), bounded by a timeout, and reports a network
 * failure as a value instead of throwing. A typed failure (proxy, certificate, DNS) keeps its
 * code, so the check can give the matching fix.
 */
export type ProbeResult =
  | { kind: 'response'; status: number; location?: string; contentType: string; body: string }
  | { kind: 'network-error'; message: string; code?: string };

export const PROBE_TIMEOUT_MS = 8000;
const MAX_BODY_CHARS = 256 * 1024;

function describeNetworkError(error: unknown): { message: string; code?: string } {
  if (isAppError(error)) return { message: `${error.code}: ${error.message}`, code: error.code };
  const cause = (error as { cause?: { code?: string; message?: string } } | null)?.cause;
  if (cause?.code) return { message: cause.code };
  if (error instanceof Error && error.name === 'TimeoutError') return { message: 'timed out' };
  return { message: error instanceof Error ? error.message : String(error) };
}

/** Cookies by name, for one origin: the Hosted UI keeps its sign-in interaction in a cookie. */
export type CookieJar = Map<string, string>;

export async function probe(
  transport: NetTransport,
  url: string,
  timeoutMs = PROBE_TIMEOUT_MS,
  jar?: CookieJar,
): Promise<ProbeResult> {
  try {
    const headers: Record<string, string> = { Accept: 'application/json, text/html;q=0.9, */*;q=0.5' };
    if (jar && jar.size > 0) headers['Cookie'] = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const response = await transport.fetch(url, {
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
      headers,
    });
    for (const cookie of jar ? response.headers.getSetCookie() : []) {
      const pair = cookie.split(';', 1)[0] ?? '';
      const eq = pair.indexOf('=');
      if (eq > 0) jar?.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
    const text = await response.text();
    const location = response.headers.get('location');
    return {
      kind: 'response',
      status: response.status,
      ...(location === null ? {} : { location: new URL(location, url).toString() }),
      contentType: response.headers.get('content-type') ?? '',
      body: text.slice(0, MAX_BODY_CHARS),
    };
  } catch (error) {
    return { kind: 'network-error', ...describeNetworkError(error) };
  }
}

/**
 * Follows redirects that stay on `origin` (the Hosted UI moves between its own pages, keeping its
 * cookies as a browser would), stopping at
 * the first answer that is not such a redirect. Returns every URL visited, in order.
 */
export async function followWithinOrigin(
  transport: NetTransport,
  url: string,
  origin: string,
  maxHops = 5,
): Promise<{ result: ProbeResult; visited: string[] }> {
  const visited = [url];
  const jar: CookieJar = new Map();
  let current = url;
  for (let hop = 0; ; hop++) {
    const result = await probe(transport, current, PROBE_TIMEOUT_MS, jar);
    if (result.kind !== 'response' || !result.location || hop >= maxHops) return { result, visited };
    if (result.status < 300 || result.status >= 400) return { result, visited };
    const next = new URL(result.location);
    if (next.origin !== origin) return { result, visited };
    current = next.toString();
    visited.push(current);
  }
}
