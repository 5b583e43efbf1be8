import { CognitoIdentityClient } from '@aws-sdk/client-cognito-identity';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { AwsCredentialIdentity } from '@smithy/types';
import type { ResolvedProfile } from '../config/profile';
import type { NetTransport } from '../net/transport';
import { transportRequestHandler } from './transport-request-handler';

/**
 * The two AWS SDK clients the app uses, configured so that nothing comes from the machine's AWS
 * setup: region, endpoint and credentials are the profile's and the identity pool's only (no
 * ~/.aws files, no AWS_* variables, no instance metadata), and every request goes through the
 * app's NetTransport. Retries are the SDK's, kept short: a person is waiting.
 */
const COMMON = {
  maxAttempts: 2,
  useFipsEndpoint: false,
  useDualstackEndpoint: false,
} as const;

export function identityPoolRegion(profile: ResolvedProfile): string {
  const pool = profile.identityPool;
  return pool?.region ?? pool?.id.split(':')[0] ?? profile.region;
}

/** Cognito Identity (GetId, GetCredentialsForIdentity): unsigned calls, the ID token is the proof. */
export function createIdentityClient(profile: ResolvedProfile, transport: NetTransport, timeoutMs: number) {
  const endpoint = profile.identityPool?.endpoint;
  return new CognitoIdentityClient({
    ...COMMON,
    region: identityPoolRegion(profile),
    ...(endpoint ? { endpoint } : {}),
    requestHandler: transportRequestHandler(transport, { timeoutMs }),
    // GetId and GetCredentialsForIdentity take no AWS signature; these are never used to sign,
    // and given here so the SDK never looks for the machine's credentials.
    credentials: { accessKeyId: 'unused', secretAccessKey: 'unused' },
  });
}

/**
 * The user-pool API. `credentials` signs the admin operations (SigV4 with the identity pool's
 * credentials); the access-token operations (GlobalSignOut) are unsigned and ignore it.
 */
export function createUserPoolClient(
  profile: ResolvedProfile,
  transport: NetTransport,
  timeoutMs: number,
  credentials?: () => Promise<AwsCredentialIdentity>,
) {
  return new CognitoIdentityProviderClient({
    ...COMMON,
    region: profile.region,
    ...(profile.userPoolEndpoint ? { endpoint: profile.userPoolEndpoint } : {}),
    requestHandler: transportRequestHandler(transport, { timeoutMs }),
    credentials:
      credentials ??
      (() => Promise.reject(new Error('This call needs AWS credentials, and none were given.'))),
  });
}

/** The identity pool's `Logins` key for this profile's user pool: the issuer without its scheme. */
export function loginsKey(profile: ResolvedProfile): string {
  return profile.issuer.replace(/^https?:\/\//, '');
}
