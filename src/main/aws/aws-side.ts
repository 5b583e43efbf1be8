import { AppError } from '../../shared/errors';
import type { Language } from '../../shared/languages';
import type { Session } from '../auth/session';
import type { ResolvedProfile } from '../config/profile';
import type { Logger } from '../log/logger';
import type { NetTransport } from '../net/transport';
import { createAccountOperations, type AccountOperations } from './account-operations';
import { createIdentityClient, identityPoolRegion } from './aws-clients';
import { createCognitoAdmin, type CognitoAdmin } from './cognito-admin';
import type { AwsCredentialSource } from './credential-set';
import { refuseAll, type ConfirmPort } from './confirm-port';
import { createCredentialsOwner, type AwsCredentialsOwner } from './credentials-owner';
import type { IdentityIdCache } from './identity-id-cache';

/**
 * Everything AWS of one session, made when the session is (app-services.ts attach) and
 * disposed with it: the credentials owner (only for a profile with an identity pool), the
 * admin console over it, and the user's own account operations. Nothing here outlives the
 * session, so a profile switch can never use one profile's credentials for another.
 */
export interface AwsSide {
  /** Present when the profile has an identity pool. */
  readonly credentials: AwsCredentialsOwner | undefined;
  /** Throws CONFIG_INVALID for a profile without an identity pool. */
  readonly admin: CognitoAdmin;
  readonly account: AccountOperations;
  /** The credentials for the API client, usable only while `isActive()` (the session is current). */
  boundCredentials(isActive: () => boolean): AwsCredentialSource | undefined;
  dispose(): void;
}

export interface AwsSideOptions {
  profile: ResolvedProfile;
  session: Session;
  transport: NetTransport;
  identityCache: IdentityIdCache;
  confirm: ConfirmPort | undefined;
  language: () => Language;
  logger: Logger;
  marginMs?: number;
  timeoutMs?: number;
}

const noIdentityPool = () =>
  new AppError(
    'CONFIG_INVALID',
    'This environment has no AWS identity pool, so the user pool cannot be managed here.',
  );

export function createAwsSide(options: AwsSideOptions): AwsSide {
  const { profile, session, transport, logger } = options;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const confirm = options.confirm ?? refuseAll;
  const identity = profile.identityPool ? createIdentityClient(profile, transport, timeoutMs) : undefined;
  const credentials = identity
    ? createCredentialsOwner({
        profile,
        session,
        identity,
        cache: options.identityCache,
        logger,
        ...(options.marginMs === undefined ? {} : { marginMs: options.marginMs }),
      })
    : undefined;
  const admin = credentials
    ? createCognitoAdmin({
        profile,
        transport,
        credentials,
        confirm,
        language: options.language,
        logger,
        timeoutMs,
      })
    : undefined;
  const refusing: CognitoAdmin = {
    listUsers: () => Promise.reject(noIdentityPool()),
    getUser: () => Promise.reject(noIdentityPool()),
    listGroups: () => Promise.reject(noIdentityPool()),
    change: () => Promise.reject(noIdentityPool()),
  };
  const account = createAccountOperations({
    profile,
    transport,
    session,
    confirm,
    language: options.language,
    logger,
    timeoutMs,
  });
  return {
    credentials,
    admin: admin ?? refusing,
    account,
    boundCredentials(isActive) {
      if (!credentials) return undefined;
      const ensure = () => {
        if (!isActive()) {
          throw new AppError(
            'CANCELLED',
            'The request was stopped because the profile changed while it was running; nothing was sent again.',
          );
        }
      };
      return {
        region: profile.region,
        async current() {
          ensure();
          const set = await credentials.current();
          ensure();
          return set;
        },
        async forceRefresh(rejected) {
          ensure();
          const set = await credentials.forceRefresh(rejected);
          ensure();
          return set;
        },
      };
    },
    dispose() {
      credentials?.dispose();
      identity?.destroy();
    },
  };
}

export { identityPoolRegion };
