import { AppError } from '../../shared/errors';
import { findNetworkError } from '../net/network-errors';

/**
 * Sorts a failed refresh into the only two classes that matter for the refresh token:
 *  - `invalid_grant`: the token is dead (revoked, expired, user disabled): wipe it.
 *  - `transient`: anything else (refused, reset, timeout, 5xx, 429, HTML or truncated body,
 *    other OAuth errors): keep the refresh token and retry later. A refresh token is never
 *    deleted for a fault we cannot prove is final. Throttling (Cognito's UserAuthentication
 *    quota: HTTP 429, or a `too_many_requests` / `TooManyRequestsException` error at any status,
 *    since Cognito documents no answer for its OAuth endpoints) is named as rate limiting.
 */
export type RefreshFailure =
  | { kind: 'invalid_grant'; reason: 'expired' | 'revoked' }
  | { kind: 'transient'; error: AppError; throttled: boolean };

function field(err: unknown, name: string): unknown {
  return typeof err === 'object' && err !== null ? (err as Record<string, unknown>)[name] : undefined;
}

export function classifyRefreshError(err: unknown): RefreshFailure {
  // openid-client / oauth4webapi ResponseBodyError carries the OAuth `error` and HTTP status.
  if (field(err, 'error') === 'invalid_grant') {
    const description = String(field(err, 'error_description') ?? '');
    return { kind: 'invalid_grant', reason: /revok/i.test(description) ? 'revoked' : 'expired' };
  }
  return { kind: 'transient', error: toTransientError(err), throttled: isThrottled(err) };
}

/** Over the IdP's request quota (see above): the retry schedule reads this (auth/backoff.ts). */
export function isThrottled(err: unknown): boolean {
  if (err instanceof AppError) return err.status === 429;
  const ownStatus = field(err, 'status');
  const status = typeof ownStatus === 'number' ? ownStatus : field(field(err, 'cause'), 'status');
  const oauthCode = field(err, 'error');
  return status === 429 || oauthCode === 'too_many_requests' || oauthCode === 'TooManyRequestsException';
}

/** A token-free AppError describing a transient failure, in plain words. */
export function toTransientError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  // The transport's typed failures (proxy, certificate, DNS), however the library wrapped them.
  const network = findNetworkError(err);
  if (network) return network;
  // oauth4webapi puts the HTTP status on the error, or on the Response it keeps as `cause`.
  const ownStatus = field(err, 'status');
  const status = typeof ownStatus === 'number' ? ownStatus : field(field(err, 'cause'), 'status');
  const name = String(field(err, 'name') ?? '');
  const message = err instanceof Error ? err.message : '';
  const cause = field(err, 'cause');
  const causeCode = String(field(cause, 'code') ?? field(err, 'code') ?? '');
  if (name === 'TimeoutError' || name === 'AbortError' || /timed? ?out|aborted/i.test(message)) {
    return new AppError('IDP_UNREACHABLE', 'The sign-in service did not answer in time.');
  }
  const oauthCode = field(err, 'error');
  const throttled =
    status === 429 || oauthCode === 'too_many_requests' || oauthCode === 'TooManyRequestsException';
  if (typeof status === 'number') {
    if (throttled)
      return new AppError('IDP_UNREACHABLE', 'The sign-in service is rate limiting requests.', { status });
    if (status >= 500)
      return new AppError('IDP_UNREACHABLE', `The sign-in service is unavailable (HTTP ${status}).`, {
        status,
      });
    // A 2xx or 3xx the client could not use (a proxy's login page, a cut-off body) was not a
    // refusal: say what it was.
    if (status < 400)
      return new AppError('IDP_ERROR', 'The sign-in service sent a response the app could not use.', {
        status,
      });
    const oauthError = field(err, 'error');
    const code =
      typeof oauthError === 'string' && /^[a-z_]{1,64}$/.test(oauthError) ? ` (${oauthError})` : '';
    return new AppError('IDP_ERROR', `The sign-in service refused the request: HTTP ${status}${code}.`, {
      status,
    });
  }
  if (
    /ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|EPIPE|UND_ERR/.test(causeCode) ||
    message === 'fetch failed'
  ) {
    return new AppError('IDP_UNREACHABLE', 'The sign-in service cannot be reached.');
  }
  return new AppError('IDP_ERROR', 'The sign-in service sent a response the app could not use.');
}
