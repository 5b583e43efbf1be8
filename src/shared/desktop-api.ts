import type { EventChannel, EventOf, InvokeChannel, IpcResult, RequestOf, ResponseOf } from './ipc-contract';

/**
 * What the preload gives the page: a transport with exactly two verbs. Over Electron it is
 * ipcRenderer.invoke/on; in tests it is a Playwright binding that calls the real main-side
 * handlers. The page itself never gets the transport, only the named methods below.
 */
export interface DesktopTransport {
  invoke(channel: InvokeChannel, payload: unknown): Promise<unknown>;
  on(channel: EventChannel, listener: (payload: unknown) => void): () => void;
}

export function createDesktopApi(transport: DesktopTransport) {
  // Main answers every invoke with an IpcResult; a rejection means the call never reached a
  // handler (e.g. main still starting). The UI gets the same result shape either way.
  const call = <C extends InvokeChannel>(channel: C, payload: RequestOf<C>) =>
    (transport.invoke(channel, payload) as Promise<IpcResult<ResponseOf<C>>>).catch(
      (): IpcResult<ResponseOf<C>> => ({
        ok: false,
        error: { code: 'INTERNAL', message: 'The app could not handle the request.' },
      }),
    );
  const subscribe =
    <C extends EventChannel>(channel: C) =>
    (listener: (event: EventOf<C>) => void): (() => void) =>
      transport.on(channel, (payload) => listener(payload as EventOf<C>));

  return Object.freeze({
    auth: Object.freeze({
      signIn: (request: RequestOf<'auth:sign-in'> = {}) => call('auth:sign-in', request),
      signInAgain: (request: RequestOf<'auth:sign-in-again'> = {}) => call('auth:sign-in-again', request),
      signInLink: () => call('auth:sign-in-link', {}),
      cancelSignIn: () => call('auth:cancel-sign-in', {}),
      reopenBrowser: () => call('auth:reopen-browser', {}),
      addPasskey: () => call('auth:add-passkey', {}),
      signOut: (options: RequestOf<'auth:sign-out'>) => call('auth:sign-out', options),
    }),
    session: Object.freeze({
      get: () => call('session:get-state', {}),
      retryNow: () => call('session:retry-now', {}),
      onChanged: subscribe('session:changed'),
    }),
    profiles: Object.freeze({
      list: () => call('profiles:list', {}),
      switch: (request: RequestOf<'profiles:switch'>) => call('profiles:switch', request),
      save: (request: RequestOf<'profiles:save'>) => call('profiles:save', request),
      remove: (request: RequestOf<'profiles:remove'>) => call('profiles:remove', request),
    }),
    api: Object.freeze({
      request: (request: RequestOf<'api:request'>) => call('api:request', request),
      cancel: (request: RequestOf<'api:cancel-request'>) => call('api:cancel-request', request),
    }),
    system: Object.freeze({
      preferredLanguages: () => call('system:preferred-languages', {}),
    }),
    app: Object.freeze({
      about: () => call('app:about', {}),
      onCommand: subscribe('app:command'),
    }),
    settings: Object.freeze({
      get: () => call('settings:get', {}),
      update: (patch: RequestOf<'settings:update'>) => call('settings:update', patch),
      onChanged: subscribe('settings:changed'),
    }),
    diagnostics: Object.freeze({
      export: () => call('diagnostics:export', {}),
    }),
    updates: Object.freeze({
      get: () => call('updates:get-state', {}),
      restart: () => call('updates:restart', {}),
      onChanged: subscribe('updates:changed'),
    }),
    policy: Object.freeze({
      get: () => call('policy:get', {}),
    }),
    admin: Object.freeze({
      listUsers: (request: RequestOf<'aws:admin-list-users'> = {}) => call('aws:admin-list-users', request),
      getUser: (request: RequestOf<'aws:admin-get-user'>) => call('aws:admin-get-user', request),
      listGroups: () => call('aws:admin-list-groups', {}),
      change: (request: RequestOf<'aws:admin-change'>) => call('aws:admin-change', request),
    }),
    account: Object.freeze({
      signOutEverywhere: () => call('account:sign-out-everywhere', {}),
      listSessions: () => call('account:list-sessions', {}),
      revoke: (request: RequestOf<'account:revoke-session'>) => call('account:revoke-session', request),
    }),
  });
}

export type DesktopApi = ReturnType<typeof createDesktopApi>;
