import type { ErrorCode } from '../../shared/errors';

/** What the user reads when something fails: what happened, in plain words, and what to do next. */
export interface PlainError {
  title: string;
  nextStep: string;
}

const MESSAGES: Record<ErrorCode, PlainError> = {
  SIGN_IN_REQUIRED: { title: 'You are signed out.', nextStep: 'Sign in again to continue.' },
  SIGN_IN_CANCELLED: { title: 'Sign-in was cancelled.', nextStep: 'Select “Sign in” when you are ready.' },
  SIGN_IN_TIMEOUT: {
    title: 'Sign-in took too long and was stopped.',
    nextStep: 'Select “Sign in” to start again, then finish in your browser within a few minutes.',
  },
  SIGN_IN_DENIED: {
    title: 'The identity provider refused the sign-in.',
    nextStep: 'Check that your account may use this app, or ask your administrator, then try again.',
  },
  SIGN_IN_IN_PROGRESS: {
    title: 'A sign-in is already waiting in your browser.',
    nextStep: 'Finish it there, or cancel it and start again.',
  },
  CALLBACK_INVALID: {
    title: 'The browser sent back an answer the app could not use.',
    nextStep: 'Start the sign-in again from this window.',
  },
  STATE_MISMATCH: {
    title: 'The browser answered for a different sign-in attempt.',
    nextStep: 'Start the sign-in again from this window and use only the page it opens.',
  },
  REDIRECT_PORTS_BUSY: {
    title: 'The app could not listen for the browser’s answer: its sign-in ports are in use.',
    nextStep: 'Close other copies of this app or programs using those ports, then try again.',
  },
  IDP_UNREACHABLE: {
    title: 'The sign-in service cannot be reached.',
    nextStep: 'Check your network connection, then try again.',
  },
  IDP_ERROR: {
    title: 'The sign-in service reported a problem.',
    nextStep: 'Try again in a moment; if it keeps happening, contact your administrator.',
  },
  TOKEN_INVALID: {
    title: 'The sign-in service sent credentials the app could not verify.',
    nextStep: 'Try again; if it keeps happening, check the app’s configuration with your administrator.',
  },
  SESSION_EXPIRED: { title: 'Your session has expired.', nextStep: 'Sign in again to continue.' },
  CONFIG_INVALID: {
    title: 'The app’s configuration has a problem.',
    nextStep: 'Check the environment settings (profile file) or ask your administrator.',
  },
  ORIGIN_NOT_ALLOWED: {
    title: 'Refused by the allowlist: that address is not one of this environment’s APIs.',
    nextStep: 'Use a path on a configured API, starting with a single “/”.',
  },
  HEADER_NOT_ALLOWED: {
    title: 'Refused by the allowlist: that header may not be set by the app window.',
    nextStep: 'Remove it; the app adds credentials itself.',
  },
  IPC_INVALID_ARGUMENT: {
    title: 'The request was not valid.',
    nextStep: 'Check the fields and try again.',
  },
  IPC_UNTRUSTED_SENDER: {
    title: 'The request was refused because it did not come from the app’s own window.',
    nextStep: 'Restart the app.',
  },
  KEYCHAIN_UNAVAILABLE: {
    title: 'The system keychain is not available.',
    nextStep: 'You can still work; you will need to sign in again next time you open the app.',
  },
  HTTP_ERROR: { title: 'The server answered with an error.', nextStep: 'Try again, or check the details.' },
  NETWORK_ERROR: {
    title: 'The server cannot be reached.',
    nextStep: 'Check your connection and try again. Nothing you typed was lost.',
  },
  PROXY_UNREACHABLE: {
    title: 'The network proxy cannot be reached.',
    nextStep: 'Check this computer’s proxy settings, or ask IT whether the proxy is working.',
  },
  PROXY_AUTH_REQUIRED: {
    title: 'The network proxy asks for a sign-in the app cannot give.',
    nextStep: 'Ask IT how this app may use the proxy (for example a proxy exception for it).',
  },
  CERT_UNTRUSTED: {
    title: 'The server’s certificate is not trusted.',
    nextStep: 'Your network may inspect encrypted traffic; ask IT whether its root certificate is installed.',
  },
  CERT_NAME_MISMATCH: {
    title: 'The server’s certificate is for a different name.',
    nextStep: 'Check the address; if it is right, something on the network is redirecting it: ask IT.',
  },
  DNS_FAILED: {
    title: 'The server’s name could not be found.',
    nextStep: 'Check your network connection or VPN, then try again.',
  },
  TIMEOUT: { title: 'The server took too long to answer.', nextStep: 'Try again in a moment.' },
  CANCELLED: { title: 'The request was cancelled.', nextStep: 'Send it again when you are ready.' },
  RESPONSE_TOO_LARGE: {
    title: 'The answer was too large to show.',
    nextStep: 'Ask for less data (a narrower path or filter).',
  },
  REDIRECT_BLOCKED: {
    title: 'Refused by the allowlist: the server tried to send the request to another address.',
    nextStep: 'Call the final address directly if it is one of this environment’s APIs.',
  },
  INTERNAL: {
    title: 'Something went wrong inside the app.',
    nextStep: 'Try again; if it keeps happening, restart the app.',
  },
};

const HTTP_STATUS_MESSAGES: Record<number, PlainError> = {
  401: { title: 'The server did not accept your sign-in.', nextStep: 'Sign in again and retry.' },
  403: {
    title: 'You do not have permission for this (403 Forbidden).',
    nextStep: 'Ask an administrator for access if you need it.',
  },
  404: { title: 'Not found (404): it may have been deleted.', nextStep: 'Reload the list and try again.' },
  413: { title: 'That is too large for the server (413).', nextStep: 'Shorten it and try again.' },
};

export function plainError(error: { code: string; status?: number | undefined }): PlainError {
  if (error.code === 'HTTP_ERROR' && error.status !== undefined) {
    const known = HTTP_STATUS_MESSAGES[error.status];
    if (known) return known;
    if (error.status >= 500) {
      return {
        title: `The server had a problem (${error.status}).`,
        nextStep: 'Try again in a moment. Nothing you typed was lost.',
      };
    }
  }
  return (
    (MESSAGES as Record<string, PlainError | undefined>)[error.code] ?? {
      title: 'Something went wrong.',
      nextStep: 'Try again.',
    }
  );
}

/** Errors after which the session is gone: the app returns to sign-in, keeping the user's place. */
export function endsSession(code: string): boolean {
  return code === 'SESSION_EXPIRED' || code === 'SIGN_IN_REQUIRED';
}

export function isAllowlistRefusal(code: string): boolean {
  return code === 'ORIGIN_NOT_ALLOWED' || code === 'HEADER_NOT_ALLOWED' || code === 'REDIRECT_BLOCKED';
}
