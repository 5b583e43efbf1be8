/**
 * Cold start to the first authenticated API call, as a user far from the region feels it: the
 * session engine's restore (keychain read, discovery and JWKS, refresh, ID/access-token checks)
 * and one call through the app's API client, with COLD_START_RTT_MS (default 40 ms, about what a
 * user 2,000 km from the region sees) of round-trip time added by a delaying TCP proxy
 * (latency-proxy.ts) in front of both the local user pool and the demo API.
 *
 * Baseline, measured bare in the same run through the same proxies: the critical path, i.e. the
 * slower of (keychain read) and (discovery + JWKS fetch), then a bare openid-client
 * refreshTokenGrant, then a bare axios GET. An engine that does the independent steps at the
 * same time gets close to it; one that does them one after another pays the sum.
 *
 * Every round is cold: new TCP connections and no discovery cache (each session gets its own
 * request timeout, which is part of the engine's process-wide discovery cache key). The engine's
 * round gets a NetTransport of its own (as the app's main has one), routed through the delaying
 * proxies, for the session and the API client alike; the bare round a fresh undici dispatcher
 * for fetch and a fresh http.Agent for axios. Engine and baseline rounds
 * alternate, first one then the other, so load from other processes hits both. Runs against a
 * private gnome-keyring (never the user's) and Chromium for the one sign-in. Bounded: ~30 s.
 */
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import axios from 'axios';
import * as client from 'openid-client';
import { chromium, type Browser } from 'playwright-core';
import { Agent, getGlobalDispatcher, setGlobalDispatcher, type Dispatcher } from 'undici';
import { createCredentialStore } from '../../src/main/auth/credential-store';
import { createSession } from '../../src/main/auth/session';
import { parseProfile, type ResolvedProfile } from '../../src/main/config/profile';
import { createApiClient } from '../../src/main/http/api-client';
import { createNodeTransport } from '../../src/main/net/node-transport';
import { startPrivateKeyring } from '../support/keyring';
import { freePort } from '../support/ports';
import { median } from '../support/stats';
import { startDemoApi } from '../demo-api/index';
import { startUserPool } from '../user-pool/index';
import type { BenchFigure } from './figure';
import { startLatencyProxy } from './latency-proxy';

const ROUNDS = Number(process.env['COLD_START_ROUNDS'] ?? 12);
const RTT_MS = Number(process.env['COLD_START_RTT_MS'] ?? 40);
const CLIENT_ID = 'benchcoldstart0client01';
const PROFILE_ID = 'bench-cold-start';

/** Connections to `routes` ports on 127.0.0.1 go to the mapped proxy port; URLs and Host stay. */
function routedConnect(routes: Map<number, number>) {
  return (port: number) => net.connect(routes.get(port) ?? port, '127.0.0.1');
}

