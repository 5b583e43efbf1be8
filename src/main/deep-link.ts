/**
 * Strict parsing of the app's custom-scheme deep links (`com.example.cognitodesktop:/callback?...`).
 *
 * Deep links arrive from outside the app (macOS `open-url`, Windows/Linux argv of a cold start or of
 * a second instance), so anything may be in them. A link is accepted only when its scheme, host and
 * path equal one of the registered custom-scheme URIs exactly, it has no credentials or fragment,
 * and its query holds only the parameters an OAuth redirect may carry, each at most once. Anything
 * else is dropped: the caller never sees a half-parsed link.
 */

export const APP_SCHEME = 'com.example.cognitodesktop';

/** Longer than any real redirect (Cognito codes are ~36 chars, our state 43): bounds the work. */
export const MAX_DEEP_LINK_LENGTH = 4096;

const CALLBACK_PARAMS = new Set(['code', 'state', 'error', 'error_description', 'error_uri', 'iss']);

export type DeepLink =
  | {
      kind: 'callback';
      /** The registered redirect URI the link matched (no query). */
      redirectUri: string;
      /** The full link, to hand to the sign-in engine. */
      url: string;
      params: URLSearchParams;
    }
  | { kind: 'signed-out'; signOutUri: string; url: string };

export interface DeepLinkTargets {
  /** The profile's custom-scheme redirect URI, e.g. com.example.cognitodesktop:/callback. */
  callback?: string;
  /** The profile's custom-scheme sign-out URI, e.g. com.example.cognitodesktop:/signed-out. */
  signedOut?: string;
}

/** scheme + ':' + path, with the host (if any) folded in, lower-casing only the scheme. */
function linkBase(url: URL): string {
  return `${url.protocol.toLowerCase()}${url.host ? `//${url.host}` : ''}${url.pathname}`;
}

function targetBase(target: string): string | undefined {
  try {
    return linkBase(new URL(target));
  } catch {
    return undefined;
  }
}

/**
 * Returns the parsed link, or undefined when the link is not exactly one of `targets`.
 * Pure: never throws, whatever the input.
 */
export function parseDeepLink(raw: unknown, targets: DeepLinkTargets): DeepLink | undefined {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_DEEP_LINK_LENGTH) return undefined;
  // Whitespace, controls and quotes never appear in a real redirect; on Windows they are how an
  // argument-injection attempt smuggles extra switches into the command line.
  // eslint-disable-next-line no-control-regex -- matching control characters is the point here
  if (/[\s\u0000-\u001f\u007f"'<>\\`]/.test(raw)) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if (url.protocol !== `${APP_SCHEME}:`) return undefined;
  if (url.username || url.password || url.hash || raw.includes('#')) return undefined;
  const base = linkBase(url);

  if (targets.callback !== undefined && base === targetBase(targets.callback)) {
    const params = new URLSearchParams(url.search);
    const seen = new Set<string>();
    for (const [key, value] of params) {
      if (!CALLBACK_PARAMS.has(key) || seen.has(key) || value.length > 2048) return undefined;
      seen.add(key);
    }
    // A redirect carries either a code with its state or an error: nothing else is a callback.
    if (!(params.has('code') && params.has('state')) && !params.has('error')) return undefined;
    return { kind: 'callback', redirectUri: targets.callback, url: url.toString(), params };
  }
  if (targets.signedOut !== undefined && base === targetBase(targets.signedOut)) {
    if (url.search !== '') return undefined;
    return { kind: 'signed-out', signOutUri: targets.signedOut, url: url.toString() };
  }
  return undefined;
}

/**
 * The deep link in a process's argv (Windows/Linux pass it as an argument on a cold start and in
 * `second-instance`). Only an argument that starts with our scheme counts, and only when there is
 * exactly one: switches and anything else in argv are never interpreted.
 */
export function findDeepLinkInArgv(argv: readonly string[]): string | undefined {
  const prefix = `${APP_SCHEME}:`;
  const candidates = argv.filter((arg) => arg.toLowerCase().startsWith(prefix));
  return candidates.length === 1 ? candidates[0] : undefined;
}
