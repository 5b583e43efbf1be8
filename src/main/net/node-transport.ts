import { readFileSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { rootCertificates } from 'node:tls';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { Agent, ProxyAgent, fetch as undiciFetch, type Dispatcher } from 'undici';
import { AppError } from '../../shared/errors';
import { classifyNodeFailure } from './network-errors';
import { bypassesProxy, proxyLabel } from './proxy-rules';
import { capResponse, responseTooLarge } from './response-cap';
import {
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_TRANSPORT_TIMEOUT_MS,
  type NetTransport,
  type ProxySetting,
  type RawTransportResponse,
  type RouteDescription,
  type TransportRequestInit,
  headerRecord,
  withUserAgent,
} from './transport';

/**
 * The plain-Node transport (tests, tools, the doctor; the app uses Electron's net.fetch): undici 7
 * with explicit options only.
 *
 *  - Proxy: only the one given (`proxy.url`, http:// or https://, CONNECT for https targets),
 *    minus `proxy.bypass` and loopback hosts. `http_proxy`, `HTTPS_PROXY`, `all_proxy` and
 *    `NO_PROXY` are never read: undici's EnvHttpProxyAgent is not used and no global dispatcher
 *    is installed. 'system' means direct here: Node cannot see the OS proxy settings.
 *  - Trust: Node's bundled root list plus, optionally, the PEM certificates of `caFile` (or
 *    `caPem`). Nothing disables verification; there is no option for it.
 *  - Timeouts: connect (`connectTimeoutMs`), and an overall deadline (`timeoutMs`) combined with
 *    the caller's signal (by hand: AbortSignal.any cost a sixth of a loopback request).
 *  - Body size capped at `maxResponseBytes`: bytes as they arrive are counted in the dispatcher
 *    (capBody, below), which costs nothing per chunk; only a content-encoded body (gzip, br) also
 *    goes through capResponse's counting stream, since what counts there is the decoded size.
 *  - Redirects are never followed (undici's 'manual' hands the 3xx back).
 */
export interface NodeTransportOptions {
  proxy?: ProxySetting;
  /** A PEM file of extra trusted roots (e.g. a TLS-inspecting firewall's, or a test CA). */
  caFile?: string;
  /** The same as PEM text. */
  caPem?: string;
  connectTimeoutMs?: number;
  timeoutMs?: number;
  maxResponseBytes?: number;
  /**
   * How direct connections are made (undici's connector shape), in place of the TLS and connect
   * options above: for the cold-start bench, which routes every connection through a delaying
   * proxy. Proxied connections are not affected.
   */
  connect?: Agent.Options['connect'];
  /** Sent on every request that sets none (user-agent.ts: `CognitoDesktop/<version> (...)`). */
  userAgent?: string;
}

function readCa(options: NodeTransportOptions): { pem?: string; label: string } {
  if (options.caPem !== undefined) return { pem: options.caPem, label: 'an extra CA given in code' };
  if (options.caFile === undefined) return { label: '' };
  let pem: string;
  try {
    pem = readFileSync(options.caFile, 'utf8');
  } catch {
    throw new AppError('CONFIG_INVALID', `The CA file ${options.caFile} cannot be read.`);
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new AppError('CONFIG_INVALID', `The CA file ${options.caFile} holds no PEM certificate.`);
  }
  return { pem, label: options.caFile };
}

function validateProxy(setting: ProxySetting): ProxySetting {
  if (setting === 'system') return setting;
  let url: URL;
  try {
    url = new URL(setting.url);
  } catch {
    throw new AppError('CONFIG_INVALID', 'The proxy URL is not a valid URL.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new AppError('CONFIG_INVALID', 'The proxy URL must be http:// or https://.');
  }
  return setting;
}

/**
 * A dispatcher interceptor that ends a response once more than `maxBytes` of body arrived, with
 * RESPONSE_TOO_LARGE (fetch hands it on as the cause of its TypeError('terminated')).
 * Why the abort waits a turn (setImmediate) and the end is turned into the error: an abort from
 * inside the first chunk's callback, which can come in the same tick as the headers, reaches
 * fetch before its body stream is set up and is lost there (the read then never settles). So
 * past the cap nothing more is handed on, the abort comes a turn later, and a body that ended
 * in the meantime ends with the error rather than short.
 */
function capBody(
  maxBytes: number,
  host: (origin: unknown) => string,
): Dispatcher.DispatcherComposeInterceptor {
  return (dispatch) => (opts, handler) => {
    let seen = 0;
    let over: Error | undefined;
    const capped: Dispatcher.DispatchHandler = {
      onRequestStart: (controller, context) => handler.onRequestStart?.(controller, context),
      onRequestUpgrade: (controller, status, headers, socket) =>
        handler.onRequestUpgrade?.(controller, status, headers, socket),
      onResponseStart: (controller, status, headers, message) =>
        handler.onResponseStart?.(controller, status, headers, message),
      onResponseData: (controller, chunk) => {
        if (over) return;
        seen += chunk.length;
        if (seen > maxBytes) {
          const error = responseTooLarge(host(opts.origin), maxBytes);
          over = error;
          setImmediate(() => controller.abort(error));
          return;
        }
        handler.onResponseData?.(controller, chunk);
      },
      onResponseEnd: (controller, trailers) => {
        if (over) handler.onResponseError?.(controller, over);
        else handler.onResponseEnd?.(controller, trailers);
      },
      onResponseError: (controller, error) => handler.onResponseError?.(controller, error),
    };
    return dispatch(opts, capped);
  };
}

/** A body for dispatcher.request (fetch would take these as they are). */
function rawBody(
  body: TransportRequestInit['body'],
  headers: Record<string, string>,
): string | Uint8Array | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string' || body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  // URLSearchParams: what fetch does, the form content type unless one is given.
  if (!Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) {
    headers['content-type'] = 'application/x-www-form-urlencoded;charset=UTF-8';
  }
  return body.toString();
}

/** A content-encoded body decoded, the decoded bytes counted against the cap. */
async function* decodedBody(
  body: Readable,
  encoding: string,
  maxBytes: number,
  host: string,
): AsyncGenerator<Uint8Array> {
  const decoder =
    encoding === 'gzip' || encoding === 'x-gzip'
      ? createGunzip()
      : encoding === 'deflate'
        ? createInflate()
        : createBrotliDecompress();
  body.on('error', (error) => decoder.destroy(error));
  body.pipe(decoder);
  let seen = 0;
  try {
    for await (const chunk of decoder as AsyncIterable<Buffer>) {
      seen += chunk.length;
      if (seen > maxBytes) throw responseTooLarge(host, maxBytes);
      yield chunk;
    }
  } finally {
    decoder.destroy();
    body.destroy();
  }
}

const DECODED = new Set(['gzip', 'x-gzip', 'deflate', 'br']);

/** Aborts when the caller's signal does, or at the deadline (a TimeoutError, as AbortSignal.timeout). */
function combinedSignal(caller: AbortSignal | null | undefined, timeoutMs: number): AbortSignal {
  if (!caller) return AbortSignal.timeout(timeoutMs);
  const deadline = AbortSignal.timeout(timeoutMs);
  const controller = new AbortController();
  if (caller.aborted) controller.abort(caller.reason);
  else {
    caller.addEventListener('abort', () => controller.abort(caller.reason), { once: true });
    deadline.addEventListener('abort', () => controller.abort(deadline.reason), { once: true });
  }
  return controller.signal;
}

export function createNodeTransport(options: NodeTransportOptions = {}): NetTransport {
  const ca = readCa(options);
  const trustLabel = ca.pem
    ? `Node's bundled root certificates + ${ca.label}`
    : "Node's bundled root certificates";
  const tls = ca.pem ? { ca: [...rootCertificates, ca.pem] } : {};
  const connectTimeout = options.connectTimeoutMs ?? 10_000;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TRANSPORT_TIMEOUT_MS;
  const maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const hostOf = (origin: unknown) => {
    try {
      return new URL(String(origin)).host;
    } catch {
      return 'the server';
    }
  };
  const cap = capBody(maxBytes, hostOf);
  const direct = new Agent({ connect: options.connect ?? { ...tls, timeout: connectTimeout } }).compose(cap);

  let proxy:
    { setting: Exclude<ProxySetting, 'system'>; agent: ProxyAgent; dispatcher: Dispatcher } | undefined;
  const applyProxy = (setting: ProxySetting) => {
    const valid = validateProxy(setting);
    const old = proxy;
    proxy =
      valid === 'system'
        ? undefined
        : withDispatcher(
            valid,
            new ProxyAgent({
              uri: valid.url,
              // TLS to the origin inside the tunnel, and to an https:// proxy itself.
              requestTls: { ...tls, timeout: connectTimeout },
              proxyTls: { ...tls, timeout: connectTimeout },
            }),
          );
    void old?.agent.close().catch(() => undefined);
  };
  function withDispatcher(setting: Exclude<ProxySetting, 'system'>, agent: ProxyAgent) {
    return { setting, agent, dispatcher: agent.compose(cap) };
  }
  applyProxy(options.proxy ?? 'system');

  const route = (url: URL): { dispatcher: Dispatcher; proxy?: string } => {
    if (!proxy || bypassesProxy(url, proxy.setting.bypass)) return { dispatcher: direct };
    return { dispatcher: proxy.dispatcher, proxy: proxyLabel(proxy.setting.url) };
  };

  return {
    kind: 'node-undici',
    async fetch(input, init: TransportRequestInit = {}) {
      const url = new URL(input);
      const { dispatcher, proxy: via } = route(url);
      const signal = combinedSignal(init.signal, timeoutMs);
      let response;
      try {
        const headers = withUserAgent(headerRecord(init.headers), options.userAgent);
        response = await undiciFetch(url, {
          method: init.method ?? 'GET',
          ...(headers === undefined ? {} : { headers }),
          ...(init.body === undefined || init.body === null ? {} : { body: init.body }),
          redirect: 'manual',
          signal,
          dispatcher,
        });
      } catch (error) {
        // An abort keeps its own reason (the caller's timeout or cancel), untouched.
        if (signal.aborted) throw signal.reason;
        throw classifyNodeFailure(error, { host: url.host, ...(via ? { proxy: via } : {}) }) ?? error;
      }
      return capResponse(response as unknown as Response, maxBytes, url.host, { countsIdentity: false });
    },
    async request(input, init: TransportRequestInit = {}): Promise<RawTransportResponse> {
      const url = new URL(input);
      const { dispatcher, proxy: via } = route(url);
      // The caller's signal is its deadline (the API client's always carries one); the
      // transport's own bound is undici's per-request headers and body timeouts, which cost
      // nothing per request, where a combined signal costs two AbortSignals and two listeners.
      const signal = init.signal ?? AbortSignal.timeout(timeoutMs);
      const headers: Record<string, string> = {
        ...withUserAgent(headerRecord(init.headers), options.userAgent),
      };
      const body = rawBody(init.body, headers);
      let response: Dispatcher.ResponseData;
      try {
        response = await dispatcher.request({
          origin: url.origin,
          path: `${url.pathname}${url.search}`,
          method: (init.method ?? 'GET') as Dispatcher.HttpMethod,
          headers,
          ...(body === undefined ? {} : { body }),
          signal,
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
        });
      } catch (error) {
        if (signal.aborted) throw signal.reason;
        throw classifyNodeFailure(error, { host: url.host, ...(via ? { proxy: via } : {}) }) ?? error;
      }
      const raw = response.body;
      const declared = Number(response.headers['content-length'] ?? Number.NaN);
      if (Number.isFinite(declared) && declared > maxBytes) {
        raw.destroy();
        throw responseTooLarge(url.host, maxBytes);
      }
      const encoding = String(response.headers['content-encoding'] ?? 'identity')
        .trim()
        .toLowerCase();
      return {
        status: response.statusCode,
        statusText: response.statusText ?? '',
        headers: response.headers,
        // Identity bodies are counted by the dispatcher (capBody); a decoded one here.
        body: DECODED.has(encoding) ? decodedBody(raw, encoding, maxBytes, url.host) : raw,
        cancel: () => raw.destroy(),
      };
    },
    async setProxy(setting) {
      applyProxy(setting);
    },
    describe(input): RouteDescription {
      const url = new URL(input);
      const chosen = route(url);
      let proxyText: string;
      if (chosen.proxy) proxyText = `${chosen.proxy} (pinned)`;
      else if (proxy) proxyText = bypassesProxy(url, []) ? 'direct (loopback)' : 'direct (bypass list)';
      else proxyText = 'direct (no proxy configured; Node does not read the OS proxy settings)';
      return {
        proxy: proxyText,
        trust: url.protocol === 'https:' ? trustLabel : 'none (plain http, loopback)',
      };
    },
    async close() {
      await Promise.all([direct.close(), proxy?.agent.close()]);
    },
  };
}
