import { AppError } from '../../shared/errors';

/**
 * The network failures a user on a corporate network meets, typed once here, in plain words,
 * from both stacks (Node/undici error codes and Chromium's `net::ERR_*` names):
 *
 *   PROXY_UNREACHABLE    the proxy refused the connection, cannot be reached, or its PAC failed
 *   PROXY_AUTH_REQUIRED  the proxy answered 407
 *   CERT_UNTRUSTED       the server's certificate chain does not lead to a trusted root
 *                        (the classic sign of a TLS-inspecting firewall whose root is missing)
 *   CERT_NAME_MISMATCH   the certificate is for another name
 *   DNS_FAILED           the host name could not be resolved
 *
 * Anything else is not typed here: undici's own `TypeError('fetch failed')` goes on unchanged and
 * a Chromium error becomes the same shape (with the nearest Node code as `cause.code`), so the
 * session's and API client's classifiers (refused, reset, timeout) keep working on either stack.
 * Messages name the host (never a path or query, which may carry a code or token).
 */
export const UNTRUSTED_ADVICE =
  'Your network may inspect encrypted traffic; ask IT whether its root certificate is installed.';

export interface FailureContext {
  /** The host (and port) the request was for. */
  host: string;
  /** The proxy the request went through, when one did (e.g. "proxy.corp:3128"). */
  proxy?: string;
}

const CERT_UNTRUSTED_NODE = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_UNTRUSTED',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_CHAIN_TOO_LONG',
  'INVALID_CA',
]);
const DNS_NODE = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME']);
const PROXY_DOWN_NODE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
  ...DNS_NODE,
]);

const CHROMIUM_TYPED: Record<string, 'proxy' | 'proxy-auth' | 'untrusted' | 'name' | 'dns'> = {
  ERR_PROXY_CONNECTION_FAILED: 'proxy',
  ERR_MANDATORY_PROXY_CONFIGURATION_FAILED: 'proxy',
  ERR_PAC_SCRIPT_FAILED: 'proxy',
  ERR_PAC_NOT_IN_DHCP: 'proxy',
  ERR_PROXY_CERTIFICATE_INVALID: 'proxy',
  ERR_SOCKS_CONNECTION_FAILED: 'proxy',
  ERR_PROXY_AUTH_REQUESTED: 'proxy-auth',
  ERR_PROXY_AUTH_UNSUPPORTED: 'proxy-auth',
  ERR_PROXY_AUTH_REQUESTED_WITH_NO_CONNECTION: 'proxy-auth',
  ERR_CERT_AUTHORITY_INVALID: 'untrusted',
  ERR_CERT_DATE_INVALID: 'untrusted',
  ERR_CERT_INVALID: 'untrusted',
  ERR_CERT_REVOKED: 'untrusted',
  ERR_CERT_WEAK_SIGNATURE_ALGORITHM: 'untrusted',
  ERR_CERT_SYMANTEC_LEGACY: 'untrusted',
  ERR_CERT_KNOWN_INTERCEPTION_BLOCKED: 'untrusted',
  ERR_CERT_NO_REVOCATION_MECHANISM: 'untrusted',
  ERR_CERT_UNABLE_TO_CHECK_REVOCATION: 'untrusted',
  ERR_CERT_COMMON_NAME_INVALID: 'name',
  ERR_NAME_NOT_RESOLVED: 'dns',
  ERR_NAME_RESOLUTION_FAILED: 'dns',
};

/** Chromium errors that are plain connection failures, as the nearest Node code. */
const CHROMIUM_AS_NODE: Record<string, string> = {
  ERR_CONNECTION_REFUSED: 'ECONNREFUSED',
  ERR_CONNECTION_RESET: 'ECONNRESET',
  ERR_CONNECTION_CLOSED: 'ECONNRESET',
  ERR_EMPTY_RESPONSE: 'ECONNRESET',
  ERR_CONNECTION_ABORTED: 'ECONNRESET',
  ERR_CONNECTION_TIMED_OUT: 'ETIMEDOUT',
  ERR_TIMED_OUT: 'ETIMEDOUT',
  ERR_ADDRESS_UNREACHABLE: 'EHOSTUNREACH',
  ERR_NETWORK_CHANGED: 'ECONNRESET',
  ERR_INTERNET_DISCONNECTED: 'ENETUNREACH',
  ERR_TUNNEL_CONNECTION_FAILED: 'ECONNREFUSED',
};

export function proxyUnreachable(ctx: FailureContext): AppError {
  return new AppError(
    'PROXY_UNREACHABLE',
    `The proxy ${ctx.proxy ?? '(system setting)'} refused the connection or cannot be reached, so ${ctx.host} could not be contacted. Check the proxy settings of this computer (or the profile's network.proxy) with IT.`,
  );
}

export function proxyAuthRequired(ctx: FailureContext): AppError {
  return new AppError(
    'PROXY_AUTH_REQUIRED',
    `The proxy ${ctx.proxy ?? '(system setting)'} asks for a sign-in (HTTP 407) before it lets the app reach ${ctx.host}. Ask IT how this app may use the proxy (for example a proxy exception for ${ctx.host}).`,
    { status: 407 },
  );
}

