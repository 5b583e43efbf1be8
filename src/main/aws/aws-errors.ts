import { AppError, isAppError } from '../../shared/errors';
import { redact } from '../../shared/redact';

/**
 * What an AWS SDK failure means to the app, as a coded AppError with plain words:
 *  - AccessDeniedException (the role lacks the action): AWS_ACCESS_DENIED, "Your role cannot do this";
 *  - any other Cognito or AWS exception: AWS_ERROR naming it (`UserNotFoundException: ...`);
 *  - no answer (refused, reset, DNS, proxy, certificate, timeout): the transport's own typed
 *    error, or NETWORK_ERROR / TIMEOUT naming the service.
 * Messages are redacted and bounded: an exception text never carries a credential or token.
 */
export interface SdkErrorLike {
  name?: unknown;
  message?: unknown;
  $metadata?: { httpStatusCode?: number };
  cause?: unknown;
}

const MAX_MESSAGE = 300;

/** The exception name the service sent (e.g. NotAuthorizedException), or undefined for no answer. */
export function awsErrorName(error: unknown): string | undefined {
  const e = error as SdkErrorLike | null;
  if (!e || typeof e !== 'object' || e.$metadata?.httpStatusCode === undefined) return undefined;
  return typeof e.name === 'string' ? e.name : undefined;
}

export function toAwsAppError(error: unknown, service: string): AppError {
  if (isAppError(error)) return error;
  const name = awsErrorName(error);
  const e = error as SdkErrorLike;
  const status = e?.$metadata?.httpStatusCode;
  const detail = redact(typeof e?.message === 'string' ? e.message : '').slice(0, MAX_MESSAGE);
  if (name === 'AccessDeniedException') {
    return new AppError('AWS_ACCESS_DENIED', `Your role cannot do this.${detail ? ` (${detail})` : ''}`, {
      status: status ?? 403,
    });
  }
  if (name !== undefined) {
    return new AppError('AWS_ERROR', `${service} refused: ${name}${detail ? `: ${detail}` : ''}`, {
      ...(status === undefined ? {} : { status }),
    });
  }
  // No service answer: the transport's typed error where it gave one (proxy, certificate, DNS).
  for (let cause: unknown = error, depth = 0; cause && depth < 5; depth++) {
    if (isAppError(cause)) return cause;
    cause = (cause as { cause?: unknown }).cause;
  }
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') {
    return new AppError('TIMEOUT', `${service} did not answer in time.`);
  }
  return new AppError('NETWORK_ERROR', `${service} could not be reached.`);
}
