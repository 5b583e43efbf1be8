import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import { AppError, isAppError } from '../../shared/errors';
import { defaultNodeTransport } from '../net/default-transport';
import { axiosTransportConfig } from '../net/fetch-adapters';
import type { NetTransport } from '../net/transport';
import { MAX_API_BODY_BYTES, type ApiRequest, type ApiResponse } from '../../shared/ipc-contract';
import { redact } from '../../shared/redact';
import type { AccessTokenSource } from '../auth/access-token-source';
import { isAllowedOrigin, resolveApiHref, type ApiDefinition } from './api-origins';
import { mapTransportError } from './transport-errors';
import { RequestAbort } from './request-abort';
import { shapeBody } from './response-body';
import { checkRequestHeaders, filterResponseHeaders, mayNeedRedaction } from './safe-headers';
import type { AwsCredentialSet, AwsCredentialSource } from '../aws/credential-set';
import { signRequest } from '../aws/sigv4-signer';

const redactIfNeeded = (text: string) => (mayNeedRedaction(text) ? redact(text) : text);

/**
 * The bearer HTTP client. The renderer names an API and a path; main checks both against the
 * active profile's allowlist, attaches the access token, sends the request with axios and
 * returns a bounded, token-free response.
 *
 * Decisions:
 * - HTTP statuses (4xx, 5xx, 3xx) are responses, not errors: the API console shows them. The
 *   one exception is a 401 invalid_token that survives a forced refresh: that is TOKEN_INVALID,
 *   because the session itself is in doubt.
 * - No redirect is followed (maxRedirects 0): the 3xx is returned with `redirect` describing
 *   where it pointed, so a bearer can never ride a redirect to another origin. (In the app,
 *   Chromium cannot hand a manual redirect back: the request fails with REDIRECT_BLOCKED.)
 * - Requests go through the NetTransport (src/main/net) by our axios adapter (transportAdapter);
 *   axios's own http adapter, which follows proxy environment variables, is never used.
 * - Non-text bodies come back as base64 within the same size cap.
 * - A request is bound, for its whole life (retry included), to the profile it started under:
 *   its URL comes from that profile's APIs and every token, the forced refresh's too, from that
 *   profile's session (`bind()`). Nothing asks "the current session" mid-request, so a profile
 *   switch can never send one profile's token to another profile's API.
 * - The forced refresh after a 401 invalid_token is the session's, capped at one per access-token
 *   lifetime; when it is spent the API's 401 is the answer: TOKEN_INVALID (status 401).
 */
export interface ApiClient {
  request(request: ApiRequest): Promise<ApiResponse>;
  /** Aborts a running request; false when no request has this id (already done, or never started). */
  cancel(requestId: string): boolean;
}

/** What a request is bound to when it starts: one profile's APIs and that profile's session. */
export interface RequestBinding {
  apis: readonly ApiDefinition[];
  tokens: AccessTokenSource;
  /** The identity pool's credentials, for sigv4 APIs; absent: such an API is refused. */
  aws?: AwsCredentialSource;
}

export interface ApiClientOptions {
  /**
   * Called once when a request starts; the request keeps what it returns to the end. May throw
   * an AppError (e.g. no profile). The app binds to the active profile's session.
   */
  bind?: () => RequestBinding;
  /** Without bind(): the APIs, read when each request starts. */
  apis?: () => readonly ApiDefinition[];
  /** Without bind(): the one token source of every request. */
  tokens?: AccessTokenSource;
  /**
   * How requests reach the network (src/main/net): Electron's net.fetch in the app, an explicit
   * undici transport elsewhere. axios sends through it with our transport adapter, never through its
   * own http adapter (which would follow http_proxy/HTTPS_PROXY from the environment).
   */
  transport?: NetTransport;
  /** Injectable for tests; when given, `transport` is not used. */
  http?: AxiosInstance;
  maxResponseBytes?: number;
  defaultTimeoutMs?: number;
  maxInFlight?: number;
  now?: () => number;
}

export const DEFAULT_MAX_RESPONSE_BYTES = 5 * 1024 * 1024;
export const DEFAULT_TIMEOUT_MS = 30_000;

const BODYLESS = new Set(['GET', 'HEAD']);
const SWEEP_MS = 25;
const DEFAULT_ACCEPT = 'application/json, text/plain, */*';
const ANY_STATUS = () => true;
// Bodies are decoded by shapeBody; axios must not parse or transform them.
const RAW_BODY = [(body: unknown) => body];

