import { isAxiosError } from 'axios';
import { AppError } from '../../shared/errors';
import { findNetworkError } from '../net/network-errors';

/**
 * Maps what axios and the network transport throw to the shared error codes, once, here.
 * Messages are plain words the UI can show; the raw library message (which may quote a URL)
 * stays out. The transport's typed failures (proxy, certificate, DNS: src/main/net) keep their
 * code and gain the API's name.
 */
const NETWORK_TEXT: Record<string, string> = {
  ECONNREFUSED: 'refused the connection',
  ECONNRESET: 'closed the connection unexpectedly',
  EPIPE: 'closed the connection unexpectedly',
  ENOTFOUND: 'has a host name that could not be found',
  EAI_AGAIN: 'has a host name that could not be looked up (no network?)',
  EHOSTUNREACH: 'is unreachable',
  ENETUNREACH: 'is unreachable (no network?)',
  CERT_HAS_EXPIRED: 'presented an expired TLS certificate',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'presented a self-signed TLS certificate',
  SELF_SIGNED_CERT_IN_CHAIN: 'presented an untrusted TLS certificate',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'presented an untrusted TLS certificate',
  ERR_TLS_CERT_ALTNAME_INVALID: 'presented a TLS certificate for another host',
};

export function mapTransportError(
  error: unknown,
  context: { api: string; timeoutMs: number; maxResponseBytes: number },
): AppError {
  const { api } = context;
  const typed = findNetworkError(error);
  if (typed) {
    return new AppError(typed.code, `The API "${api}" could not be reached safely. ${typed.message}`, {
      ...(typed.status === undefined ? {} : { status: typed.status }),
    });
  }
  if (isAxiosError(error)) {
    const code = typeof error.code === 'string' ? error.code : '';
    if (error.name === 'TimeoutError') {
      return new AppError('TIMEOUT', `The API "${api}" did not answer in time.`);
    }
    if (code === 'ERR_CANCELED') return new AppError('CANCELLED', 'The request was cancelled.');
    const causeCode = (error.cause as { code?: unknown } | undefined)?.code;
    if (
      code === 'ECONNABORTED' ||
      code === 'ETIMEDOUT' ||
      causeCode === 'UND_ERR_HEADERS_TIMEOUT' ||
      causeCode === 'UND_ERR_BODY_TIMEOUT'
    ) {
      return new AppError('TIMEOUT', `The API "${api}" did not answer in time.`);
    }
    if (/maxContentLength/.test(error.message)) {
      return new AppError(
        'RESPONSE_TOO_LARGE',
        `The API "${api}" sent more than ${context.maxResponseBytes} bytes; the response was discarded.`,
      );
    }
    const cause = (error.cause as { code?: unknown } | undefined)?.code;
    const key = typeof cause === 'string' && cause in NETWORK_TEXT ? cause : code;
    const text = NETWORK_TEXT[key];
    if (text) return new AppError('NETWORK_ERROR', `The API "${api}" ${text}.`);
    return new AppError(
      'NETWORK_ERROR',
      `Could not reach the API "${api}"${key ? ` (${key.slice(0, 40)})` : ''}.`,
    );
  }
  return new AppError('INTERNAL', `The request to the API "${api}" failed inside the app.`);
}
