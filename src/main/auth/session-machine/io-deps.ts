/** What the runner's effects reach: the world outside the pure machine. */
import { AppError, isAppError, type ErrorCode } from '../../../shared/errors';
import type { ResolvedProfile } from '../../config/profile';
import type { Logger } from '../../log/logger';
import type { NetTransport } from '../../net/transport';
import type { Clock } from '../clock';
import type { CredentialStore } from '../credential-store';
import type { OidcClient } from '../oidc-client';
import type { TokenExpiryEstimator } from '../token-expiry-estimator';
import type { TokenVerifier } from '../token-verifier';
import type { Info } from './states';

export type OidcAccess = () => Promise<{ oidc: OidcClient; verifier: TokenVerifier }>;

export interface IoDeps {
  profile: ResolvedProfile;
  log: Logger;
  clock: Clock;
  store: CredentialStore;
  /** Requests that do not go to this profile's provider (revoking a foreign session where it was issued). */
  transport: NetTransport;
  getOidc: OidcAccess;
  openExternal: (url: string) => Promise<void>;
  expiry: TokenExpiryEstimator;
  signInMs: number;
  revokeMs: number;
  hostedUiLanguage?: () => string | undefined;
  allowMemoryOnly?: boolean;
}

export const toInfo = (err: unknown, fallback = 'Sign-in failed.'): Info => {
  const e = isAppError(err) ? err : new AppError('INTERNAL', fallback);
  return { code: e.code, message: e.message, ...(e.status === undefined ? {} : { status: e.status }) };
};

export const toAppError = (info: Info): AppError =>
  new AppError(
    info.code as ErrorCode,
    info.message,
    info.status === undefined ? undefined : { status: info.status },
  );