/**
 * A 401 that says the token is bad: RFC 6750's `Bearer error="invalid_token"` challenge, or a 401
 * with no WWW-Authenticate at all, which is how API Gateway's Cognito authorizer answers a bad or
 * expired token (`{"message":"Unauthorized"}`).
 */
function hasInvalidTokenChallenge(response: AxiosResponse): boolean {
  if (response.status !== 401) return false;
  const raw: unknown = response.headers['www-authenticate'];
  const value = Array.isArray(raw) ? raw.join(', ') : typeof raw === 'string' ? raw : '';
  if (value.trim() === '') return true;
  return /\bBearer\b/i.test(value) && /\berror\s*=\s*"?invalid_token"?/i.test(value);
}

/** How a request gets and renews its bearer: one of two fixed strategies, made once, not per request. */
interface Bearer {
  get(tokens: AccessTokenSource): Promise<string>;
  refresh(tokens: AccessTokenSource, rejected: string): Promise<string>;
  name: string;
}

const ACCESS_TOKEN_BEARER: Bearer = {
  get: (tokens) => tokens.getAccessToken(),
  refresh: (tokens, rejected) => tokens.forceRefresh(rejected),
  name: 'access token',
};

const noIdToken = () =>
  Promise.reject(new AppError('CONFIG_INVALID', 'This session cannot provide an ID token to APIs.'));

const ID_TOKEN_BEARER: Bearer = {
  get: (tokens) => tokens.getIdToken?.() ?? noIdToken(),
  refresh: (tokens, rejected) => tokens.forceRefreshIdToken?.(rejected) ?? noIdToken(),
  name: 'ID token',
};

/** The bearer this API takes (profile `apis[].token`): the access token unless it says "id". */
const bearerOf = (api: ApiDefinition | undefined): Bearer =>
  api?.token === 'id' ? ID_TOKEN_BEARER : ACCESS_TOKEN_BEARER;

/**
 * A 403 that says the AWS credentials expired: API Gateway's `{"message":"The security token
 * included in the request is expired"}` (x-amzn-ErrorType ExpiredTokenException), or a
 * signature older than the service's window ("Signature expired").
 */
function hasExpiredCredentialsSignal(response: AxiosResponse<ArrayBuffer>): boolean {
  if (response.status !== 403) return false;
  const type = response.headers['x-amzn-errortype'];
  if (typeof type === 'string' && /^ExpiredToken/i.test(type)) return true;
  const raw = response.data as unknown;
  const bytes =
    raw instanceof Uint8Array ? raw : raw instanceof ArrayBuffer ? new Uint8Array(raw) : undefined;
  if (!bytes || bytes.byteLength > 4096) return false;
  const text = new TextDecoder().decode(bytes);
  return /security token included in the request is expired|Signature expired/i.test(text);
}

type SigV4Auth = { type: 'sigv4'; service: string; region?: string | undefined };
const sigV4Of = (api: ApiDefinition | undefined): SigV4Auth | undefined =>
  typeof api?.auth === 'object' && api.auth.type === 'sigv4' ? api.auth : undefined;

function encodeBody(request: ApiRequest, headers: Record<string, string>): string | undefined {
  if (request.body === undefined) return undefined;
  if (BODYLESS.has(request.method)) {
    throw new AppError('IPC_INVALID_ARGUMENT', `A ${request.method} request cannot have a body.`);
  }
  const declared = headers['content-type'];
  const sendsRawText = typeof request.body === 'string' && declared !== undefined && !/json/i.test(declared);
  const encoded = sendsRawText ? (request.body as string) : JSON.stringify(request.body);
  if (Buffer.byteLength(encoded) > MAX_API_BODY_BYTES) {
    throw new AppError(
      'IPC_INVALID_ARGUMENT',
      `The request body is larger than ${MAX_API_BODY_BYTES} bytes.`,
    );
  }
  if (declared === undefined) headers['content-type'] = 'application/json';
  return encoded;
}

/** One request as the client sends it (the bearer or signature headers are added per send). */
interface Send {
  http: AxiosInstance;
  href: string;
  method: string;
  data: string | undefined;
  signal: RequestAbort;
}

