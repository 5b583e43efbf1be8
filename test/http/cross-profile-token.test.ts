import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppServices, type AppServices } from '../../src/main/app-services';
import { createLogger } from '../../src/main/log/logger';
import { AppError } from '../../src/shared/errors';
import { demoPoolDefinition, startUserPool, type RunningUserPool } from '../../tools/user-pool';
import { launchBrowser, signInInOwnContext } from '../../tools/support/browser';
import { assertPrivateKeyring } from '../support/keyring-guard';
import { freePort } from '../../tools/support/ports';

/**
 * Defect 1 of issue 14: "a profile's API can receive another profile's access token".
 *
 * Two real local user pools are two profiles. Both name their API "orders", at different
 * origins. API A holds its first answer, the profile switches to B (whose session restores and
 * refreshes), then API A answers 401 invalid_token. Before the fix the one forced refresh + retry
 * went through "the current session" and sent B's fresh token to A's origin. Every Authorization
 * header API A receives is recorded; each must be a token of pool A.
 */
const CLIENT_ID = 'localdemo0desktop0client01';
const USERS = { alice: 'Alice-demo-1!', bob: 'Bob-demo-1!' } as const;

interface RecordingApi {
  url: string;
  authorizations: string[];
  /** Resolves the held first request with 401 invalid_token. */
  releaseFirst: () => void;
  firstArrived: Promise<void>;
  close(): Promise<void>;
}

async function recordingApi(holdFirst: boolean): Promise<RecordingApi> {
  const authorizations: string[] = [];
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => (release = resolve));
  let arrived: () => void = () => undefined;
  const firstArrived = new Promise<void>((resolve) => (arrived = resolve));
  const server = http.createServer((req, res) => {
    authorizations.push(req.headers.authorization ?? '(none)');
    const first = authorizations.length === 1;
    const answer = () => {
      if (first && holdFirst) {
        res.writeHead(401, { 'www-authenticate': 'Bearer error="invalid_token"' }).end();
      } else {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      }
    };
    if (first && holdFirst) {
      arrived();
      void released.then(answer);
    } else answer();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    authorizations,
    releaseFirst: release,
    firstArrived,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The `iss` of a bearer JWT (the local pool's issuer names its port). */
function issuerOf(authorization: string): string {
  const jwt = authorization.replace(/^Bearer /, '');
  const payload = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
    iss?: string;
  };
  return payload.iss ?? '(none)';
}

let poolA: RunningUserPool;
let poolB: RunningUserPool;
let apiA: RecordingApi;
let apiB: RecordingApi;
let browser: Browser;
let dir: string;
let services: AppServices;
let nextUser: keyof typeof USERS = 'alice';
const profileA = `xa${process.pid}x${Date.now()}`;
const profileB = `xb${process.pid}x${Date.now()}`;

async function systemBrowser(url: string): Promise<void> {
  const user = nextUser;
  signInInOwnContext(browser, url, { username: user, password: USERS[user] });
}

beforeAll(async () => {
  assertPrivateKeyring();
  dir = mkdtempSync(path.join(os.tmpdir(), 'cross-profile-'));
  const loopbackA = `http://127.0.0.1:${await freePort()}/callback`;
  const loopbackB = `http://127.0.0.1:${await freePort()}/callback`;
  const pool = (callback: string) =>
    startUserPool({
      port: 0,
      definition: {
        ...demoPoolDefinition,
        clients: [{ ...demoPoolDefinition.clients[0]!, callbackUrls: [callback], logoutUrls: [] }],
      },
    });
  [poolA, poolB] = await Promise.all([pool(loopbackA), pool(loopbackB)]);
  [apiA, apiB] = await Promise.all([recordingApi(true), recordingApi(false)]);
  const common = {
    region: 'us-east-1',
    userPoolId: 'us-east-1_LocalPool1',
    clientId: CLIENT_ID,
    scopes: ['openid', 'email', 'profile'],
  };
  writeFileSync(
    path.join(dir, 'profiles.json'),
    JSON.stringify({
      profiles: [
        {
          ...common,
          id: profileA,
          label: 'A',
          domain: poolA.domain,
          issuer: poolA.issuer,
          redirect: { loopback: [loopbackA], prefer: 'loopback' },
          apis: [{ name: 'orders', baseUrl: apiA.url }],
        },
        {
          ...common,
          id: profileB,
          label: 'B',
          domain: poolB.domain,
          issuer: poolB.issuer,
          redirect: { loopback: [loopbackB], prefer: 'loopback' },
          apis: [{ name: 'orders', baseUrl: apiB.url }],
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
    logger: createLogger({ sink: () => undefined, level: 'debug' }),
    sessionOptions: { timeouts: { requestMs: 5_000, revokeMs: 2_000, signInMs: 30_000 } },
  });
});

afterAll(async () => {
  for (const id of [profileA, profileB]) {
    await services?.profiles.switchTo(id).catch(() => undefined);
    await services?.session.signOut({ endHostedUiSession: false }).catch(() => undefined);
  }
  await services?.dispose();
  await browser?.close();
  await Promise.all([poolA?.close(), poolB?.close(), apiA?.close(), apiB?.close()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("a profile's API never receives another profile's access token", () => {
  it('a 401 invalid_token that arrives after a profile switch ends the request; API A sees only pool A tokens', async () => {
    await services.start();
    await services.profiles.switchTo(profileA);
    nextUser = 'alice';
    expect((await services.session.signIn()).status).toBe('signed-in');
    await services.profiles.switchTo(profileB);
    nextUser = 'bob';
    expect((await services.session.signIn()).status).toBe('signed-in');
    // Back to A (restored from its keychain entry), and start a request against A's API.
    await services.profiles.switchTo(profileA);
    expect(services.session.getState().status).toBe('signed-in');

    const request = services.api.request({
      requestId: 'r-cross-1',
      api: 'orders',
      method: 'GET',
      path: '/me',
      timeoutMs: 20_000,
    });
    const outcome = request.then(
      () => 'resolved' as const,
      (error: unknown) => error,
    );
    await apiA.firstArrived;
    // While A's API holds the answer, the user switches to B; B's session restores (a refresh).
    await services.profiles.switchTo(profileB);
    expect(services.session.getState().status).toBe('signed-in');
    apiA.releaseFirst();

    const result = await outcome;
    // The leak itself first: every token API A ever saw is one of pool A's.
    expect(apiA.authorizations.map(issuerOf)).toEqual(apiA.authorizations.map(() => poolA.issuer));
    expect(result).toBeInstanceOf(AppError);
    expect((result as AppError).code).toBe('CANCELLED');

    // A request under B goes to B's API with B's token (the binding is per profile, not broken).
    const viaB = await services.api.request({
      requestId: 'r-cross-2',
      api: 'orders',
      method: 'GET',
      path: '/me',
    });
    expect(viaB.status).toBe(200);
    expect(apiB.authorizations.map(issuerOf)).toEqual([poolB.issuer]);

    expect(apiA.authorizations.map(issuerOf)).toEqual(apiA.authorizations.map(() => poolA.issuer));
    // Nothing was sent again after the switch.
    expect(apiA.authorizations).toHaveLength(1);
  });
});
