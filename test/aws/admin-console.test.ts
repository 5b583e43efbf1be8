/**
 * The Admin page's main side on the real user pool, through the real IPC pipeline of
 * createAppServices: alice (admin role) lists and searches users page by page, opens bob, adds
 * him to a group and removes him, disables and enables him (bob's own refresh then fails and
 * works again) and signs him out everywhere; each change only after the stand-in dialog says yes,
 * whose text names the operation and the user. bob (staff role) gets AWS_ACCESS_DENIED ("Your
 * role cannot do this") and can still call the IAM API; "Sign out everywhere" ends his sessions.
 */
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminPoolUserDetail, AdminUserList } from '../../src/shared/ipc-contract';
import type { SessionState } from '../../src/shared/session-state';
import { signInWithBrowser } from '../../tools/support/pool-sign-in';
import { startAwsAppWorld, type AwsAppWorld } from './support/aws-app-world';

let world: AwsAppWorld;
let discovery: oidc.Configuration;
beforeAll(async () => {
  world = await startAwsAppWorld();
  discovery = await oidc.discovery(
    new URL(world.pool.issuer),
    world.definition.clients[0]!.clientId,
    undefined,
    oidc.None(),
    {
      execute: [oidc.allowInsecureRequests],
    },
  );
});
afterAll(async () => {
  await world?.close();
});

const ready = (s: SessionState) => s.status === 'signed-in' && s.aws?.status === 'ready';
async function ok<T>(
  promise: Promise<{ ok: boolean; value?: unknown; error?: { code: string; message: string } }>,
) {
  const result = await promise;
  if (!result.ok) throw new Error(`IPC error ${result.error?.code}: ${result.error?.message}`);
  return result.value as T;
}
async function refreshTokenOf(username = 'bob', password = 'Bob-demo-1!'): Promise<string> {
  const tokens = await signInWithBrowser(world.pool, {
    clientId: world.definition.clients[0]!.clientId,
    username,
    password,
    redirectUri: world.callback,
    scopes: ['openid', 'email', 'profile'],
  });
  return tokens.refresh_token!;
}
const refreshWorks = (refreshToken: string) =>
  oidc.refreshTokenGrant(discovery, refreshToken).then(
    () => true,
    (error: unknown) => {
      if (error instanceof oidc.ResponseBodyError && error.error === 'invalid_grant') return false;
      throw error;
    },
  );