/** A module-level function, not a closure per request: the pipeline's budget is a few µs. */
function sendOnce(send: Send, headers: Record<string, string>): Promise<AxiosResponse<ArrayBuffer>> {
  // Every other option (no redirects, raw bytes, size caps, any status) is the instance's default.
  return send.http.request<ArrayBuffer>({
    url: send.href,
    method: send.method,
    headers,
    data: send.data,
    signal: send.signal,
  });
}

function withBearer(headers: Record<string, string>, token: string): Record<string, string> {
  return { accept: DEFAULT_ACCEPT, ...headers, authorization: `Bearer ${token}` };
}

/**
 * A SigV4 API: signed with the identity pool's credentials; a 403 that says they expired gets one
 * renewal and one retry, under the owner's once-per-lifetime cap; never a loop.
 */
async function sendSigned(
  send: Send,
  headers: Record<string, string>,
  sigv4: SigV4Auth,
  aws: AwsCredentialSource,
  apiName: string,
): Promise<{ response: AxiosResponse<ArrayBuffer>; retried: boolean }> {
  const scope = { service: sigv4.service, region: sigv4.region ?? aws.region };
  const signedSend = async (credentials: AwsCredentialSet) =>
    sendOnce(
      send,
      await signRequest(
        { method: send.method, url: send.href, headers, body: send.data },
        credentials,
        scope,
      ),
    );
  let credentials = await send.signal.race(aws.current());
  const response = await signedSend(credentials);
  if (!hasExpiredCredentialsSignal(response)) return { response, retried: false };
  credentials = await send.signal.race(aws.forceRefresh(credentials));
  const retry = await signedSend(credentials);
  if (hasExpiredCredentialsSignal(retry)) {
    throw new AppError(
      'AWS_CREDENTIALS_REJECTED',
      `The API "${apiName}" rejected the AWS credentials even after they were renewed.`,
      { status: 403 },
    );
  }
  return { response: retry, retried: true };
}