export async function run(): Promise<BenchFigure[]> {
  const keyring = await startPrivateKeyring();
  const savedEnv = { ...process.env };
  Object.assign(process.env, keyring.env);
  const savedDispatcher = getGlobalDispatcher();
  const dbDir = mkdtempSync(path.join(tmpdir(), 'bench-cold-start-'));
  const redirectUri = `http://127.0.0.1:${await freePort()}/callback`;
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
        },
      ],
      users: [{ username: 'alice', password: 'Alice-demo-1!', email: 'alice@example.com', groups: [] }],
    },
  });
  let browser: Browser | undefined;
  const closers: Array<() => Promise<unknown>> = [];
  try {
    const api = await startDemoApi({
      issuer: pool.issuer,
      clientId: CLIENT_ID,
      dbPath: path.join(dbDir, 'notes.db'),
    });
    closers.push(() => api.close());
    const poolProxy = await startLatencyProxy({ upstreamPort: pool.port, rttMs: RTT_MS });
    const apiProxy = await startLatencyProxy({ upstreamPort: api.port, rttMs: RTT_MS });
    closers.push(
      () => poolProxy.close(),
      () => apiProxy.close(),
    );
    const connect = routedConnect(
      new Map([
        [pool.port, poolProxy.port],
        [api.port, apiProxy.port],
      ]),
    );
    /** undici's connector: every connection through the delaying proxy of its target. */
    const routed: Agent.Options['connect'] = (opts, callback) => {
      const socket = connect(Number(opts.port));
      socket.once('connect', () => callback(null, socket));
      socket.once('error', (err) => callback(err, null));
      return socket;
    };
    /** New connections for this round: fetch (openid-client, jose) through a new dispatcher. */
    let dispatcher: Dispatcher | undefined;
    const coldNetwork = async () => {
      await dispatcher?.close();
      dispatcher = new Agent({ connect: routed });
      setGlobalDispatcher(dispatcher);
      // axios (the API call) through a new agent.
      const agent = new http.Agent({ keepAlive: true });
      agent.createConnection = (options) => connect(Number(options.port));
      closers.push(async () => agent.destroy());
      return agent;
    };

    const profile: ResolvedProfile = parseProfile({
      id: PROFILE_ID,
      label: PROFILE_ID,
      region: 'us-east-1',
      userPoolId: 'us-east-1_LocalPool1',
      clientId: CLIENT_ID,
      domain: pool.domain,
      issuer: pool.issuer,
      scopes: ['openid', 'email', 'profile'],
      redirect: { loopback: [redirectUri] },
    }).profile;

    // One sign-in (no added latency), so the keychain holds a refresh token to restore from.
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'],
    });
    const b = browser;
    const openExternal = async (url: string) => {
      const page = await (await b.newContext()).newPage();
      await page.goto(url);
      await page.getByLabel('Username').fill('alice');
      await page.getByLabel('Password').fill('Alice-demo-1!');
      await page.getByRole('button', { name: 'Sign in' }).click();
    };
    const first = createSession({ profile, openExternal });
    await first.signIn();
    await first.dispose();
    const store = createCredentialStore({ profileId: PROFILE_ID, clientId: CLIENT_ID });
    const saved = await store.load();
    if (saved.kind !== 'found') throw new Error('cold start: no refresh token in the keychain after sign-in');
    const refreshToken = saved.credential.refreshToken;

    let round = 0;
    const engine = async (): Promise<number> => {
      const transport = createNodeTransport({ connect: routed });
      round += 1;
      const t0 = performance.now();
      // A request timeout of its own: no discovery shared with an earlier round.
      const session = createSession({
        profile,
        openExternal,
        timeouts: { requestMs: 10_000 + round },
        transport,
      });
      const state = await session.start();
      if (state.status !== 'signed-in' || state.connectivity !== 'online') {
        throw new Error(
          `cold start: restore ended ${state.status}/${'connectivity' in state ? state.connectivity : ''}`,
        );
      }
      const apiClient = createApiClient({
        apis: () => [{ name: 'demo', baseUrl: api.url }],
        tokens: session,
        transport,
      });
      const res = await apiClient.request({
        requestId: `c${round}`,
        api: 'demo',
        method: 'GET',
        path: '/me',
      });
      const elapsed = performance.now() - t0;
      if (res.status !== 200) throw new Error(`cold start: API answered ${res.status}`);
      await session.dispose();
      await transport.close();
      return elapsed;
    };
    const steps = {
      keychain: [] as number[],
      discoveryJwks: [] as number[],
      refresh: [] as number[],
      api: [] as number[],
    };
    const bare = async (): Promise<number> => {
      const agent = await coldNetwork();
      let t = performance.now();
      const loaded = await createCredentialStore({ profileId: PROFILE_ID, clientId: CLIENT_ID }).load();
      const keychain = performance.now() - t;
      if (loaded.kind !== 'found') throw new Error('cold start: keychain entry missing');
      t = performance.now();
      const config = await client.discovery(new URL(pool.issuer), CLIENT_ID, undefined, client.None(), {
        execute: [client.allowInsecureRequests],
      });
      const jwks = await fetch(String(config.serverMetadata().jwks_uri));
      await jwks.json();
      const discoveryJwks = performance.now() - t;
      t = performance.now();
      const tokens = await client.refreshTokenGrant(config, refreshToken);
      const refresh = performance.now() - t;
      t = performance.now();
      const res = await axios.get(`${api.url}/me`, {
        headers: { authorization: `Bearer ${tokens.access_token}` },
        httpAgent: agent,
        maxRedirects: 0,
      });
      const apiCall = performance.now() - t;
      if (res.status !== 200) throw new Error(`cold start: bare API call answered ${res.status}`);
      steps.keychain.push(keychain);
      steps.discoveryJwks.push(discoveryJwks);
      steps.refresh.push(refresh);
      steps.api.push(apiCall);
      return Math.max(keychain, discoveryJwks) + refresh + apiCall;
    };

    await engine(); // warm-up (JIT, the demo API's JWKS fetch)
    await bare();
    for (const s of Object.values(steps)) s.length = 0;
    const times = { engine: [] as number[], bare: [] as number[] };
    for (let i = 0; i < ROUNDS; i++) {
      if (i % 2 === 0) {
        times.engine.push(await engine());
        times.bare.push(await bare());
      } else {
        times.bare.push(await bare());
        times.engine.push(await engine());
      }
    }
    await store.clear();

    const e = median(times.engine);
    const base = median(times.bare);
    const parts = `keychain ${median(steps.keychain).toFixed(1)}, discovery+JWKS ${median(steps.discoveryJwks).toFixed(0)}, refresh ${median(steps.refresh).toFixed(0)}, API ${median(steps.api).toFixed(0)} ms`;
    return [
      {
        name: `cold start to first authenticated API call, ${RTT_MS} ms RTT, median of ${ROUNDS} (lower is better; load avg ${loadavg()[0]?.toFixed(1)})`,
        value: Number(e.toFixed(1)),
        unit: 'ms',
        baselineName: `bare critical path: max(keychain, discovery+JWKS) + refresh + API call (${parts})`,
        baselineValue: Number(base.toFixed(1)),
        ratio: Number((e / base).toFixed(3)),
        target: '<= 1.10',
      },
    ];
  } finally {
    await browser?.close();
    for (const close of closers.reverse()) await close().catch(() => undefined);
    setGlobalDispatcher(savedDispatcher);
    await pool.close();
    await keyring.stop();
    rmSync(dbDir, { recursive: true, force: true });
    for (const k of Object.keys(process.env)) if (!(k in savedEnv)) delete process.env[k];
    Object.assign(process.env, savedEnv);
  }
}