describe('the Admin page on the user pool (main side, real IPC pipeline)', () => {
  it('alice lists and searches users page by page, adds bob to a group and removes him, each after a confirmed dialog naming him', async () => {
    await world.signIn('alice');
    await world.nextState(ready);

    const first = await ok<AdminUserList>(world.ipc('aws:admin-list-users', {}));
    expect(first.users).toHaveLength(25);
    expect(first.paginationToken).not.toBeNull();
    const second = await ok<AdminUserList>(
      world.ipc('aws:admin-list-users', { paginationToken: first.paginationToken! }),
    );
    const all = [...first.users, ...second.users].map((u) => u.username);
    expect(new Set(all).size).toBe(all.length);
    expect(all).toEqual(expect.arrayContaining(['alice', 'bob', 'user01', 'user30']));

    const search = await ok<AdminUserList>(
      world.ipc('aws:admin-list-users', { search: { attribute: 'username', prefix: 'bo' } }),
    );
    expect(search.users.map((u) => u.username)).toEqual(['bob']);
    const byEmail = await ok<AdminUserList>(
      world.ipc('aws:admin-list-users', { search: { attribute: 'email', prefix: 'alice@' } }),
    );
    expect(byEmail.users.map((u) => u.username)).toEqual(['alice']);
    // The page cannot write its own Filter expression.
    const injected = await world.ipc('aws:admin-list-users', {
      search: { attribute: 'username', prefix: 'b" or username ^= "' },
    });
    expect(injected.ok).toBe(false);

    const bob = await ok<AdminPoolUserDetail>(world.ipc('aws:admin-get-user', { username: 'bob' }));
    expect(bob.groups).toEqual(['staff']);
    expect(bob.enabled).toBe(true);
    expect(bob.attributes.find((a) => a.name === 'email')?.value).toBe('bob@example.com');

    // The person says no: nothing is sent, nothing changes.
    world.confirm.answers.push(false);
    const refused = await world.ipc('aws:admin-change', {
      username: 'bob',
      change: { op: 'add-to-group', group: 'admin' },
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'NOT_CONFIRMED' } });
    expect(world.confirm.asked.at(-1)?.message).toBe('Add the user "bob" to the group "admin"?');
    expect(
      (await ok<AdminPoolUserDetail>(world.ipc('aws:admin-get-user', { username: 'bob' }))).groups,
    ).toEqual(['staff']);
    expect(world.awsTargets().filter((t) => t.endsWith('.AdminAddUserToGroup'))).toHaveLength(0);

    world.confirm.answers.push(true);
    const added = await ok<AdminPoolUserDetail>(
      world.ipc('aws:admin-change', { username: 'bob', change: { op: 'add-to-group', group: 'admin' } }),
    );
    expect([...added.groups].sort()).toEqual(['admin', 'staff']);
    world.confirm.answers.push(true);
    const removed = await ok<AdminPoolUserDetail>(
      world.ipc('aws:admin-change', { username: 'bob', change: { op: 'remove-from-group', group: 'admin' } }),
    );
    expect(removed.groups).toEqual(['staff']);
    expect(world.confirm.asked.at(-1)).toMatchObject({
      message: 'Remove the user "bob" from the group "admin"?',
      confirmLabel: 'Remove from group',
    });
  });

  it("disable makes bob's refresh fail, enable makes it work again; signing a user out everywhere ends theirs", async () => {
    const refreshToken = await refreshTokenOf();
    expect(await refreshWorks(refreshToken)).toBe(true);
    world.confirm.answers.push(true);
    const disabled = await ok<AdminPoolUserDetail>(
      world.ipc('aws:admin-change', { username: 'bob', change: { op: 'disable' } }),
    );
    expect(disabled.enabled).toBe(false);
    expect(world.confirm.asked.at(-1)?.message).toBe('Disable the user "bob"?');
    expect(await refreshWorks(refreshToken)).toBe(false);
    world.confirm.answers.push(true);
    const enabled = await ok<AdminPoolUserDetail>(
      world.ipc('aws:admin-change', { username: 'bob', change: { op: 'enable' } }),
    );
    expect(enabled.enabled).toBe(true);
    expect(await refreshWorks(refreshToken)).toBe(true);

    // Signing a user out everywhere (user01: bob signs in again below, and the pool's revocation
    // time is whole seconds) ends that user's refresh tokens.
    const user01 = await refreshTokenOf('user01', 'User-demo-1!');
    expect(await refreshWorks(user01)).toBe(true);
    world.confirm.answers.push(true);
    await ok(world.ipc('aws:admin-change', { username: 'user01', change: { op: 'global-sign-out' } }));
    expect(world.confirm.asked.at(-1)?.message).toBe('Sign the user "user01" out everywhere?');
    expect(await refreshWorks(user01)).toBe(false);
  });

  it('bob (staff) gets "Your role cannot do this" on the Admin operations, still calls the IAM API, and signs out everywhere', async () => {
    await ok(world.ipc('auth:sign-out', { endHostedUiSession: false }));
    await world.signIn('bob');
    const state = await world.nextState(ready);
    if (state.status !== 'signed-in' || state.aws?.status !== 'ready') throw new Error('no credentials');
    expect(state.aws.roleName).toBe('LocalPoolStaff');

    const denied = await world.ipc('aws:admin-list-users', {});
    expect(denied).toMatchObject({ ok: false, error: { code: 'AWS_ACCESS_DENIED', status: 400 } });
    if (!denied.ok) expect(denied.error.message).toMatch(/^Your role cannot do this\./);
    world.confirm.answers.push(true);
    const change = await world.ipc('aws:admin-change', { username: 'alice', change: { op: 'disable' } });
    expect(change).toMatchObject({ ok: false, error: { code: 'AWS_ACCESS_DENIED' } });

    const me = await ok<{ status: number }>(
      world.ipc('api:request', { requestId: 'bob-me', api: 'iam', method: 'GET', path: '/me' }),
    );
    expect(me.status).toBe(200);

    const other = await refreshTokenOf();
    world.confirm.answers.push(false);
    expect(await world.ipc('account:sign-out-everywhere', {})).toMatchObject({
      ok: false,
      error: { code: 'NOT_CONFIRMED' },
    });
    expect(world.services.session.getState().status).toBe('signed-in');
    world.confirm.answers.push(true);
    const out = await ok<SessionState>(world.ipc('account:sign-out-everywhere', {}));
    expect(out.status).toBe('signed-out');
    expect(world.confirm.asked.at(-1)?.message).toBe('Sign out everywhere as "bob"?');
    // The refresh token of his other device stopped working too.
    expect(await refreshWorks(other)).toBe(false);
    expect(world.awsTargets()).toContain('AWSCognitoIdentityProviderService.GlobalSignOut');
  });
});
