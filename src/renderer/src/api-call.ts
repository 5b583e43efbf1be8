import type { ApiRequest, ApiResponse, AppErrorSchema } from '../../shared/ipc-contract';
import type { z } from 'zod';
import { endsSession } from './error-messages';

export type UiError = z.infer<typeof AppErrorSchema>;
export type ApiOutcome = { ok: true; response: ApiResponse } | { ok: false; error: UiError };

let counter = 0;
function nextRequestId(): string {
  counter += 1;
  return `r${Date.now().toString(36)}-${counter}`;
}

export interface ApiCallOptions {
  api: string;
  method: ApiRequest['method'];
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** Called when the error means the session is gone, so the app can show sign-in. */
  onSessionLost?: (error: UiError) => void;
}

/** One API call through main. Never throws: a broken transport becomes an INTERNAL error. */
export async function callApi(options: ApiCallOptions): Promise<ApiOutcome> {
  const request: ApiRequest = {
    requestId: nextRequestId(),
    api: options.api,
    method: options.method,
    path: options.path,
    ...(options.body === undefined ? {} : { body: options.body }),
    ...(options.headers === undefined ? {} : { headers: options.headers }),
  };
  let outcome: ApiOutcome;
  try {
    const result = await window.desktop.api.request(request);
    outcome = result.ok ? { ok: true, response: result.value } : { ok: false, error: result.error };
  } catch {
    outcome = {
      ok: false,
      error: { code: 'INTERNAL', message: 'The app could not reach its main process.' },
    };
  }
  if (!outcome.ok && endsSession(outcome.error.code)) options.onSessionLost?.(outcome.error);
  return outcome;
}

/** For screens that treat any non-2xx answer as a failure (notes, admin). */
export async function callApiExpectingSuccess(options: ApiCallOptions): Promise<ApiOutcome> {
  const outcome = await callApi(options);
  if (!outcome.ok) return outcome;
  const { status } = outcome.response;
  if (status >= 200 && status < 300) return outcome;
  return {
    ok: false,
    error: { code: 'HTTP_ERROR', status, message: describeErrorBody(outcome.response) },
  };
}

function describeErrorBody(response: ApiResponse): string {
  const challenge = response.headers['www-authenticate'];
  if (challenge) return challenge;
  const { body } = response;
  if (body.kind === 'json' && body.value && typeof body.value === 'object') {
    const value = body.value as Record<string, unknown>;
    const text = value['error_description'] ?? value['message'] ?? value['error'];
    if (typeof text === 'string') return text;
  }
  if (body.kind === 'text') return body.value.slice(0, 200);
  return response.statusText || `HTTP ${response.status}`;
}
