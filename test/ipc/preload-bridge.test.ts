import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient } from '../../src/main/http/api-client';
import { createHandlers } from '../../src/main/ipc/handlers';
import { createDesktopApi, type DesktopApi } from '../../src/shared/desktop-api';
import { eventChannels, invokeChannels } from '../../src/shared/ipc-contract';
import { launchBrowser } from '../../tools/support/browser';
import { installTestTransport, type TestTransport } from '../support/test-transport';
import { TestTokenAuthority, startTestApi, type Listener } from '../http/loopback-servers';
import { RecordingProfiles, RecordingSession } from './controllers';

// The page's window, as these evaluate() callbacks see it (this node-side project has no DOM lib).
declare const window: { readonly desktop: DesktopApi } & Record<string, unknown>;

/** Serves the "app page" and a page on another origin (two loopback servers, free ports). */
async function startPageServer(body: (origin: string) => string) {
  const server = http.createServer((req, res) => {
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    res
      .writeHead(200, { 'content-type': 'text/html' })
      .end(req.url === '/frame.html' ? '<p>frame</p>' : body(origin));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { origin, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/**
 * The surface createDesktopApi builds, learnt by calling every method once over a recording
 * transport: groups and members in order, and the channel each method uses. A method added to
 * the contract and the factory by anyone shows up here without editing this test.
 */
function desktopSurface() {
  type Call = { kind: 'invoke' | 'on'; channel: string };
  const seen: { last?: Call } = {};
  // Read through a function: TypeScript would narrow `seen.last` to undefined after the reset.
  const lastCall = (): Call | undefined => seen.last;
  const api = createDesktopApi({
    invoke: async (channel) => {
      seen.last = { kind: 'invoke', channel };
      return { ok: true, value: null };
    },
    on: (channel) => {
      seen.last = { kind: 'on', channel };
      return () => undefined;
    },
  }) as unknown as Record<string, Record<string, (arg?: unknown) => unknown>>;
  const members: Record<string, string[]> = {};
  const channelOf: Record<string, string> = {};
  const invokeCalls: Array<[string, string, unknown]> = [];
  for (const group of Reflect.ownKeys(api).map(String)) {
    members[group] = Reflect.ownKeys(api[group]!).map(String);
    for (const member of members[group]) {
      delete seen.last;
      // A function serves as a listener for subscriptions and is ignored as an invoke payload.
      void api[group]![member]!(() => undefined);
      const call = lastCall();
      channelOf[`${group}.${member}`] = call?.channel ?? '';
      // In the page the invokes carry {}: only the channel matters, the pipeline may refuse it.
      if (call?.kind === 'invoke') invokeCalls.push([group, member, {}]);
    }
  }
  return { members, channelOf, invokeCalls };
}

describe('window.desktop in Chromium over the test transport', () => {
  let browser: Browser;
  let page: Page;
  let transport: TestTransport;
  let authority: TestTokenAuthority;
  let api: Listener;
  let app: Awaited<ReturnType<typeof startPageServer>>;
  let other: Awaited<ReturnType<typeof startPageServer>>;
  const session = new RecordingSession();

  beforeAll(async () => {
    authority = new TestTokenAuthority();
    api = await startTestApi(authority);
    other = await startPageServer(() => '<p>other origin</p>');
    app = await startPageServer(
      (origin) =>
        `<!doctype html><title>app</title><iframe id="same" src="${origin}/frame.html"></iframe>` +
        `<iframe id="cross" src="${other.origin}/frame.html"></iframe>`,
    );
    browser = await launchBrowser();
    page = await browser.newPage();
    transport = await installTestTransport(
      page,
      createHandlers({
        session,
        profiles: new RecordingProfiles(),
        api: createApiClient({ apis: () => [{ name: 'demo', baseUrl: api.origin }], tokens: authority }),
      }),
      { appUrl: `${app.origin}/index.html` },
    );
    await page.goto(`${app.origin}/index.html`);
  });

  afterAll(async () => {
    await transport?.dispose();
    await browser?.close();
    await Promise.all([api?.close(), app?.close(), other?.close()]);
  });

  it('runs the built preload, which exposes exactly window.desktop: one method per contract channel, nothing else', async () => {
    // What the preload asked of Electron: the electron module only, one exposed key, no refused call.
    const main = transport.preloadRuns.filter((r) => r.isMainFrame);
    expect(main.at(-1)).toEqual({
      frameUrl: `${app.origin}/index.html`,
      isMainFrame: true,
      requires: ['electron'],
      exposed: ['desktop'],
    });
    expect(transport.preloadRuns.every((r) => r.error === undefined)).toBe(true);
    expect(transport.refusedCalls).toEqual([]);

    // The expected surface comes from the contract, not from a list here: every invoke channel
    // and every event channel has exactly one method, and the page has exactly those methods.
    const expected = desktopSurface();
    expect(Object.keys(expected.channelOf).length).toBe(
      Object.keys(invokeChannels).length + Object.keys(eventChannels).length,
    );
    expect(new Set(Object.values(expected.channelOf))).toEqual(
      new Set([...Object.keys(invokeChannels), ...Object.keys(eventChannels)]),
    );

    const shape = await page.evaluate(() => {
      const d = window.desktop as unknown as Record<string, Record<string, unknown>>;
      return {
        members: Object.fromEntries(
          Reflect.ownKeys(d).map((k) => [String(k), Reflect.ownKeys(d[String(k)] ?? {}).map(String)]),
        ),
        types: Object.keys(d).flatMap((k) => Object.values(d[k] ?? {}).map((v) => typeof v)),
        frozen: Object.isFrozen(d) && Object.keys(d).every((k) => Object.isFrozen(d[k])),
        prototypes: [d, ...Object.values(d)].every((o) => Object.getPrototypeOf(o) === Object.prototype),
        overwritten: (() => {
          try {
            (window as Record<string, unknown>)['desktop'] = { evil: true };
          } catch {
            // strict-mode assignment to a read-only property throws
          }
          return 'evil' in window.desktop;
        })(),
      };
    });
    expect(shape).toEqual({
      members: expected.members,
      types: Array(Object.keys(expected.channelOf).length).fill('function'),
      frozen: true,
      prototypes: true,
      overwritten: false,
    });

    // Nothing else reached the page: its globals differ from a bare page of the same origin by
    // exactly `desktop` (no ipcRenderer, require, process, electron, binding or raw invoke).
    // The bare page gets a Playwright binding too, so Playwright's own plumbing
    // (__playwright__binding__...) is on both sides and only what the preload adds differs.
    const bare = await browser.newPage();
    await bare.exposeBinding('__unusedBinding', () => null);
    await bare.evaluate(() => undefined);
    await bare.goto(`${app.origin}/index.html`);
    const names = () => Object.getOwnPropertyNames(window).sort();
    const [withPreload, without] = [await page.evaluate(names), await bare.evaluate(names)];
    await bare.close();
    expect(withPreload.filter((n) => !without.includes(n))).toEqual(['desktop']);
    expect(without.filter((n) => !withPreload.includes(n))).toEqual(['__unusedBinding']);
  });

  it('runs a whole session through the real main-side pipeline; the trace carries no token', async () => {
    const outcome = await page.evaluate(async () => {
      const events: unknown[] = [];
      const off = window.desktop.session.onChanged((state) => events.push(state.status));
      const signIn = await window.desktop.auth.signIn();
      const me = await window.desktop.api.request({
        requestId: 'p1',
        api: 'demo',
        method: 'GET',
        path: '/me',
      });
      const post = await window.desktop.api.request({
        requestId: 'p2',
        api: 'demo',
        method: 'POST',
        path: '/notes',
        body: { text: 'from the page' },
      });
      const forged = await window.desktop.api.request({
        requestId: 'p3',
        api: 'demo',
        method: 'GET',
        path: '/me',
        headers: { Authorization: 'Bearer forged' },
      });
      const offsite = await window.desktop.api.request({
        requestId: 'p4',
        api: 'demo',
        method: 'GET',
        path: '//evil.test/x',
      });
      const signOut = await window.desktop.auth.signOut({ endHostedUiSession: true });
      // Events arrive asynchronously (long poll): wait briefly, bounded.
      for (let i = 0; i < 50 && events.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
      off();
      return { signIn, me, post, forged, offsite, signOut, events };
    });
    expect(outcome.signIn).toMatchObject({ ok: true, value: { status: 'signed-in' } });
    expect(outcome.me).toMatchObject({
      ok: true,
      value: { status: 200, body: { kind: 'json', value: { sub: 'user-1' } } },
    });
    expect(outcome.post).toMatchObject({ ok: true, value: { status: 201 } });
    expect(outcome.forged).toMatchObject({ ok: false, error: { code: 'HEADER_NOT_ALLOWED' } });
    expect(outcome.offsite).toMatchObject({ ok: false, error: { code: 'ORIGIN_NOT_ALLOWED' } });
    expect(outcome.signOut).toMatchObject({ ok: true, value: { status: 'signed-out', reason: 'user' } });
    expect(outcome.events).toEqual(['signed-in', 'signed-out']);

    // The bearer really was used (the API saw it) ...
    const bearers = api.requests.map((r) => r.headers.authorization ?? '');
    expect(bearers.filter((b) => b.startsWith('Bearer SENTINEL-TOKEN-')).length).toBeGreaterThanOrEqual(2);
    // ... and the recorded trace of everything that crossed the transport never contains it.
    const trace = JSON.stringify(transport.messages);
    expect(transport.messages.filter((m) => m.direction === 'invoke').map((m) => m.channel)).toContain(
      'api:request',
    );
    expect(transport.messages.some((m) => m.direction === 'event')).toBe(true);
    expect(trace).not.toContain(TestTokenAuthority.SENTINEL);
    for (const token of authority.issued) expect(trace).not.toContain(token);
    expect(trace).not.toMatch(/eyJ[A-Za-z0-9_-]+\./);
  });

  it('a subframe (same or other origin) is refused with IPC_UNTRUSTED_SENDER', async () => {
    const frames = page.frames().filter((f) => f !== page.mainFrame());
    expect(frames).toHaveLength(2);
    for (const frame of frames) {
      const result = await frame.evaluate(() => window.desktop.session.get());
      expect(result, frame.url()).toEqual({
        ok: false,
        error: { code: 'IPC_UNTRUSTED_SENDER', message: 'This window may not use the app.' },
      });
    }
  });

  it('the main frame after navigating to another origin is refused', async () => {
    const calls = session.calls.length;
    await page.goto(`${other.origin}/index.html`);
    const result = await page.evaluate(() => window.desktop.auth.signIn());
    expect(result).toMatchObject({ ok: false, error: { code: 'IPC_UNTRUSTED_SENDER' } });
    expect(session.calls.length).toBe(calls);
    await page.goto(`${app.origin}/index.html`);
    expect(await page.evaluate(() => window.desktop.session.get())).toMatchObject({ ok: true });
  });

  it('each page method crosses on the channel its contract method names', async () => {
    const expected = desktopSurface();
    const before = transport.messages.length;
    await page.evaluate(async (calls) => {
      const d = window.desktop as unknown as Record<string, Record<string, (arg?: unknown) => unknown>>;
      for (const [group, member, arg] of calls) await d[group]![member]!(arg);
    }, expected.invokeCalls);
    const crossed = transport.messages
      .slice(before)
      .filter((m) => m.direction === 'invoke')
      .map((m) => m.channel);
    expect(crossed).toEqual(expected.invokeCalls.map(([g, m]) => expected.channelOf[`${g}.${m}`]));
  });
});
