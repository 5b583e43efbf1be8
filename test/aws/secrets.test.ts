/**
 * Secrets never leave main: after a full session with every AWS operation (sign-in, credentials,
 * a signed API call, the admin console's list, details, groups and a confirmed change, a refused
 * change, the diagnostics export with the identity-pool check, sign out everywhere), no token and
 * no AWS credential value the app received (recorded at its transport), no `eyJ`, no `ASIA` key
 * id and no `SecretKey` / `SessionToken` field is in any IPC message (requests, results, events),
 * any log line or the diagnostics bundle.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionState } from '../../src/shared/session-state';
import { startAwsAppWorld, type AwsAppWorld } from './support/aws-app-world';

let world: AwsAppWorld;
beforeAll(async () => {
  world = await startAwsAppWorld({ sessionTracking: true });
});
afterAll(async () => {
  await world?.close();
});

const ready = (s: SessionState) => s.status === 'signed-in' && s.aws?.status === 'ready';

describe('no secret crosses IPC, reaches a log line or the diagnostics bundle', () => {
  it('a full session with every operation', async () => {
    await world.signIn('alice');
    await world.nextState(ready);
    expect(
      (await world.ipc('api:request', { requestId: 'me', api: 'iam', method: 'GET', path: '/me' })).ok,
    ).toBe(true);
    expect((await world.ipc('aws:admin-list-users', {})).ok).toBe(true);
    expect(
      (await world.ipc('aws:admin-list-users', { search: { attribute: 'username', prefix: 'b' } })).ok,
    ).toBe(true);
    expect((await world.ipc('aws:admin-get-user', { username: 'bob' })).ok).toBe(true);
    expect((await world.ipc('aws:admin-list-groups', {})).ok).toBe(true);
    world.confirm.answers.push(true, false);
    expect(
      (
        await world.ipc('aws:admin-change', {
          username: 'bob',
          change: { op: 'add-to-group', group: 'admin' },
        })
      ).ok,
    ).toBe(true);
    expect((await world.ipc('aws:admin-change', { username: 'bob', change: { op: 'disable' } })).ok).toBe(
      false,
    );
    await world.ipc('account:list-sessions', {});
    const exported = await world.ipc('diagnostics:export', {});
    expect(exported).toMatchObject({ ok: true, value: { saved: true } });
    const bundle = readFileSync(world.diagnosticsFile, 'utf8');
    // The identity pool was checked with the sign-in, and the role in use named.
    expect(bundle).toMatch(/Identity pool accepts your sign-in \(GetId\)/);
    expect(bundle).toMatch(/LocalPoolAdmin/);
    world.confirm.answers.push(true);
    const out = await world.ipc('account:sign-out-everywhere', {});
    expect(out).toMatchObject({ ok: true, value: { status: 'signed-out' } });

    // The recording saw real secrets: tokens and a full set of AWS credentials.
    const values = [...world.secrets];
    expect(values.some((v) => v.startsWith('eyJ'))).toBe(true);
    expect(values.some((v) => /^ASIA[A-Z0-9]{16}$/.test(v))).toBe(true);
    expect(values.length).toBeGreaterThanOrEqual(6);

    const places: Array<[string, string[]]> = [
      ['IPC', world.ipcMessages],
      ['log', world.logLines],
      ['diagnostics', [bundle]],
    ];
    expect(world.ipcMessages.length).toBeGreaterThan(20);
    expect(world.logLines.some((l) => l.includes('AWS credentials obtained'))).toBe(true);
    for (const [where, texts] of places) {
      for (const text of texts) {
        for (const secret of values)
          expect(text.includes(secret), `${where}: ${text.slice(0, 200)}`).toBe(false);
        expect(text, where).not.toMatch(/eyJ|ASIA[A-Z0-9]{16}|SecretKey|SessionToken|secretAccessKey/);
      }
    }
  });
});
