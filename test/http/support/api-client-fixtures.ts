import { expect } from 'vitest';
import type { AccessTokenSource } from '../../../src/main/auth/access-token-source';
import type { ApiRequest } from '../../../src/shared/ipc-contract';
import { AppError } from '../../../src/shared/errors';

/** What the API client's own tests share: request builders, a fixed token source, a typed rejection. */

/** A request builder whose ids (`<prefix>1`, `<prefix>2`, ...) never repeat within a file. */
export function requestBuilder(prefix: string) {
  let seq = 0;
  return (partial: Partial<ApiRequest> & Pick<ApiRequest, 'path'>): ApiRequest => ({
    requestId: `${prefix}${++seq}`,
    api: 'demo',
    method: 'GET',
    ...partial,
  });
}

/** The AppError a promise rejects with (fails the test if it resolves or rejects otherwise). */
export async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => new Error('expected a rejection'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

/** Opaque tokens (not JWTs): what the server sees can be matched exactly. */
export const fixedTokens: AccessTokenSource = {
  getAccessToken: async () => 'opaque-access-token-123',
  forceRefresh: async () => 'opaque-access-token-456',
};