export function certUntrusted(ctx: FailureContext, expired = false): AppError {
  return new AppError(
    'CERT_UNTRUSTED',
    `The certificate presented for ${ctx.host} is ${expired ? 'expired or not yet valid' : 'not trusted'}. ${UNTRUSTED_ADVICE}`,
  );
}

export function certNameMismatch(ctx: FailureContext): AppError {
  return new AppError(
    'CERT_NAME_MISMATCH',
    `The certificate presented for ${ctx.host} is for a different name. Something on the network may be redirecting the connection; check the address, and ask IT if it is right.`,
  );
}

export function dnsFailed(ctx: FailureContext): AppError {
  return new AppError(
    'DNS_FAILED',
    `The name ${ctx.host.replace(/:\d+$/, '')} could not be found (DNS). Check the network connection or VPN, and that the address in the profile is right.`,
  );
}

function codeOf(value: unknown): string | undefined {
  const code = typeof value === 'object' && value !== null ? (value as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

function messageOf(value: unknown): string {
  return value instanceof Error ? value.message : '';
}

/** The error chain, outermost first, bounded (causes can be cyclic in some libraries). */
function chain(error: unknown): unknown[] {
  const out: unknown[] = [];
  let current: unknown = error;
  for (let i = 0; i < 6 && current !== undefined && current !== null; i++) {
    out.push(current);
    current = (current as { cause?: unknown }).cause;
  }
  return out;
}

/**
 * An undici/Node failure: a typed AppError, or undefined (the caller rethrows the original).
 * `ctx.proxy` says whether the request went through a proxy: then a refused connection, or a
 * name that does not resolve, is the proxy's.
 */
export function classifyNodeFailure(error: unknown, ctx: FailureContext): AppError | undefined {
  for (const link of chain(error)) {
    const code = codeOf(link);
    const message = messageOf(link);
    const proxyStatus = /Proxy response \((\d{3})\)/.exec(message)?.[1];
    if (proxyStatus === '407') return proxyAuthRequired(ctx);
    if (proxyStatus !== undefined) return undefined; // the proxy answered: it could not reach the host
    if (code === undefined) continue;
    if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return certNameMismatch(ctx);
    if (CERT_UNTRUSTED_NODE.has(code)) {
      return certUntrusted(ctx, code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID');
    }
    if (ctx.proxy !== undefined && PROXY_DOWN_NODE.has(code)) {
      // Over a tunnel the proxy resolves and connects; errors on our socket are the proxy's,
      // unless the TLS handshake already reached the origin (then it is a reset of the origin).
      if (!(code === 'ECONNRESET' || code === 'UND_ERR_SOCKET')) return proxyUnreachable(ctx);
    }
    if (ctx.proxy === undefined && DNS_NODE.has(code)) return dnsFailed(ctx);
  }
  return undefined;
}

/**
 * A failure of Electron's net.fetch (its message is Chromium's `net::ERR_*` name): a typed
 * AppError, or a `TypeError('fetch failed')` whose `cause.code` is the nearest Node code.
 */
export function classifyChromiumFailure(error: unknown, ctx: FailureContext): Error {
  const message = messageOf(error);
  if (/redirect was cancelled/i.test(message)) {
    return new AppError(
      'REDIRECT_BLOCKED',
      `${ctx.host} answered with a redirect; the app does not follow redirects.`,
    );
  }
  const name = /net::(ERR_[A-Z_]+)/.exec(message)?.[1];
  switch (name === undefined ? undefined : CHROMIUM_TYPED[name]) {
    case 'proxy':
      return proxyUnreachable(ctx);
    case 'proxy-auth':
      return proxyAuthRequired(ctx);
    case 'untrusted':
      return certUntrusted(ctx, name === 'ERR_CERT_DATE_INVALID');
    case 'name':
      return certNameMismatch(ctx);
    case 'dns':
      return dnsFailed(ctx);
    default: {
      const code = (name && CHROMIUM_AS_NODE[name]) ?? name ?? 'ENETWORK';
      return new TypeError('fetch failed', { cause: Object.assign(new Error(code), { code }) });
    }
  }
}

/** The first typed network AppError in an error's cause chain (libraries wrap what fetch threw). */
export function findNetworkError(error: unknown): AppError | undefined {
  for (const link of chain(error)) {
    if (link instanceof AppError && NETWORK_ERROR_CODES.has(link.code)) return link;
  }
  return undefined;
}

export const NETWORK_ERROR_CODES: ReadonlySet<string> = new Set([
  'PROXY_UNREACHABLE',
  'PROXY_AUTH_REQUIRED',
  'CERT_UNTRUSTED',
  'CERT_NAME_MISMATCH',
  'DNS_FAILED',
  'REDIRECT_BLOCKED',
  'RESPONSE_TOO_LARGE',
]);
