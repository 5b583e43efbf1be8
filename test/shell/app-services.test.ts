import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import keytar from 'keytar';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppServices, type AppServices } from '../../src/main/app-services';
import { createLogger } from '../../src/main/log/logger';
import { startOnlineWatcher } from '../../src/main/online-watcher';
import { AppError } from '../../src/shared/errors';
import type { SessionState } from '../../src/shared/session-state';
import { demoPoolDefinition, startUserPool, type RunningUserPool } from '../../tools/user-pool';
import { launchBrowser, signInInOwnContext } from '../../tools/support/browser';
import { assertPrivateKeyring } from '../support/keyring-guard';
import { enterPrivateKeyring, type EnteredKeyring } from '../../tools/support/keyring';
import { freePort } from '../../tools/support/ports';

/**
 * The app composed as index.ts composes it, minus Electron: real profiles from files, the real
 * session engine against the local user pool, Chromium as the system browser, keytar on the
 * private test keyring. Proves profile switching keeps one keychain entry per profile, that
 * custom-scheme deep links are parsed strictly and complete the pending sign-in, and that
 * openExternal is held to the active profile's Hosted UI.
 */
const SERVICE = 'com.example.cognitodesktop';
const CLIENT_ID = 'localdemo0desktop0client01';
const SCHEME_REDIRECT = 'com.example.cognitodesktop:/callback';
const USERS = { alice: 'Alice-demo-1!', bob: 'Bob-demo-1!' } as const;

let pool: RunningUserPool;
let browser: Browser;
let dir: string;
let services: AppServices;
const opened: string[] = [];
const schemeLinks: string[] = [];
const logLines: string[] = [];
let nextUser: keyof typeof USERS = 'alice';
const alpha = `alpha${process.pid}x${Date.now()}`;
const beta = `beta${process.pid}x${Date.now()}`;
const context = { sender: { id: 1, mainFrameUrl: 'app://cognito-desktop/index.html', senderFrame: null } };

async function systemBrowser(url: string): Promise<void> {
  opened.push(url);
  const user = nextUser;
  signInInOwnContext(
    browser,
    url,
    { username: user, password: USERS[user] },
    {
      onPage: (page) =>
        page.on('response', (response) => {
          const location = response.headers()['location'];
          if (location?.startsWith('com.example.cognitodesktop:')) schemeLinks.push(location);
        }),
    },
  );
}

async function accounts(): Promise<string[]> {
  return (await keytar.findCredentials(SERVICE)).map((c) => c.account.split('#')[0]!);
}

