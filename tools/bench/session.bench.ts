/**
 * Session engine figure against a baseline measured in the same run on the same local user pool:
 * token-endpoint requests caused by 500 concurrent API callers holding an expired access token:
 * this engine's single-flight getAccessToken() vs axios-auth-refresh 5 in its default setup
 * (401 -> refresh -> retry), both calling a tiny local API that verifies the bearer with jose
 * against the pool's JWKS (earlier tokens stay valid until they expire).
 * (The restore figure that was here is now cold-start.bench.ts: cold start to the first API
 * call with realistic latency, against the bare critical path.)
 * Runs against a private gnome-keyring (never the user's) and Chromium for the two sign-ins.
 * Bounded: about 15-25 s.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import axios from 'axios';
import type { AxiosError } from 'axios';
import createAuthRefresh from 'axios-auth-refresh';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as client from 'openid-client';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { createCredentialStore } from '../../src/main/auth/credential-store';
import { createSession } from '../../src/main/auth/session';
import type { Clock } from '../../src/main/auth/clock';
import { parseProfile } from '../../src/main/config/profile';
import type { ResolvedProfile } from '../../src/main/config/profile';
import { startPrivateKeyring } from '../../test/support/private-keyring';
import { startUserPool } from '../user-pool/index';
import type { BenchFigure } from './figure';

const CALLERS = 500;
const CLIENT_ID = 'benchdesktop0client01';
const TOKEN_SECONDS = 5;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Real time, timers never fire: no proactive refresh may hide the expired-token case. */
const frozenTimers: Clock = { now: () => Date.now(), setTimeout: () => 0, clearTimeout: () => undefined };

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** GET /me: 200 when the bearer verifies against the pool JWKS, else 401. */
async function startApi(issuer: string, jwksUri: string): Promise<{ url: string; server: Server }> {
  const jwks = createRemoteJWKSet(new URL(jwksUri));
  const server = createServer((req, res) => {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!token) {
      res.writeHead(401).end();
      return;
    }
    jwtVerify(token, jwks, { issuer, algorithms: ['RS256'] }).then(
      () => res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"ok":true}'),
      () => res.writeHead(401, { 'WWW-Authenticate': 'Bearer error="invalid_token"' }).end(),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

export async function run(): Promise<BenchFigure[]> {
  const keyring = await startPrivateKeyring();
  const savedEnv = { ...process.env };
  Object.assign(process.env, keyring.env);
  const port = await freePort();
  const redirectUri = `http://127.0.0.1:${port}/callback`;
  const pool = await startUserPool({
    port: 0,
    definition: {
      region: 'us-east-1',
      userPoolId: 'us-east-1_LocalPool1',
      clients: [
        {
          clientId: CLIENT_ID,
          callbackUrls: [redirectUri],
          logoutUrls: [],
          allowedScopes: ['openid', 'email', 'profile'],
          accessTokenValiditySeconds: TOKEN_SECONDS,
          idTokenValiditySeconds: TOKEN_SECONDS,
        },
      ],
      users: [
        { username: 'alice', password: 'Alice-demo-1!', email: 'alice@example.com', groups: ['admin'] },
      ],
    },
  });
  let browser: Browser | undefined;
  const servers: Server[] = [];
  try {
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-background-networking',
        '--no-first-run',
      ],
    });
    const b = browser;
    const openExternal = async (url: string) => {
      const page = await (await b.newContext()).newPage();
      await page.goto(url);
      await page.getByLabel('Username').fill('alice');
      await page.getByLabel('Password').fill('Alice-demo-1!');
      await page.getByRole('button', { name: 'Sign in' }).click();
    };
    const profileFor = (id: string): ResolvedProfile =>
      parseProfile({
        id,
        label: id,
        region: 'us-east-1',
        userPoolId: 'us-east-1_LocalPool1',
        clientId: CLIENT_ID,
        domain: pool.domain,
        issuer: pool.issuer,
        scopes: ['openid', 'email', 'profile'],
        redirect: { loopback: [redirectUri] },
      }).profile;
    const api = await startApi(pool.issuer, pool.jwksUri);
    servers.push(api.server);
    const refreshCount = () => pool.counters.tokenRequests['refresh_token'] ?? 0;

    // Two independent sign-ins: one for this engine, one whose tokens axios-auth-refresh uses.
    const ours = createSession({ profile: profileFor('bench-ours'), openExternal, clock: frozenTimers });
    await ours.signIn();
    const peerSession = createSession({
      profile: profileFor('bench-peer'),
      openExternal,
      clock: frozenTimers,
    });
    await peerSession.signIn();
    let peerAccessToken = await peerSession.getAccessToken();
    // The keychain save may still be in flight when signIn() resolves: wait for it (bounded).
    const peerCredentials = createCredentialStore({ profileId: 'bench-peer', clientId: CLIENT_ID });
    let peerStore = await peerCredentials.load();
    for (let i = 0; i < 50 && peerStore.kind !== 'found'; i++) {
      await sleep(100);
      peerStore = await peerCredentials.load();
    }
    if (peerStore.kind !== 'found') throw new Error('bench: peer refresh token missing after 5 s');
    const peerRefreshToken = peerStore.credential.refreshToken;
    await peerSession.dispose();
    await sleep(TOKEN_SECONDS * 1000 + 500); // both access tokens are now expired

    // (a) this engine
    let before = refreshCount();
    const ourResults = await Promise.all(
      Array.from({ length: CALLERS }, async () => {
        const token = await ours.getAccessToken();
        return (await fetch(`${api.url}/me`, { headers: { Authorization: `Bearer ${token}` } })).status;
      }),
    );
    const ourRequests = refreshCount() - before;
    if (ourResults.some((s) => s !== 200)) throw new Error('bench: some calls failed with this engine');

    // (a) axios-auth-refresh, default options
    const config = await client.discovery(new URL(pool.issuer), CLIENT_ID, undefined, client.None(), {
      execute: [client.allowInsecureRequests],
    });
    const instance = axios.create({ baseURL: api.url });
    instance.interceptors.request.use((req) => {
      req.headers.set('Authorization', `Bearer ${peerAccessToken}`);
      return req;
    });
    createAuthRefresh(instance, async (failed: AxiosError) => {
      const response = await client.refreshTokenGrant(config, peerRefreshToken);
      peerAccessToken = response.access_token;
      failed.response?.config.headers.set('Authorization', `Bearer ${peerAccessToken}`);
    });
    before = refreshCount();
    const peerResults = await Promise.allSettled(Array.from({ length: CALLERS }, () => instance.get('/me')));
    const peerRequests = refreshCount() - before;
    const peerOk = peerResults.filter((r) => r.status === 'fulfilled').length;

    await ours.dispose();
    await createCredentialStore({ profileId: 'bench-ours', clientId: CLIENT_ID }).clear();
    await createCredentialStore({ profileId: 'bench-peer', clientId: CLIENT_ID }).clear();

    return [
      {
        name: `session: token requests for ${CALLERS} concurrent callers on an expired token (lower is better; peer: ${peerOk}/${CALLERS} calls succeeded)`,
        value: ourRequests,
        unit: 'requests',
        baselineName: 'axios-auth-refresh 5 default',
        baselineValue: peerRequests,
        ratio: peerRequests === 0 ? 0 : ourRequests / peerRequests,
        target: 'value = 1',
      },
    ];
  } finally {
    await browser?.close();
    for (const s of servers) await new Promise<void>((r) => s.close(() => r()));
    await pool.close();
    await keyring.stop();
    for (const k of Object.keys(process.env)) if (!(k in savedEnv)) delete process.env[k];
    Object.assign(process.env, savedEnv);
  }
}
