import { GetIdCommand } from '@aws-sdk/client-cognito-identity';
import type { AwsIdentityView } from '../../shared/session-state';
import { createIdentityClient, identityPoolRegion, loginsKey } from '../aws/aws-clients';
import { awsErrorName, toAwsAppError } from '../aws/aws-errors';
import { IDENTITY_POOL_ID, type ResolvedProfile } from '../config/profile';
import type { NetTransport } from '../net/transport';
import type { CheckResult } from './checks';

/**
 * The doctor's and the diagnostics' look at the profile's identity pool, token- and
 * credential-free in what it reports:
 *  - the pool id parses (`<region>:<uuid>`);
 *  - signed in (the app's diagnostics): GetId with the current ID token in the Logins map
 *    answers, and the role in use (from the credentials owner's token-free view) is named;
 *  - not signed in (the CLI doctor): the endpoint answers GetId without Logins for this pool
 *    (NotAuthorizedException "unauthenticated access is not supported" proves the pool exists;
 *    a pool that allows guests hands out a guest identity id, which is harmless).
 */
export interface SignedInContext {
  idToken: () => Promise<string>;
  view: () => AwsIdentityView | undefined;
}

const ID = 'identity-pool';

export async function checkIdentityPool(
  profile: ResolvedProfile,
  transport: NetTransport,
  signedIn?: SignedInContext,
): Promise<CheckResult[]> {
  const pool = profile.identityPool;
  if (!pool) return [];
  const results: CheckResult[] = [];
  const region = identityPoolRegion(profile);
  if (!IDENTITY_POOL_ID.test(pool.id) || pool.id.split(':')[0] !== region) {
    return [
      {
        id: `${ID}-id`,
        title: 'Identity pool id',
        status: 'fail',
        detail: `identityPool.id "${pool.id}" is not <region>:<uuid> for region ${region}.`,
        fix: 'Copy the identity pool id from the Cognito console (Identity pools > the pool > Identity pool ID).',
      },
    ];
  }
  results.push({
    id: `${ID}-id`,
    title: 'Identity pool id',
    status: 'pass',
    detail: `${pool.id} (region ${region})`,
  });
  const endpoint = pool.endpoint ?? `https://cognito-identity.${region}.amazonaws.com`;
  const client = createIdentityClient(profile, transport, 10_000);
  try {
    let logins: Record<string, string> | undefined;
    if (signedIn) {
      try {
        logins = { [loginsKey(profile)]: await signedIn.idToken() };
      } catch {
        logins = undefined;
      }
    }
    try {
      const out = await client.send(
        new GetIdCommand({ IdentityPoolId: pool.id, ...(logins ? { Logins: logins } : {}) }),
      );
      results.push({
        id: `${ID}-get-id`,
        title: logins ? 'Identity pool accepts your sign-in (GetId)' : 'Identity pool answers (GetId)',
        status: 'pass',
        detail: logins
          ? `Your identity: ${out.IdentityId ?? '(none)'}`
          : `${endpoint} answered; the pool allows guest identities.`,
        network: transport.describe(endpoint),
      });
    } catch (error) {
      const name = awsErrorName(error);
      if (!logins && name === 'NotAuthorizedException') {
        results.push({
          id: `${ID}-get-id`,
          title: 'Identity pool answers (GetId)',
          status: 'pass',
          detail: `${endpoint} answered for ${pool.id} (sign in to check your sign-in against it).`,
          network: transport.describe(endpoint),
        });
      } else {
        const appError = toAwsAppError(error, 'The identity pool');
        results.push({
          id: `${ID}-get-id`,
          title: logins ? 'Identity pool accepts your sign-in (GetId)' : 'Identity pool answers (GetId)',
          status: 'fail',
          detail: appError.message,
          fix:
            name === 'ResourceNotFoundException'
              ? `No identity pool ${pool.id} at ${endpoint}: check identityPool.id and identityPool.region.`
              : name === 'NotAuthorizedException'
                ? `Add this user pool and app client to the identity pool's authentication providers (provider name ${loginsKey(profile)}, app client ${profile.clientId}).`
                : `Check that ${endpoint} is reachable from here (proxy, firewall).`,
          network: transport.describe(endpoint),
        });
      }
    }
    if (signedIn) {
      const view = signedIn.view();
      results.push(
        view?.status === 'ready'
          ? {
              id: `${ID}-role`,
              title: 'AWS role in use',
              status: 'pass',
              detail: `${view.roleName ?? 'the identity pool’s default role'}; credentials renewed before ${new Date(view.expiresAt).toISOString()}.`,
            }
          : {
              id: `${ID}-role`,
              title: 'AWS role in use',
              status: view?.status === 'error' ? 'fail' : 'skip',
              detail:
                view?.status === 'error'
                  ? `No AWS credentials: ${view.error.code}: ${view.error.message}`
                  : 'No AWS credentials yet (not signed in, or still being fetched).',
            },
      );
    }
  } finally {
    client.destroy();
  }
  return results;
}
