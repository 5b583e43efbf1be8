import {
  AxiosError,
  AxiosHeaders,
  CanceledError,
  type AxiosAdapter,
  type AxiosRequestConfig,
  type AxiosResponse,
  type InternalAxiosRequestConfig,
} from 'axios';
import type { NetTransport, RawTransportResponse, TransportRequestInit } from './transport';

/**
 * The NetTransport in the shapes the libraries ask for, so none of them opens a socket itself:
 *  - openid-client 6: `config[customFetch]` / the `[customFetch]` discovery option
 *    (url, { body, headers, method, redirect: 'manual', signal }).
 *  - jose 6: `createRemoteJWKSet(url, { [customFetch] })` (url, { headers, method, redirect,
 *    signal }).
 *  - axios: an adapter of its own (transportAdapter, below) that sends through the transport.
 *    axios's http adapter (the one that follows http_proxy/HTTPS_PROXY through proxy-from-env)
 *    is never used.
 */
export type FetchLike = (url: string, init: TransportRequestInit) => Promise<Response>;

export function asFetch(transport: NetTransport): FetchLike {
  return (url, init) => transport.fetch(url, init);
}

/** axios request config that sends through the transport (merge into axios.create or a request). */
export function axiosTransportConfig(transport: NetTransport): AxiosRequestConfig {
  return {
    adapter: transportAdapter(transport),
    // No proxy of axios's own, from config or environment.
    proxy: false,
  };
}

/**
 * Why our own adapter and not axios's fetch adapter with `env.fetch`: that adapter composes
 * signals with timers, wraps streams for progress and length checks, and probes the runtime per
 * request, which costs more than everything else in the pipeline together (docs/performance.md,
 * the IPC steps). This one does what the API client asks of axios and no more:
 *  - the URL (with baseURL), method, headers, a string or binary body (maxBodyLength checked
 *    before sending);
 *  - `signal` (a Node AbortSignal or axios's GenericAbortSignal);
 *  - the transport's raw `request` where it has one (the Node transport: no WHATWG streams),
 *    its `fetch` otherwise (Electron's net.fetch);
 *  - the body read whole as `responseType` asks (arraybuffer: a Buffer, as in axios's Node
 *    adapter; text/json), counted against maxContentLength as it arrives;
 *  - validateStatus, and errors in axios's shapes: ERR_NETWORK with the transport's error as
 *    `cause` (fetch's `cause.code` such as ECONNREFUSED, or the transport's typed AppError:
 *    proxy, certificate, DNS, RESPONSE_TOO_LARGE), CanceledError on abort, ERR_BAD_RESPONSE
 *    for maxContentLength.
 * Refused with ERR_NOT_SUPPORT (the app uses none of them): `params`, `timeout` (the API client
 * has its own deadline on the signal), `auth`, progress events, responseType 'stream', FormData
 * and stream request bodies. Redirects are never followed (the transport hands the 3xx back).
 */
export function transportAdapter(transport: NetTransport): AxiosAdapter {
  return async (config: InternalAxiosRequestConfig): Promise<AxiosResponse> => {
    refuseUnsupported(config);
    const url = transportUri(config);
    const method = (config.method ?? 'get').toUpperCase();
    const body = requestBody(config, method);

    // One AbortController for the transport, fed by the caller's signal.
    const controller = new AbortController();
    const onAbort = () => controller.abort();
    const callerSignal = config.signal;
    if (callerSignal?.aborted) throw new CanceledError(undefined, undefined, config);
    callerSignal?.addEventListener?.('abort', onAbort);
    const fail = (error: unknown): never => {
      if (controller.signal.aborted || callerSignal?.aborted)
        throw new CanceledError(undefined, undefined, config);
      if (error instanceof AxiosError) throw error;
      // As axios's fetch adapter does: ERR_NETWORK, the cause kept. For fetch's TypeError that is
      // its cause (the system error, or the Node transport's typed body-cap error); a typed
      // AppError of the transport (proxy, certificate, DNS) is the cause itself.
      const cause = error instanceof TypeError && error.cause !== undefined ? error.cause : error;
      throw Object.assign(new AxiosError('Network Error', AxiosError.ERR_NETWORK, config), { cause });
    };

    try {
      let response: RawTransportResponse;
      try {
        const init: TransportRequestInit = {
          method,
          headers: requestHeaders(config),
          ...(body === undefined ? {} : { body }),
          signal: controller.signal,
          redirect: 'manual',
        };
        response = transport.request
          ? await transport.request(url, init)
          : fromFetchResponse(await transport.fetch(url, init));
      } catch (error) {
        return fail(error);
      }
      let data: unknown;
      try {
        data = await readBody(response, config);
      } catch (error) {
        return fail(error);
      }
      const result: AxiosResponse = {
        data,
        status: response.status,
        statusText: response.statusText,
        headers: new AxiosHeaders(response.headers as Record<string, string | string[]>),
        config,
        request: undefined,
      };
      const validate = config.validateStatus;
      if (validate && !validate(response.status)) {
        throw new AxiosError(
          `Request failed with status code ${response.status}`,
          response.status >= 500 ? AxiosError.ERR_BAD_RESPONSE : AxiosError.ERR_BAD_REQUEST,
          config,
          undefined,
          result,
        );
      }
      return result;
    } finally {
      callerSignal?.removeEventListener?.('abort', onAbort);
    }
  };
}