async function until<T>(get: () => T | undefined, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = get();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

// This file lists keychain items (findCredentials); libsecret's search crashes when another
// process deletes an item meanwhile, so it gets a keyring of its own, apart from the run-wide one.
let ownKeyring: EnteredKeyring | undefined;

beforeAll(async () => {
  assertPrivateKeyring();
  ownKeyring = await enterPrivateKeyring();
  assertPrivateKeyring();
  dir = mkdtempSync(path.join(os.tmpdir(), 'shell-services-'));
  const port = await freePort();
  const loopback = `http://127.0.0.1:${port}/callback`;
  pool = await startUserPool({
    port: 0,
    definition: {
      ...demoPoolDefinition,
      clients: [
        { ...demoPoolDefinition.clients[0]!, callbackUrls: [loopback, SCHEME_REDIRECT], logoutUrls: [] },
      ],
    },
  });
  const common = {
    region: 'us-east-1',
    userPoolId: 'us-east-1_LocalPool1',
    clientId: CLIENT_ID,
    domain: pool.domain,
    issuer: pool.issuer,
    scopes: ['openid', 'email', 'profile'],
    apis: [],
  };
  writeFileSync(
    path.join(dir, 'profiles.json'),
    JSON.stringify({
      profiles: [
        { ...common, id: alpha, label: 'Alpha', redirect: { loopback: [loopback], prefer: 'loopback' } },
        {
          ...common,
          id: beta,
          label: 'Beta',
          redirect: { loopback: [], customScheme: SCHEME_REDIRECT, prefer: 'custom-scheme' },
        },
      ],
    }),
  );
  browser = await launchBrowser();
  services = createAppServices({
    userDataDir: dir,
    argv: [],
    env: {},
    allowDevOverrides: false,
    openExternal: systemBrowser,
    logger: createLogger({ sink: (line) => logLines.push(line), level: 'debug' }),
    sessionOptions: { timeouts: { requestMs: 5_000, revokeMs: 2_000, signInMs: 30_000 } },
  });
});

afterAll(async () => {
  await services?.dispose();
  await browser?.close();
  await pool?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  await ownKeyring?.leave();
});

describe('app services (the app minus Electron) against the local user pool', () => {
  it('signs in per profile, keeps one keychain entry per profile across switches, and completes custom-scheme sign-in from a strict deep link', async () => {
    const invoke = services.handlers.invoke;
    expect((await services.start()).status).toBe('signed-out');
    expect((await invoke['profiles:list']({}, context)).activeProfileId).toBe(alpha);

    // Alpha: loopback sign-in as alice.
    nextUser = 'alice';
    const a = (await invoke['auth:sign-in']({}, context)) as SessionState;
    expect(a.status).toBe('signed-in');
    if (a.status === 'signed-in') expect(a.user.username).toBe('alice');
    expect(await accounts()).toContain(`${alpha}:${CLIENT_ID}`);

    // Switch to beta: a separate session, signed out, alpha's entry untouched.
    const changes: SessionState[] = [];
    const unsubscribe = services.session.onChanged((s) => changes.push(s));
    expect((await invoke['profiles:switch']({ profileId: beta }, context)).activeProfileId).toBe(beta);
    expect(services.session.getState().status).toBe('signed-out');
    expect(changes.at(-1)?.status).toBe('signed-out');
    expect(await accounts()).toContain(`${alpha}:${CLIENT_ID}`);
    expect(await accounts()).not.toContain(`${beta}:${CLIENT_ID}`);

    // Beta: custom-scheme sign-in as bob; the OS hands the redirect in as a deep link.
    nextUser = 'bob';
    const signIn = invoke['auth:sign-in']({}, context);
    const link = await until(() => schemeLinks[0]);
    expect(link.startsWith(`${SCHEME_REDIRECT}?`)).toBe(true);
    // Tampered or foreign links are dropped before the engine sees them.
    expect(await services.handleDeepLink(`${link}&redirect=https://evil.example`)).toBe(false);
    expect(await services.handleDeepLink(link.replace(':/callback', '://callback'))).toBe(false);
    expect(await services.handleDeepLink('com.example.cognitodesktop:/signed-out')).toBe(false);
    expect(await services.handleDeepLink(link)).toBe(true);
    const b = (await signIn) as SessionState;
    expect(b.status).toBe('signed-in');
    if (b.status === 'signed-in') expect(b.user.username).toBe('bob');
    expect(await accounts()).toEqual(
      expect.arrayContaining([`${alpha}:${CLIENT_ID}`, `${beta}:${CLIENT_ID}`]),
    );
    // The same link again is refused (single use).
    expect(await services.handleDeepLink(link)).toBe(false);

    // Back to alpha: restored from alpha's own keychain entry, without the browser.
    const openedBefore = opened.length;
    await invoke['profiles:switch']({ profileId: alpha }, context);
    const restored = services.session.getState();
    expect(restored.status).toBe('signed-in');
    if (restored.status === 'signed-in') expect(restored.user.username).toBe('alice');
    expect(opened.length).toBe(openedBefore);
    unsubscribe();

    // The system browser only ever got this pool's authorize URL.
    for (const url of opened) expect(url.startsWith(`${pool.domain}/oauth2/authorize?`)).toBe(true);
  });

  it('refuses to open anything but the active profile Hosted UI', async () => {
    await expect(
      services.external.openHostedUi('https://evil.example/oauth2/authorize?x=1'),
    ).rejects.toSatisfy((e) => e instanceof AppError && e.code === 'ORIGIN_NOT_ALLOWED');
    await expect(services.external.openHostedUi(`${pool.domain}/oauth2/token`)).rejects.toBeInstanceOf(
      AppError,
    );
  });

  it('with no usable profile, sign-in fails with CONFIG_INVALID naming the file and field, and nothing is opened', async () => {
    const empty = mkdtempSync(path.join(dir, 'bad-'));
    const file = path.join(empty, 'profiles.json');
    writeFileSync(file, JSON.stringify({ id: 'x', label: 'x', region: 'us-east-1' }));
    const calls: string[] = [];
    const broken = createAppServices({
      userDataDir: empty,
      argv: [],
      env: {},
      allowDevOverrides: false,
      openExternal: async (url) => {
        calls.push(url);
      },
      logger: createLogger({ sink: () => undefined }),
    });
    try {
      const list = await broken.handlers.invoke['profiles:list']({}, context);
      expect(list.activeProfileId).toBeNull();
      expect(list.configError?.file).toBe(file);
      expect(list.configError?.message).toContain('userPoolId');
      const state = await broken.start();
      expect(state).toMatchObject({ status: 'signed-out', error: { code: 'CONFIG_INVALID' } });
      await expect(broken.handlers.invoke['auth:sign-in']({}, context)).rejects.toMatchObject({
        code: 'CONFIG_INVALID',
      });
      expect(calls).toEqual([]);
    } finally {
      await broken.dispose();
    }
  });
});

describe('online watcher', () => {
  it('calls back once per offline -> online transition', async () => {
    const sequence = [true, false, false, true, true, false, true];
    let i = 0;
    let calls = 0;
    const stop = startOnlineWatcher({
      isOnline: () => sequence[Math.min(i++, sequence.length - 1)]!,
      onOnline: () => calls++,
      intervalMs: 5,
    });
    await until(() => (i >= sequence.length + 2 ? true : undefined), 5_000);
    stop();
    expect(calls).toBe(2);
  });
});
