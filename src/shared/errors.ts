/**
 * Error codes shared by main, preload and renderer. Errors cross IPC as plain
 * `{ code, message, status? }` objects because Electron keeps only the message of a thrown
 * error; the code is what the UI branches on.
 */
export const ERROR_CODES = [
  'SIGN_IN_REQUIRED',
  'SIGN_IN_CANCELLED',
  'SIGN_IN_TIMEOUT',
  'SIGN_IN_DENIED',
  'SIGN_IN_IN_PROGRESS',
  'CALLBACK_INVALID',
  'STATE_MISMATCH',
  'REDIRECT_PORTS_BUSY',
  'IDP_UNREACHABLE',
  'IDP_ERROR',
  'TOKEN_INVALID',
  'ISSUER_FORM_MISMATCH',
  'SESSION_EXPIRED',
  'CONFIG_INVALID',
  'ORIGIN_NOT_ALLOWED',
  'HEADER_NOT_ALLOWED',
  'IPC_INVALID_ARGUMENT',
  'IPC_UNTRUSTED_SENDER',
  'KEYCHAIN_UNAVAILABLE',
  'HTTP_ERROR',
  'NETWORK_ERROR',
  'PROXY_UNREACHABLE',
  'PROXY_AUTH_REQUIRED',
  'CERT_UNTRUSTED',
  'CERT_NAME_MISMATCH',
  'DNS_FAILED',
  'TIMEOUT',
  'CANCELLED',
  'RESPONSE_TOO_LARGE',
  'REDIRECT_BLOCKED',
  'DIAGNOSTICS_NOT_SAVED',
  'UPDATE_NOT_READY',
  'UPDATE_DURING_SIGN_IN',
  'MEMORY_SIGN_IN_NOT_ALLOWED',
  // AWS (src/main/aws): no credentials to be had (no identity pool, signed out, the identity pool
  // refused), credentials an API kept rejecting after the one refresh, a role without the
  // permission, another Cognito error (named in the message), a change the user did not confirm.
  'AWS_CREDENTIALS_UNAVAILABLE',
  'AWS_CREDENTIALS_REJECTED',
  'AWS_ACCESS_DENIED',
  'AWS_ERROR',
  'NOT_CONFIRMED',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface AppErrorShape {
  code: ErrorCode;
  message: string;
  status?: number;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number | undefined;

  constructor(code: ErrorCode, message: string, options?: { status?: number; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = options?.status;
  }

  toShape(): AppErrorShape {
    return this.status === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, status: this.status };
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}
