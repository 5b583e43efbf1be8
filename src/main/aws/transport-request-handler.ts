import { HttpResponse, type HttpRequest } from '@smithy/protocol-http';
import type { HttpHandler, HttpHandlerOptions } from '@smithy/protocol-http';
import { AppError } from '../../shared/errors';
import type { NetTransport } from '../net/transport';

/**
 * The AWS SDK's `requestHandler` over the app's NetTransport (src/main/net), so the SDK clients
 * of src/main/aws (Cognito Identity, the user-pool API) reach the network exactly like the
 * session and the API client do: Electron's net.fetch in the app (OS proxy, PAC, OS trust
 * store), the explicit undici transport in tests and tools. No second network stack: the SDK's
 * own node-http-handler is never used for a request.
 *
 * The body is read whole (Cognito's answers are small JSON, and the transport caps the size)
 * and handed to the SDK as bytes, which its body collector takes as they are.
 */
export interface TransportRequestHandlerOptions {
  /** Per-request deadline when the SDK passes no abort signal of its own. Default 10 s. */
  timeoutMs?: number;
}

const HOP_HEADERS = new Set(['host', 'content-length', 'connection', 'transfer-encoding']);

export function transportRequestHandler(
  transport: NetTransport,
  options: TransportRequestHandlerOptions = {},
): HttpHandler<Record<string, never>> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  return {
    async handle(request: HttpRequest, handlerOptions?: HttpHandlerOptions) {
      const url = requestUrl(request);
      const headers: Record<string, string> = {};
      // The transport sets Host and the length from the URL and body itself (Chromium refuses
      // both as request headers); the signature covers the same host, so nothing changes.
      for (const [name, value] of Object.entries(request.headers)) {
        if (!HOP_HEADERS.has(name.toLowerCase())) headers[name] = value;
      }
      const signal = mergedSignal(handlerOptions?.abortSignal as AbortSignal | undefined, timeoutMs);
      const body = requestBody(request.body);
      const response = await transport.fetch(url, {
        method: request.method,
        headers,
        ...(body === undefined ? {} : { body }),
        signal,
        redirect: 'manual',
      });
      const bytes = new Uint8Array(await response.arrayBuffer());
      const responseHeaders: Record<string, string> = {};
      response.headers.forEach((value, name) => (responseHeaders[name] = value));
      return {
        response: new HttpResponse({
          statusCode: response.status,
          reason: response.statusText,
          headers: responseHeaders,
          body: bytes,
        }),
      };
    },
    updateHttpClientConfig() {
      // Nothing to configure: the transport owns connections, proxy and trust.
    },
    httpHandlerConfigs() {
      return {};
    },
  };
}

function requestUrl(request: HttpRequest): string {
  const port = request.port ? `:${request.port}` : '';
  const query = Object.entries(request.query ?? {})
    .flatMap(([key, value]) =>
      (Array.isArray(value) ? value : value === null ? [] : [value]).map(
        (v) => `${encodeURIComponent(key)}=${encodeURIComponent(v)}`,
      ),
    )
    .join('&');
  return `${request.protocol}//${request.hostname}${port}${request.path}${query ? `?${query}` : ''}`;
}

function requestBody(body: unknown): string | Uint8Array | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string' || body instanceof Uint8Array) return body;
  // The JSON protocols the app uses always serialise to a string; a stream body would mean an
  // operation the app never calls (uploads).
  throw new AppError('INTERNAL', 'An AWS request had a body the app cannot send.');
}

function mergedSignal(sdkSignal: AbortSignal | undefined, timeoutMs: number): AbortSignal {
  const deadline = AbortSignal.timeout(timeoutMs);
  return sdkSignal && typeof AbortSignal.any === 'function'
    ? AbortSignal.any([sdkSignal, deadline])
    : deadline;
}
