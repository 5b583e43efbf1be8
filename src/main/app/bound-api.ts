import { AppError } from '../../shared/errors';
import type { AccessTokenSource } from '../auth/access-token-source';
import type { Session } from '../auth/session';
import { createApiClient, type ApiClient } from '../http/api-client';
import type { NetTransport } from '../net/transport';
import type { ActiveSession } from './active-session';
import type { AwsCompanion } from './aws-companion';

/**
 * The API client of the app. It does NOT use the session facade: each request is bound to the
 * session (and the APIs) of the profile active when it started. Once that session is no longer
 * the live one, the request ends CANCELLED and sends nothing more, so no token of another profile
 * can reach its API.
 */
export interface BoundApiOptions {
  active: ActiveSession<AwsCompanion>;
  transport: NetTransport;
  noProfileReason(): string;
}

/** A token source that serves only while `bound` is the live session. */
function boundTo(bound: Session, active: ActiveSession<AwsCompanion>): AccessTokenSource {
  const ensureActive = () => {
    if (active.current() !== bound) {
      throw new AppError(
        'CANCELLED',
        'The request was stopped because the profile changed while it was running; nothing was sent again.',
      );
    }
  };
  const guarded = async (get: () => Promise<string>) => {
    ensureActive();
    const token = await get();
    ensureActive(); // switched while the token was being fetched: drop it, send nothing
    return token;
  };
  return {
    getAccessToken: () => guarded(() => bound.getAccessToken()),
    forceRefresh: (rejected) => guarded(() => bound.forceRefresh(rejected)),
    getIdToken: () => guarded(() => bound.getIdToken()),
    forceRefreshIdToken: (rejected) => guarded(() => bound.forceRefreshIdToken(rejected)),
  };
}

export function createBoundApiClient(options: BoundApiOptions): ApiClient {
  const { active } = options;
  return createApiClient({
    bind: () => {
      const bound = active.current();
      const profile = active.profile();
      if (!bound || !profile) throw new AppError('CONFIG_INVALID', options.noProfileReason());
      // The AWS credentials serve only while `bound` is the live session, as the tokens do.
      const aws = active.companion()?.side.boundCredentials(() => active.current() === bound);
      return { apis: profile.apis, tokens: boundTo(bound, active), ...(aws ? { aws } : {}) };
    },
    transport: options.transport,
  });
}