export function createApiClient(options: ApiClientOptions): ApiClient {
  const maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  // The client's own axios instance, with what every request sets as its defaults: options given
  // per request cost axios a merge of each one on every request (about 2 µs of the ~14 µs the
  // pipeline adds over bare axios; docs/performance.md). An injected instance (tests) lends its
  // defaults (adapter, agent, proxy) and is not changed.
  const http = axios.create({
    ...(options.http?.defaults ?? axiosTransportConfig(options.transport ?? defaultNodeTransport())),
    maxRedirects: 0,
    responseType: 'arraybuffer',
    maxContentLength: maxResponseBytes,
    maxBodyLength: MAX_API_BODY_BYTES,
    validateStatus: ANY_STATUS,
    transformResponse: RAW_BODY,
  });
  const defaultTimeoutMs = options.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxInFlight = options.maxInFlight ?? 64;
  const now = options.now ?? Date.now;
  const inFlight = new Map<string, RequestAbort>();
  const bind =
    options.bind ??
    ((): RequestBinding => {
      if (!options.apis || !options.tokens) throw new Error('createApiClient needs bind, or apis and tokens');
      return { apis: options.apis(), tokens: options.tokens };
    });

  // One sweeper for all request deadlines instead of a timer per request: timeouts fire at most
  // SWEEP_MS late, and the interval runs only while requests are in flight.
  let sweeper: ReturnType<typeof setInterval> | undefined;
  const sweep = () => {
    const now = performance.now();
    for (const abort of inFlight.values()) if (abort.deadline <= now) abort.timeOut();
    if (inFlight.size === 0 && sweeper !== undefined) {
      clearInterval(sweeper);
      sweeper = undefined;
    }
  };
  const startSweeper = () => {
    if (sweeper !== undefined) return;
    sweeper = setInterval(sweep, SWEEP_MS);
    sweeper.unref();
  };

  async function request(req: ApiRequest): Promise<ApiResponse> {
    const started = now();
    // Everything that can refuse the request runs before a token is fetched or a socket opened.
    // The binding is fixed here: the retry below uses the same session, never "the current" one.
    const { apis, tokens, aws } = bind();
    const href = resolveApiHref(apis, req.api, req.path);
    const headers = checkRequestHeaders(req.headers);
    const api = apis.find((a) => a.name === req.api);
    const sigv4 = sigV4Of(api);
    if (sigv4) {
      // The signature's own headers are main's to set, never the page's.
      const own = Object.keys(headers).find((name) => /^x-amz-/i.test(name));
      if (own)
        throw new AppError('HEADER_NOT_ALLOWED', `The header "${own}" is set by the app for signed APIs.`);
      if (!aws) {
        throw new AppError(
          'AWS_CREDENTIALS_UNAVAILABLE',
          `The API "${req.api}" needs AWS credentials, and this profile has no identity pool.`,
        );
      }
    }
    const data = encodeBody(req, headers);
    if (inFlight.has(req.requestId)) {
      throw new AppError('IPC_INVALID_ARGUMENT', 'A request with this id is already running.');
    }
    if (inFlight.size >= maxInFlight) {
      throw new AppError('IPC_INVALID_ARGUMENT', `Too many requests at once (at most ${maxInFlight}).`);
    }

    const timeoutMs = req.timeoutMs ?? defaultTimeoutMs;
    const abort = new RequestAbort(performance.now() + timeoutMs, { api: req.api, timeoutMs });
    inFlight.set(req.requestId, abort);
    startSweeper();
    const send: Send = { http, href, method: req.method, data, signal: abort };

    try {
      if (sigv4 && aws) {
        const response = await sendSigned(send, { accept: DEFAULT_ACCEPT, ...headers }, sigv4, aws, req.api);
        return shapeResponse(response.response, req, href, apis, started, response.retried);
      }
      // The token wait is raced against the abort (a refresh may be slow); axios itself rejects
      // on the abort signal, so the sends need no race.
      const bearer = bearerOf(api);
      const token = await abort.race(bearer.get(tokens));
      let response = await sendOnce(send, withBearer(headers, token));
      let retried = false;
      if (hasInvalidTokenChallenge(response)) {
        // One forced refresh and one retry; a second rejection ends here, never a loop.
        const fresh = await abort.race(
          bearer.refresh(tokens, token).catch((error: unknown) => {
            // The session's one forced refresh of this token lifetime is spent: the 401 stands.
            if (isAppError(error) && error.code === 'TOKEN_INVALID' && error.status === 401) {
              throw new AppError('TOKEN_INVALID', `The API "${req.api}" rejected the ${bearer.name}.`, {
                status: 401,
              });
            }
            throw error;
          }),
        );
        response = await sendOnce(send, withBearer(headers, fresh));
        retried = true;
        if (hasInvalidTokenChallenge(response)) {
          throw new AppError(
            'TOKEN_INVALID',
            `The API "${req.api}" rejected the ${bearer.name} even after a refresh.`,
            { status: 401 },
          );
        }
      }
      return shapeResponse(response, req, href, apis, started, retried);
    } catch (error) {
      // After an abort, axios rejects with its own CanceledError: report why we aborted.
      if (abort.reason) throw abort.reason;
      if (isAppError(error)) throw error;
      throw mapTransportError(error, { api: req.api, timeoutMs, maxResponseBytes });
    } finally {
      inFlight.delete(req.requestId);
    }
  }

  function shapeResponse(
    response: AxiosResponse<ArrayBuffer>,
    req: ApiRequest,
    href: string,
    apis: readonly ApiDefinition[],
    started: number,
    retried: boolean,
  ): ApiResponse {
    const raw = response.data as unknown;
    const bytes =
      raw instanceof Uint8Array ? raw : raw instanceof ArrayBuffer ? new Uint8Array(raw) : new Uint8Array(0);
    const headers = filterResponseHeaders(response.headers as Record<string, unknown>);
    const contentType =
      typeof response.headers['content-type'] === 'string' ? response.headers['content-type'] : undefined;
    const out: ApiResponse = {
      status: response.status,
      statusText: redactIfNeeded(String(response.statusText ?? '')).slice(0, 200),
      headers,
      body: shapeBody(bytes, contentType, req.method),
      durationMs: now() - started,
    };
    if (retried) out.retried = true;
    const location = response.headers['location'];
    if (response.status >= 300 && response.status < 400 && typeof location === 'string') {
      const url = new URL(href);
      let target: string;
      let sameOrigin = false;
      try {
        const resolved = new URL(location, url);
        target = resolved.href;
        sameOrigin = isAllowedOrigin(apis, target) && resolved.origin === url.origin;
      } catch {
        target = location;
      }
      out.redirect = { location: redact(target).slice(0, 4096), sameOrigin };
    }
    return out;
  }

  return {
    request,
    cancel(requestId) {
      const abort = inFlight.get(requestId);
      if (!abort) return false;
      abort.abort(new AppError('CANCELLED', 'The request was cancelled.'));
      return true;
    },
  };
}
