/**
 * 500 concurrent callers on an expired access token, side by side in one run against the same
 * demo API (which, like a Cognito-backed API, keeps every earlier access token valid until its
 * own expiry) and the same local user pool:
 *  - this project: `api:request` through the IPC handler path, bearer from the session engine;
 *  - axios-auth-refresh 5 in its README setup (refresh logic sets the failed request's header,
 *    a request interceptor attaches the current token), default options;
 *  - the same with `deduplicateRefresh: false`.
 * For each: token-endpoint requests (counted at the pool), requests that succeeded (HTTP 200),
 * API calls that reached the server (counted at the API). Target for this project: 1 / 500 / 500.
 *
 * The app's API client caps concurrent requests at 64 by default; this run raises the cap to
 * the caller count so the comparison measures refresh coalescing, not the cap.
 */
import axios from 'axios';
import type { AxiosError } from 'axios';
import createAuthRefresh from 'axios-auth-refresh';
import * as client from 'openid-client';
import type { Clock } from '../../src/main/auth/clock';
import { createAppPipeline } from '../load/app-pipeline';
import { memoryKeychain, RIG_CLIENT_ID, startScaleRig } from '../support/scale-rig';
import type { ScaleRig } from '../support/scale-rig';
import type { BenchFigure } from './figure';

const CALLERS = Number(process.env['PEER_CALLERS'] ?? 500);
/**
 * Long enough that the token refreshed at the start of a burst outlives the burst itself: 500
 * requests can take several seconds on a busy 2-core machine, and a 5 s token would then expire
 * mid-burst and blur "one refresh per expiry" with a genuine second expiry.
 */
const TOKEN_SECONDS = 20;

/** Real time, timers never fire: no proactive refresh may hide the expired-token case. */
const frozenTimers: Clock = { now: () => Date.now(), setTimeout: () => 0, clearTimeout: () => undefined };
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface PeerOutcome {
  tokenRequests: number;
  succeeded: number;
  apiCalls: number;
  elapsedMs: number;
}

async function measure(rig: ScaleRig, burst: () => Promise<number>): Promise<PeerOutcome> {
  rig.resetApiCalls();
  const before = rig.refreshRequests();
  const started = performance.now();
  const succeeded = await burst();
  return {
    tokenRequests: rig.refreshRequests() - before,
    succeeded,
    apiCalls: rig.apiCalls.total,
    elapsedMs: performance.now() - started,
  };
}

async function peerBurst(
  rig: ScaleRig,
  config: client.Configuration,
  refreshToken: string,
  expiredToken: string,
  deduplicateRefresh: boolean,
): Promise<number> {
  let accessToken = expiredToken;
  const instance = axios.create({ baseURL: rig.demoApi.url, timeout: 15_000 });
  instance.interceptors.request.use((request) => {
    request.headers.set('Authorization', `Bearer ${accessToken}`);
    return request;
  });
  createAuthRefresh(
    instance,
    async (failed: AxiosError) => {
      const tokens = await client.refreshTokenGrant(config, refreshToken);
      accessToken = tokens.access_token;
      failed.response?.config.headers.set('Authorization', `Bearer ${accessToken}`);
    },
    { deduplicateRefresh },
  );
  const results = await Promise.allSettled(Array.from({ length: CALLERS }, () => instance.get('/me')));
  return results.filter((r) => r.status === 'fulfilled' && r.value.status === 200).length;
}

export async function runPeerComparison(): Promise<{
  ours: PeerOutcome;
  peerDefault: PeerOutcome;
  peerNoDedup: PeerOutcome;
}> {
  const rig = await startScaleRig({ tokenSeconds: TOKEN_SECONDS, keychain: memoryKeychain() });
  const session = rig.newSession({ clock: frozenTimers });
  try {
    const refreshToken = await rig.signInOnce();
    if ((await session.start()).status !== 'signed-in') throw new Error('peer: restore did not sign in');
    const config = await client.discovery(new URL(rig.pool.issuer), RIG_CLIENT_ID, undefined, client.None(), {
      execute: [client.allowInsecureRequests],
    });
    const peerToken1 = (await client.refreshTokenGrant(config, refreshToken)).access_token;
    const peerToken2 = (await client.refreshTokenGrant(config, refreshToken)).access_token;
    const pipeline = createAppPipeline({
      session,
      profile: rig.profile,
      maxInFlight: CALLERS,
      defaultTimeoutMs: 15_000,
    });
    // Warm the demo API's JWKS and the API client's sockets with a valid token first.
    await pipeline.apiRequest({ requestId: 'warm', api: 'demo', method: 'GET', path: '/me' });
    await sleep(TOKEN_SECONDS * 1000 + 500); // every access token above is now expired

    const ours = await measure(rig, async () => {
      const results = await Promise.all(
        Array.from({ length: CALLERS }, (_, i) =>
          pipeline.apiRequest({ requestId: `peer-${i}`, api: 'demo', method: 'GET', path: '/me' }),
        ),
      );
      return results.filter((r) => r.ok && r.value.status === 200).length;
    });
    const peerDefault = await measure(rig, () => peerBurst(rig, config, refreshToken, peerToken1, true));
    const peerNoDedup = await measure(rig, () => peerBurst(rig, config, refreshToken, peerToken2, false));
    return { ours, peerDefault, peerNoDedup };
  } finally {
    await session.dispose();
    await rig.close();
  }
}

export async function run(): Promise<BenchFigure[]> {
  const { ours, peerDefault, peerNoDedup } = await runPeerComparison();
  if (process.env['PEER_DEBUG']) console.log(JSON.stringify({ ours, peerDefault, peerNoDedup }));
  const tag = `peer (${CALLERS} concurrent callers, expired token)`;
  const figures: BenchFigure[] = [];
  for (const [peerName, peer] of [
    ['axios-auth-refresh 5 default', peerDefault],
    ['axios-auth-refresh 5 deduplicateRefresh:false', peerNoDedup],
  ] as const) {
    figures.push(
      {
        name: `${tag}: token requests, this project (lower is better)`,
        value: ours.tokenRequests,
        unit: 'requests',
        baselineName: peerName,
        baselineValue: peer.tokenRequests,
        ratio: peer.tokenRequests === 0 ? 0 : ours.tokenRequests / peer.tokenRequests,
        target: 'value = 1',
      },
      {
        name: `${tag}: requests that succeeded, this project`,
        value: ours.succeeded,
        unit: 'requests',
        baselineName: peerName,
        baselineValue: peer.succeeded,
        ratio: peer.succeeded === 0 ? ours.succeeded : ours.succeeded / peer.succeeded,
        target: `value = ${CALLERS}`,
      },
      {
        name: `${tag}: API calls, this project (lower is better)`,
        value: ours.apiCalls,
        unit: 'calls',
        baselineName: peerName,
        baselineValue: peer.apiCalls,
        ratio: peer.apiCalls === 0 ? 0 : ours.apiCalls / peer.apiCalls,
        target: `value = ${CALLERS}`,
      },
    );
  }
  return figures;
}
