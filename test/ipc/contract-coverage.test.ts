import { describe, expect, it } from 'vitest';
import { registerInvokeHandlers, type IpcRegistrar } from '../../src/main/ipc/handle';
import { createHandlers } from '../../src/main/ipc/handlers';
import { createSenderCheck } from '../../src/main/ipc/senders';
import { createDesktopApi, type DesktopTransport } from '../../src/shared/desktop-api';
import { eventChannels, invokeChannels } from '../../src/shared/ipc-contract';
import type { ApiClient } from '../../src/main/http/api-client';
import { RecordingProfiles, RecordingSession } from './controllers';

const contractInvoke = Object.keys(invokeChannels).sort();
const contractEvents = Object.keys(eventChannels).sort();

/** Every function reachable on the API object, as dotted paths. */
function methodPaths(value: object, prefix = ''): string[] {
  return Object.entries(value).flatMap(([key, member]) =>
    typeof member === 'function' ? [`${prefix}${key}`] : methodPaths(member as object, `${prefix}${key}.`),
  );
}

describe('contract coverage', () => {
  it('main registers exactly one handler per invoke channel, through handle()', () => {
    const registered: string[] = [];
    const registrar: IpcRegistrar = { handle: (channel) => void registered.push(channel) };
    const api: ApiClient = { request: async () => Promise.reject(new Error('unused')), cancel: () => false };
    registerInvokeHandlers(
      { registrar, senderCheck: createSenderCheck({ appUrls: [], isAppWebContents: () => false }) },
      createHandlers({ session: new RecordingSession(), profiles: new RecordingProfiles(), api }).invoke,
    );
    expect([...registered].sort()).toEqual(contractInvoke);
    expect(new Set(registered).size).toBe(registered.length);
  });

  it('the preload API has exactly one named method per channel, and nothing generic', async () => {
    const invoked: string[] = [];
    const subscribed: string[] = [];
    const all: string[] = [];
    const transport: DesktopTransport = {
      invoke: async (channel) => {
        invoked.push(channel);
        all.push(channel);
        return { ok: true, value: null };
      },
      on: (channel) => {
        subscribed.push(channel);
        all.push(channel);
        return () => undefined;
      },
    };
    const desktop = createDesktopApi(transport);
    const paths = methodPaths(desktop);
    const byPath = new Map<string, string>();
    for (const path of paths) {
      const [group, name] = path.split('.') as [string, string];
      const fn = (desktop as unknown as Record<string, Record<string, (arg?: unknown) => unknown>>)[group]?.[
        name
      ];
      const before = all.length;
      // Arguments do not matter here: the factory passes them through; validation is main's job.
      const out = fn?.({
        endHostedUiSession: false,
        profileId: 'p',
        requestId: 'r',
        api: 'a',
        method: 'GET',
        path: '/',
      });
      if (typeof out === 'function') (out as () => void)();
      else await out;
      const calls = all.slice(before);
      expect(calls, path).toHaveLength(1);
      byPath.set(path, calls[0] ?? '');
    }
    expect([...invoked].sort()).toEqual(contractInvoke);
    expect([...subscribed].sort()).toEqual(contractEvents);
    expect(paths).toHaveLength(contractInvoke.length + contractEvents.length);
    expect(paths.some((p) => /invoke|send|ipc|on$/i.test(p.split('.').at(-1) ?? ''))).toBe(false);
    expect(Object.isFrozen(desktop)).toBe(true);
    expect(Object.fromEntries(byPath)).toEqual({
      'auth.signIn': 'auth:sign-in',
      'auth.signInAgain': 'auth:sign-in-again',
      'auth.signInLink': 'auth:sign-in-link',
      'auth.cancelSignIn': 'auth:cancel-sign-in',
      'auth.reopenBrowser': 'auth:reopen-browser',
      'auth.addPasskey': 'auth:add-passkey',
      'auth.signOut': 'auth:sign-out',
      'session.get': 'session:get-state',
      'session.retryNow': 'session:retry-now',
      'session.onChanged': 'session:changed',
      'profiles.list': 'profiles:list',
      'profiles.switch': 'profiles:switch',
      'api.request': 'api:request',
      'api.cancel': 'api:cancel-request',
      'system.preferredLanguages': 'system:preferred-languages',
      'app.about': 'app:about',
      'app.onCommand': 'app:command',
      'settings.get': 'settings:get',
      'settings.update': 'settings:update',
      'settings.onChanged': 'settings:changed',
      'diagnostics.export': 'diagnostics:export',
      'updates.get': 'updates:get-state',
      'updates.restart': 'updates:restart',
      'updates.onChanged': 'updates:changed',
      'policy.get': 'policy:get',
      'profiles.save': 'profiles:save',
      'profiles.remove': 'profiles:remove',
      'admin.listUsers': 'aws:admin-list-users',
      'admin.getUser': 'aws:admin-get-user',
      'admin.listGroups': 'aws:admin-list-groups',
      'admin.change': 'aws:admin-change',
      'account.signOutEverywhere': 'account:sign-out-everywhere',
      'account.listSessions': 'account:list-sessions',
      'account.revoke': 'account:revoke-session',
    });
  });
});

describe('the preload factory', () => {
  it('turns a transport rejection into an IpcResult, so page code never sees a raw IPC error', async () => {
    const desktop = createDesktopApi({
      invoke: async () => {
        throw new Error("Error invoking remote method 'session:get-state': No handler registered");
      },
      on: () => () => undefined,
    });
    expect(await desktop.session.get()).toEqual({
      ok: false,
      error: { code: 'INTERNAL', message: 'The app could not handle the request.' },
    });
  });
});
