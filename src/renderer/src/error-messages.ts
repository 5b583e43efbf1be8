import { ERROR_CODES, type ErrorCode } from '../../shared/errors';
import type { MessageId } from './i18n/en';
import { english } from './i18n/english';

/**
 * What the user reads when something fails: what happened, in plain words, and what to do next.
 * The words live in the message catalogues (i18n/en.ts, de.ts) under `error.<CODE>.title` and
 * `.next`; `plainError` takes the screen's translate function (English by default, for tests).
 */
export interface PlainError {
  title: string;
  nextStep: string;
}

type Translate = (id: MessageId, values?: Record<string, string | number>) => string;

const KNOWN_CODES: ReadonlySet<string> = new Set<ErrorCode>(ERROR_CODES);

const KNOWN_STATUSES: ReadonlySet<number> = new Set([401, 403, 404, 413]);

export function plainError(
  error: { code: string; status?: number | undefined },
  t: Translate = english,
): PlainError {
  if (error.code === 'HTTP_ERROR' && error.status !== undefined) {
    if (KNOWN_STATUSES.has(error.status)) {
      const base = `error.http.${error.status}`;
      return { title: t(`${base}.title` as MessageId), nextStep: t(`${base}.next` as MessageId) };
    }
    if (error.status >= 500) {
      return {
        title: t('error.http.5xx.title', { status: error.status }),
        nextStep: t('error.http.5xx.next'),
      };
    }
  }
  if (KNOWN_CODES.has(error.code)) {
    const base = `error.${error.code}`;
    return { title: t(`${base}.title` as MessageId), nextStep: t(`${base}.next` as MessageId) };
  }
  return { title: t('error.unknown.title'), nextStep: t('error.unknown.next') };
}

/** Errors after which the session is gone: the app returns to sign-in, keeping the user's place. */
export function endsSession(code: string): boolean {
  return code === 'SESSION_EXPIRED' || code === 'SIGN_IN_REQUIRED';
}

export function isAllowlistRefusal(code: string): boolean {
  return code === 'ORIGIN_NOT_ALLOWED' || code === 'HEADER_NOT_ALLOWED' || code === 'REDIRECT_BLOCKED';
}
