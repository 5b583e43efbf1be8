import type { SessionState } from '../../shared/session-state';
import type { Session } from '../auth/session';
import { createAwsSide, type AwsSide, type AwsSideOptions } from '../aws/aws-side';
import type { ResolvedProfile } from '../config/profile';
import type { SessionCompanion } from './active-session';

/**
 * The live session's AWS side (identity-pool credentials, the admin console, the account's
 * operations) as its companion: made with the session, disposed before it. The credentials
 * follow the session's public events only (aws/credentials-owner.ts); the published state gains
 * what a person may see of them (identity and role, never a key).
 */
export interface AwsCompanion extends SessionCompanion {
  readonly side: AwsSide;
}

export type AwsCompanionOptions = Omit<AwsSideOptions, 'profile' | 'session'>;

export function createAwsCompanion(
  profile: ResolvedProfile,
  session: Session,
  options: AwsCompanionOptions,
): AwsCompanion {
  const side = createAwsSide({ ...options, profile, session });
  return {
    side,
    decorate(state: SessionState): SessionState {
      const view = state.status === 'signed-in' ? side.credentials?.view() : undefined;
      return view && state.status === 'signed-in' ? { ...state, aws: view } : state;
    },
    sessionChanged: (state) => side.credentials?.sessionChanged(state),
    onChanged: (listener) => side.credentials?.onChanged(listener) ?? (() => undefined),
    dispose: () => side.dispose(),
  };
}
