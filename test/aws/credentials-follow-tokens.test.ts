/**
 * Credentials follow the session's tokens through its public events only: with 6-second tokens
 * the session refreshes by itself, and each adopted ID token brings new identity-pool
 * credentials (one GetCredentialsForIdentity per refresh, the cached identity id, no second
 * GetId). Sign-out drops them: the published state has no `aws`, and a sigv4 request is refused
 * before anything is signed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionState } from '../../src/shared/session-state';
import { startAwsAppWorld, type AwsAppWorld } from './support/aws-app-world';

let world: AwsAppWorld;
beforeAll(async () => {
  world = await startAwsAppWorld({ tokenLifetimeSeconds: 6 });
});
afterAll(async () => {
  await world?.close();
});

type Ready = Extract<SessionState, { status: 'signed-in' }> & { aws: { status: 'ready'; expiresAt: number } };
const isReady = (s: SessionState): s is Ready => s.status === 'signed-in' && s.aws?.status === 'ready';

describe('credentials follow the tokens', () => {
  it('every ID-token refresh brings new credentials; sign-out drops them', async () => {
    await world.signIn('alice');
    const first = (await world.nextState(isReady)) as Ready;
    const credentialsCalls = () =>
      world.awsTargets().filter((t) => t.endsWith('.GetCredentialsForIdentity')).length;
    expect(credentialsCalls()).toBe(1);

    // The session's own proactive refresh (about 5 s in), then credentials for its ID token.
    const refreshed = (await world.nextState(
      (s) => isReady(s) && s.lastRefreshAt > first.lastRefreshAt && s.aws.expiresAt > first.aws.expiresAt,
    )) as Ready;
    expect(refreshed.aws.identityId).toBe(first.aws.identityId);
    expect(credentialsCalls()).toBe(2);
    expect(world.awsTargets().filter((t) => t.endsWith('.GetId'))).toHaveLength(1);

    await world.ipc('auth:sign-out', { endHostedUiSession: false });
    const out = world.services.session.getState();
    expect(out.status).toBe('signed-out');
    expect(world.states.at(-1)).not.toHaveProperty('aws');
    const refused = await world.ipc('api:request', {
      requestId: 'after',
      api: 'iam',
      method: 'GET',
      path: '/me',
    });
    expect(refused.ok).toBe(false);
    expect(credentialsCalls()).toBe(2);
  });
});
