import { AppError } from '../../shared/errors';
import { isLoopbackHost } from '../../shared/loopback';

/**
 * The allowlist: a profile names its APIs (`apis: [{ name, baseUrl }]`), a request names one
 * of them and a path, and main builds the URL. The bearer goes only to a URL whose origin
 * (scheme, host, port) is exactly the API's, under the API's base path. Everything is decided
 * here, before any socket is opened.
 */
export interface ApiDefinition {
  name: string;
  baseUrl: string;
  /** Which token main sends as the bearer; absent = the access token. */
  token?: 'access' | 'id' | undefined;
  /** "bearer" (absent too) or SigV4 with the identity pool's AWS credentials (src/main/aws). */
  auth?: 'bearer' | { type: 'sigv4'; service: string; region?: string | undefined } | undefined;
}

interface ParsedBase {
  url: URL;
  origin: string;
  /** Path without trailing slashes ('' for the root). */
  basePath: string;
}

// Parsed base URLs by their text: a profile has a handful, and every request needs one.
const baseCache = new Map<string, ParsedBase>();

function parsedBase(api: ApiDefinition): ParsedBase {
  const cached = baseCache.get(api.baseUrl);
  if (cached) return cached;
  const url = checkApiBase(api);
  const parsed = { url, origin: url.origin, basePath: url.pathname.replace(/\/+$/, '') };
  if (baseCache.size >= 64) baseCache.clear();
  baseCache.set(api.baseUrl, parsed);
  return parsed;
}

/** A base URL a profile may use: https, or http on a loopback host; no userinfo, query or fragment. */
export function parseApiBase(api: ApiDefinition): URL {
  return new URL(parsedBase(api).url.href);
}

function checkApiBase(api: ApiDefinition): URL {
  let base: URL;
  try {
    base = new URL(api.baseUrl);
  } catch {
    throw new AppError('CONFIG_INVALID', `The API "${api.name}" has an invalid base URL.`);
  }
  const problem =
    base.protocol !== 'https:' && !(base.protocol === 'http:' && isLoopbackHost(base.hostname))
      ? 'must use https (http only on a loopback host)'
      : base.username !== '' || base.password !== ''
        ? 'must not contain a user name or password'
        : base.search !== '' || base.hash !== ''
          ? 'must not contain a query or fragment'
          : null;
  if (problem) throw new AppError('CONFIG_INVALID', `The base URL of the API "${api.name}" ${problem}.`);
  return base;
}

/** True only when `url` has exactly the origin of one of the allow-listed APIs. */
export function isAllowedOrigin(apis: readonly ApiDefinition[], url: string): boolean {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return false;
  }
  if (target.username !== '' || target.password !== '') return false;
  return apis.some((api) => {
    try {
      const base = parsedBase(api).url;
      return (
        base.protocol === target.protocol && base.hostname === target.hostname && base.port === target.port
      );
    } catch {
      return false;
    }
  });
}

// Escapes that would let a path climb out of the base path or change how a server splits it.
const FORBIDDEN_ESCAPES = /%(2e|2f|5c|25|00|0[1-9a-f]|1[0-9a-f]|7f)/i;
const VALID_ESCAPES = /%(?![0-9a-f]{2})/i;
// Printable ASCII except space, backslash, '#', and the characters WHATWG URL treats specially.
const PATH_CHARS = /^[\x21-\x7e]+$/;

function refuse(apiName: string, why: string): AppError {
  return new AppError('ORIGIN_NOT_ALLOWED', `Refused a request to the API "${apiName}": ${why}.`);
}

/**
 * A segment some server resolves as "." or "..": after percent-decoding, and once `;` path
 * parameters are removed (Tomcat, Jetty and some gateways strip them before resolving, so
 * `..;x` and `..%3b` climb out of the base path there, while the WHATWG URL parser keeps them).
 */
function isDotSegment(segment: string): boolean {
  let decoded: string;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    return true; // undecodable: treat as the worst case
  }
  const bare = decoded.split(';', 1)[0] ?? '';
  return bare === '.' || bare === '..';
}

/** Why a request path is unacceptable, or null. */
export function pathProblem(path: string): string | null {
  if (!path.startsWith('/')) return 'the path must start with "/"';
  if (path.startsWith('//')) return 'the path must not start with "//"';
  if (!PATH_CHARS.test(path)) return 'the path may contain only printable ASCII without spaces';
  if (path.includes('\\')) return 'the path must not contain a backslash';
  if (path.includes('#')) return 'the path must not contain a fragment';
  if (VALID_ESCAPES.test(path)) return 'the path contains a malformed percent escape';
  const queryAt = path.indexOf('?');
  const pathname = queryAt === -1 ? path : path.slice(0, queryAt);
  if (FORBIDDEN_ESCAPES.test(pathname)) return 'the path contains an encoded "/", "\\", "." or "%"';
  if (pathname.split('/').some(isDotSegment)) {
    return 'the path must not contain "." or ".." segments (also with ";" parameters or escapes)';
  }
  return null;
}

// The common shape of an API path (`/notes/n1`): letters, digits, '-', '_', '~' and single
// slashes, no dots, escapes or query. Such a path appended to an origin and base path cannot
// change the origin or leave the base path, so the URL parser's second opinion is skipped.
const PLAIN_PATH = /^(?:\/[A-Za-z0-9_~-]+)+\/?$|^\/$/;

/** The URL text for a request, or an ORIGIN_NOT_ALLOWED / CONFIG_INVALID AppError. */
export function resolveApiHref(apis: readonly ApiDefinition[], apiName: string, path: string): string {
  const api = apis.find((candidate) => candidate.name === apiName);
  if (!api) throw refuse(apiName, 'the active profile has no API with this name');
  const { url: base, origin, basePath } = parsedBase(api);
  if (PLAIN_PATH.test(path)) return `${origin}${basePath}${path}`;

  const problem = pathProblem(path);
  if (problem) throw refuse(apiName, problem);
  let url: URL;
  try {
    url = new URL(`${origin}${basePath}${path}`);
  } catch {
    throw refuse(apiName, 'the path does not form a valid URL');
  }
  // Belt and braces: whatever the checks above missed, the built URL must still be ours.
  if (
    url.protocol !== base.protocol ||
    url.host !== base.host ||
    url.username !== '' ||
    url.password !== '' ||
    !(url.pathname === basePath || url.pathname.startsWith(`${basePath}/`))
  ) {
    throw refuse(apiName, 'the path leads outside the API');
  }
  return url.href;
}

export function resolveApiUrl(apis: readonly ApiDefinition[], apiName: string, path: string): URL {
  return new URL(resolveApiHref(apis, apiName, path));
}
