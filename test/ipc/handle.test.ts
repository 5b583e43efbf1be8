import { SignJWT } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApiClient } from '../../src/main/http/api-client';
import { registerInvokeHandlers } from '../../src/main/ipc/handle';
import { createHandlers } from '../../src/main/ipc/handlers';
import { createInProcessRegistrar, type InProcessRegistrar } from '../../src/main/ipc/in-process-registrar';
import { createSenderCheck, type IpcSender } from '../../src/main/ipc/senders';
import { AppError } from '../../src/shared/errors';
import { invokeChannels, resultSchema, type InvokeChannel } from '../../src/shared/ipc-contract';
import { TestTokenAuthority, startTestApi, type Listener } from '../http/loopback-servers';
import { RecordingProfiles, RecordingSession } from './controllers';

const APP_FILE_URL = 'file:///opt/Cognito%20Desktop/resources/app.asar/out/renderer/index.html';
const DEV_URL = 'http://localhost:5173/';
const APP_ID = 7;

const trusted: IpcSender = {
  id: APP_ID,
  mainFrameUrl: APP_FILE_URL,
  senderFrame: { url: APP_FILE_URL, isMainFrame: true },
};

describe('handle(): sender check, then payload validation, then the handler', () => {
  let registrar: InProcessRegistrar;
  let session: RecordingSession;
  let profiles: RecordingProfiles;
  let authority: TestTokenAuthority;
  let api: Listener;
  const logs: string[] = [];

  beforeAll(async () => {
    authority = new TestTokenAuthority();
    api = await startTestApi(authority);
  });
  afterAll(async () => {
    await api.close();
  });

  beforeEach(() => {
    session = new RecordingSession();
    profiles = new RecordingProfiles();
    registrar = createInProcessRegistrar();
    logs.length = 0;
    registerInvokeHandlers(
      {
        registrar,
        senderCheck: createSenderCheck({
          appUrls: [APP_FILE_URL, DEV_URL, 'app://bundle/index.html'],
          isAppWebContents: (id) => id === APP_ID,
        }),
        log: (line) => logs.push(line),
      },
      createHandlers({
        session,
        profiles,
        api: createApiClient({ apis: () => [{ name: 'demo', baseUrl: api.origin }], tokens: authority }),
      }).invoke,
    );
  });

  const untrusted: Array<[string, IpcSender]> = [
    ['a subframe of the app page', { ...trusted, senderFrame: { url: APP_FILE_URL, isMainFrame: false } }],
    [
      'a subframe from another origin',
      { ...trusted, senderFrame: { url: 'https://evil.test/frame.html', isMainFrame: false } },
    ],
    [
      'the main frame after navigating to another origin',
      {
        ...trusted,
        mainFrameUrl: 'https://evil.test/',
        senderFrame: { url: 'https://evil.test/', isMainFrame: true },
      },
    ],
    [
      'another file:// page',
      {
        ...trusted,
        mainFrameUrl: 'file:///tmp/evil.html',
        senderFrame: { url: 'file:///tmp/evil.html', isMainFrame: true },
      },
    ],
    [
      'a dev-server look-alike port',
      {
        ...trusted,
        mainFrameUrl: 'http://localhost:5174/',
        senderFrame: { url: 'http://localhost:5174/', isMainFrame: true },
      },
    ],
    [
      'a custom protocol with another host',
      {
        ...trusted,
        mainFrameUrl: 'app://evil/index.html',
        senderFrame: { url: 'app://evil/index.html', isMainFrame: true },
      },
    ],
    ['an unknown webContents', { ...trusted, id: 99 }],
    ['a null senderFrame', { ...trusted, senderFrame: null }],
    ['an unparsable URL', { ...trusted, senderFrame: { url: 'not a url', isMainFrame: true } }],
  ];

  it.each(untrusted)(
    '%s -> IPC_UNTRUSTED_SENDER on every channel, handler not reached',
    async (_name, sender) => {
      for (const channel of Object.keys(invokeChannels) as InvokeChannel[]) {
        const result = await registrar.invoke(channel, sender, {});
        expect(result, channel).toEqual({
          ok: false,
          error: { code: 'IPC_UNTRUSTED_SENDER', message: 'This window may not use the app.' },
        });
      }
      // The sender check comes first: even a valid-looking api request never reached the network.
      await registrar.invoke('api:request', sender, {
        requestId: 'a',
        api: 'demo',
        method: 'GET',
        path: '/me',
      });
      expect(session.calls).toEqual([]);
      expect(profiles.calls).toEqual([]);
      expect(api.connections).toBe(0);
      expect(logs.some((l) => l.includes('untrusted sender'))).toBe(true);
    },
  );

  it.each([
    ['the built file:// page', APP_FILE_URL],
    ['the dev server', 'http://localhost:5173/#/session'],
    ['the custom app protocol', 'app://bundle/index.html?x=1'],
  ])('trusts %s', async (_name, url) => {
    const result = await registrar.invoke(
      'session:get-state',
      { id: APP_ID, mainFrameUrl: url, senderFrame: { url, isMainFrame: true } },
      {},
    );
    expect(result).toEqual({ ok: true, value: session.state });
  });

  const invalid: Array<[string, InvokeChannel, unknown]> = [
    ['an unknown key', 'auth:sign-in', { extra: 1 }],
    ['no payload at all', 'auth:sign-out', undefined],
    ['a wrong type', 'auth:sign-out', { endHostedUiSession: 'yes' }],
    ['a string instead of an object', 'session:get-state', 'x'],
    ['an array', 'auth:sign-in', []],
    [
      'a JSON __proto__ key',
      'auth:sign-out',
      JSON.parse('{"endHostedUiSession":true,"__proto__":{"polluted":1}}'),
    ],
    [
      'a nested __proto__ key',
      'api:request',
      JSON.parse(
        '{"requestId":"a","api":"demo","method":"POST","path":"/notes","body":{"a":[{"__proto__":{"x":1}}]}}',
      ),
    ],
    [
      'a constructor key',
      'api:request',
      {
        requestId: 'a',
        api: 'demo',
        method: 'POST',
        path: '/notes',
        body: { constructor: { prototype: 1 } },
      },
    ],
    ['a prototype key', 'profiles:switch', { profileId: 'local', prototype: 1 }],
    [
      'an oversized body',
      'api:request',
      { requestId: 'a', api: 'demo', method: 'POST', path: '/notes', body: 'x'.repeat(2 * 1024 * 1024) },
    ],
    [
      'a body just over the API body cap',
      'api:request',
      { requestId: 'a', api: 'demo', method: 'POST', path: '/notes', body: 'x'.repeat(600 * 1024) },
    ],
    [
      'a deeply nested body',
      'api:request',
      { requestId: 'a', api: 'demo', method: 'POST', path: '/notes', body: deep(200) },
    ],
    [
      'a Date (not plain data)',
      'api:request',
      { requestId: 'a', api: 'demo', method: 'POST', path: '/notes', body: new Date() },
    ],
    [
      'a Map',
      'api:request',
      { requestId: 'a', api: 'demo', method: 'POST', path: '/notes', body: new Map() },
    ],
    [
      'a function',
      'api:request',
      { requestId: 'a', api: 'demo', method: 'GET', path: '/me', headers: () => 1 },
    ],
    ['a bad method', 'api:request', { requestId: 'a', api: 'demo', method: 'TRACE', path: '/me' }],
    ['a bad request id', 'api:request', { requestId: '../x', api: 'demo', method: 'GET', path: '/me' }],
    [
      'a URL as the API name',
      'api:request',
      { requestId: 'a', api: 'https://evil.test', method: 'GET', path: '/me' },
    ],
    [
      'a body on GET',
      'api:request',
      { requestId: 'a', api: 'demo', method: 'GET', path: '/me', body: { a: 1 } },
    ],
    [
      'too many headers',
      'api:request',
      { requestId: 'a', api: 'demo', method: 'GET', path: '/me', headers: manyHeaders(40) },
    ],
    [
      'a timeout out of range',
      'api:request',
      { requestId: 'a', api: 'demo', method: 'GET', path: '/me', timeoutMs: 10 },
    ],
    ['a profile id with a path', 'profiles:switch', { profileId: '../../etc' }],
  ];

  it.each(invalid)(
    '%s -> IPC_INVALID_ARGUMENT, nothing reached a controller or the network',
    async (_name, channel, payload) => {
      const result = await registrar.invoke(channel, trusted, payload);
      expect(result.ok).toBe(false);
      expect(!result.ok && result.error.code).toBe('IPC_INVALID_ARGUMENT');
      expect(resultSchema(invokeChannels[channel].response).safeParse(result).success).toBe(true);
      expect(session.calls).toEqual([]);
      expect(profiles.calls).toEqual([]);
      expect(api.connections).toBe(0);
      expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    },
  );

  it('a handler throwing AppError crosses as { code, message }, redacted', async () => {
    const result = await registrar.invoke('auth:reopen-browser', trusted, {});
    expect(result).toEqual({
      ok: false,
      error: { code: 'SIGN_IN_REQUIRED', message: 'No sign-in is in progress.' },
    });
    const status = await registrar.invoke('profiles:switch', trusted, { profileId: 'nope' });
    expect(status).toEqual({
      ok: false,
      error: { code: 'CONFIG_INVALID', message: 'No profile named "nope".' },
    });
  });

  it('a real library error carrying a token becomes INTERNAL with no stack or token; the log is redacted', async () => {
    // A JWT-shaped token (the app's access and ID tokens are JWTs), signed for real so its shape is
    // the genuine one, not a hand-made look-alike.
    const jwt = await new SignJWT({ sub: 'user-1', token_use: 'access' })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode('handle-test-key-handle-test-key!'));
    // undici refuses a URL with credentials and quotes the whole URL, token included, in its
    // message: a real library error a handler could let escape.
    const real = await fetch(`http://user:${jwt}@127.0.0.1:9/?access_token=${jwt}`).catch((e: unknown) => e);
    expect(real).toBeInstanceOf(TypeError);
    expect((real as Error).message).toContain(jwt);
    session.signIn = async () => {
      throw real;
    };
    const result = await registrar.invoke('auth:sign-in', trusted, {});
    expect(result).toEqual({
      ok: false,
      error: { code: 'INTERNAL', message: 'Something went wrong inside the app.' },
    });
    expect(logs.join('\n')).toContain('ipc: unexpected TypeError: Request cannot be constructed');
    expect(logs.join('\n')).not.toContain(jwt);
    expect(logs.join('\n')).not.toContain(jwt.split('.')[2]);

    // The same text inside a coded error (a mapping that forwarded library text): the code
    // crosses, the message crosses redacted, the token does not.
    session.signOut = async () => {
      throw new AppError('IDP_ERROR', `revoke failed: ${(real as Error).message}`);
    };
    const out = await registrar.invoke('auth:sign-out', trusted, { endHostedUiSession: true });
    expect(out).toMatchObject({
      ok: false,
      error: {
        code: 'IDP_ERROR',
        message: expect.stringContaining('revoke failed: Request cannot be constructed'),
      },
    });
    expect(JSON.stringify(out)).not.toContain(jwt);
    expect(JSON.stringify(out)).not.toContain(jwt.split('.')[2]);
  });

  it('valid requests reach their handler and return contract-shaped results', async () => {
    const signIn = await registrar.invoke('auth:sign-in', trusted, {});
    expect(signIn).toMatchObject({ ok: true, value: { status: 'signed-in' } });
    const me = await registrar.invoke('api:request', trusted, {
      requestId: 'ok1',
      api: 'demo',
      method: 'GET',
      path: '/me',
    });
    expect(me).toMatchObject({
      ok: true,
      value: { status: 200, body: { kind: 'json', value: { sub: 'user-1' } } },
    });
    for (const [channel, result] of [
      ['auth:sign-in', signIn],
      ['api:request', me],
    ] as const) {
      expect(resultSchema(invokeChannels[channel].response).safeParse(result).success).toBe(true);
    }
    expect(session.calls.map((c) => c.method)).toEqual(['signIn']);
  });
});

function deep(levels: number): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
}

function manyHeaders(n: number): Record<string, string> {
  return Object.fromEntries(Array.from({ length: n }, (_, i) => [`x-h${i}`, 'v']));
}