/** What this adapter does not do fails loudly rather than being ignored. */
function refuseUnsupported(config: InternalAxiosRequestConfig): void {
  const unsupported = [
    config.params !== undefined && config.params !== null ? 'params' : '',
    typeof config.timeout === 'number' && config.timeout > 0 ? 'timeout (use signal)' : '',
    config.auth ? 'auth' : '',
    config.onUploadProgress || config.onDownloadProgress ? 'progress events' : '',
    config.responseType === 'stream' ? "responseType 'stream'" : '',
  ].filter((name) => name !== '');
  if (unsupported.length > 0) {
    throw new AxiosError(
      `The transport adapter does not support ${unsupported.join(', ')}.`,
      AxiosError.ERR_NOT_SUPPORT,
      config,
    );
  }
}

function transportUri(config: InternalAxiosRequestConfig): string {
  const base = config.baseURL;
  const path = config.url ?? '';
  if (!base || /^[a-z][a-z\d+.-]*:/i.test(path)) return path;
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

function requestHeaders(config: InternalAxiosRequestConfig): Record<string, string> {
  const out: Record<string, string> = {};
  const headers = AxiosHeaders.from(config.headers).toJSON() as Record<string, unknown>;
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || value === null || value === false) continue;
    out[name] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return out;
}

function requestBody(config: InternalAxiosRequestConfig, method: string): TransportRequestInit['body'] {
  const data: unknown = config.data;
  if (data === undefined || data === null || method === 'GET' || method === 'HEAD') return undefined;
  let body: string | Uint8Array | ArrayBuffer | URLSearchParams;
  let length: number;
  if (typeof data === 'string') {
    body = data;
    length = Buffer.byteLength(data);
  } else if (data instanceof Uint8Array || data instanceof ArrayBuffer) {
    body = data;
    length = data.byteLength;
  } else if (ArrayBuffer.isView(data)) {
    body = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    length = data.byteLength;
  } else if (data instanceof URLSearchParams) {
    body = data;
    length = Buffer.byteLength(data.toString());
  } else {
    throw new AxiosError('This request body type is not supported', AxiosError.ERR_NOT_SUPPORT, config);
  }
  const max = config.maxBodyLength;
  if (typeof max === 'number' && max > -1 && length > max) {
    throw new AxiosError('Request body larger than maxBodyLength limit', AxiosError.ERR_BAD_REQUEST, config);
  }
  return body;
}

/** A fetch Response in the shape of the transport's raw one (the Electron transport). */
function fromFetchResponse(response: Response): RawTransportResponse {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  const cookies = response.headers.getSetCookie?.() ?? [];
  if (cookies.length > 0) headers['set-cookie'] = cookies;
  const stream = response.body;
  return {
    status: response.status,
    statusText: response.statusText,
    headers,
    body: chunksOf(stream),
    cancel: () => void stream?.cancel().catch(() => undefined),
  };
}

async function* chunksOf(stream: ReadableStream<Uint8Array> | null): AsyncGenerator<Uint8Array> {
  if (stream === null) return;
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

async function readBody(
  response: RawTransportResponse,
  config: InternalAxiosRequestConfig,
): Promise<unknown> {
  const type = (config.responseType ?? 'text').toLowerCase();
  const max = typeof config.maxContentLength === 'number' ? config.maxContentLength : -1;
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of response.body) {
    total += chunk.byteLength;
    if (max > -1 && total > max) {
      response.cancel();
      throw new AxiosError(`maxContentLength size of ${max} exceeded`, AxiosError.ERR_BAD_RESPONSE, config);
    }
    chunks.push(chunk);
  }
  const bytes = chunks.length === 1 ? (chunks[0] as Uint8Array) : Buffer.concat(chunks, total);
  // 'arraybuffer' gives a Buffer over the bytes as received, as axios's own Node http adapter
  // does: copying them into a fresh ArrayBuffer cost about 10 µs a request (a backing store per
  // response), a twelfth of a loopback request in the IPC bench.
  const buffer = Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return type === 'arraybuffer' ? buffer : buffer.toString('utf8');
}
