/**
 * How main talks to the network: the one contract every main-process request goes through
 * (openid-client's discovery, token and revoke calls, jose's JWKS fetch, the axios API client).
 * No other module opens a socket to the IdP or an API.
 *
 * Two implementations:
 *  - electron-net-transport.ts: Electron's `net.fetch` on a dedicated session (Chromium's
 *    network stack: OS proxy settings, PAC/WPAD, the OS trust store, integrated proxy auth).
 *  - node-transport.ts: undici with explicit options only (a proxy URL and bypass list, an extra
 *    CA file), for tests, tools and the doctor. It never reads proxy environment variables.
 *
 * What every NetTransport promises:
 *  - fetch-shaped: `fetch(url, init)` resolves with a WHATWG Response.
 *  - Never follows a redirect: the 3xx comes back as the response, or (where the stack cannot
 *    hand back a redirect response, as in Electron) the request fails with REDIRECT_BLOCKED.
 *  - Honours `init.signal`, and applies its own overall timeout when the caller gives none
 *    shorter; an abort rejects with the signal's reason (a DOMException), untouched, so callers'
 *    own timeout handling keeps working.
 *  - Caps the response body (maxResponseBytes): beyond it the body stream errors with
 *    RESPONSE_TOO_LARGE (in the Node transport as the cause of fetch's TypeError('terminated'):
 *    findNetworkError walks the chain).
 *  - Requests to loopback hosts never go through a proxy.
 *  - Failures that mean "your network is in the way" reject with a typed AppError (see
 *    network-errors.ts): PROXY_UNREACHABLE, PROXY_AUTH_REQUIRED, CERT_UNTRUSTED,
 *    CERT_NAME_MISMATCH, DNS_FAILED. Other connection failures reject like Node's fetch does
 *    (`TypeError('fetch failed')` with a `cause.code` such as ECONNREFUSED), so the existing
 *    classifiers of the session and API client keep their meaning.
 *  - Nothing overrides a certificate error.
 */
export type ProxySetting = 'system' | { url: string; bypass: readonly string[] };

export interface TransportRequestInit {
  method?: string;
  headers?: Record<string, string> | Headers;
  body?: string | Uint8Array | URLSearchParams | ArrayBuffer | null;
  signal?: AbortSignal | null;
  /** Accepted for fetch compatibility; a transport always behaves as 'manual'. */
  redirect?: 'manual';
}

/** For the doctor and logs: which proxy and which trust source a request to a URL would use. */
export interface RouteDescription {
  proxy: string;
  trust: string;
}

/** What `request` answers: a response without WHATWG streams. Headers have lower-case names. */
export interface RawTransportResponse {
  status: number;
  statusText: string;
  headers: Record<string, string | string[] | undefined>;
  /** The body, decoded (gzip, deflate, br) and capped like fetch's. */
  body: AsyncIterable<Uint8Array>;
  /** Stops reading and frees the connection. */
  cancel(): void;
}

export interface NetTransport {
  readonly kind: 'electron-net' | 'node-undici';
  fetch(url: string | URL, init?: TransportRequestInit): Promise<Response>;
  /**
   * Optional: the same request with every promise of `fetch` above, without building a WHATWG
   * Response (the Node transport: undici's dispatcher.request). The axios adapter uses it where it
   * exists: undici's fetch and its streams cost more than node:http does. One difference: given a
   * signal, that signal is the overall deadline; the transport's own bound is then an idle one
   * (no headers, or no body bytes, for its timeout).
   */
  request?(url: string | URL, init?: TransportRequestInit): Promise<RawTransportResponse>;
  /** Pins or unpins a proxy (the profile's `network.proxy`); later requests wait for it to apply. */
  setProxy(setting: ProxySetting): Promise<void>;
  describe(url: string | URL): RouteDescription;
  close(): Promise<void>;
}

/** A safety net only: callers set their own, shorter deadlines (the API client allows up to 120 s). */
/** The Electron session (in-memory partition) main's requests use; here so tests can name it. */
export const NETWORK_PARTITION = 'cognito-desktop-main-network';

export const DEFAULT_TRANSPORT_TIMEOUT_MS = 125_000;
export const DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

/**
 * The request's headers with the transport's User-Agent (user-agent.ts) in place of any other:
 * libraries set their own (openid-client sends `openid-client/v6...`), and every token, revoke,
 * discovery and API request of the app must name the app.
 */
export function withUserAgent(
  headers: Record<string, string> | undefined,
  userAgent: string | undefined,
): Record<string, string> | undefined {
  if (userAgent === undefined) return headers;
  const kept = Object.entries(headers ?? {}).filter(([name]) => name.toLowerCase() !== 'user-agent');
  return { ...Object.fromEntries(kept), 'user-agent': userAgent };
}

/** Headers as a plain record (jose passes a Headers object; both stacks take a record). */
export function headerRecord(headers: TransportRequestInit['headers']): Record<string, string> | undefined {
  if (headers === undefined) return undefined;
  if (typeof (headers as Headers).get === 'function' && typeof headers.forEach === 'function') {
    const out: Record<string, string> = {};
    (headers as Headers).forEach((value, key) => (out[key] = value));
    return out;
  }
  return headers as Record<string, string>;
}
