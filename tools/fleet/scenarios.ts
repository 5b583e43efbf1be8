import type { FleetClient } from './clients';
import type { FleetPool } from './fleet-pool';

/**
 * The fleet scenarios, run once per client model against one rate-limited pool:
 *
 *  - morning wake: every client's access token has expired and all wake within `wakeSpreadMs`
 *    (each starts the app / resumes at a uniformly random moment).
 *  - IdP outage: the fleet is active (short tokens, refreshing on its own), then every token
 *    request answers 503 for `outageMs`, then the pool recovers.
 *
 * Measured per run: peak token-endpoint requests per second (every answer counts: granted,
 * throttled or 503), throttled answers, token requests per client, clients signed out, and the
 * time until every client holds an unexpired access token again (from the first wake for the
 * morning, from the recovery for the outage). Every run is bounded by `limitMs`.
 */
/**
 * naive: what most apps do; aws-sdk: the same with the AWS SDK v3's standard retry strategy;
 * engine: the session engine alone; engine-fleet: with the fleet policy.
 */
export type FleetModel = 'naive' | 'aws-sdk' | 'engine' | 'engine-fleet';
export const FLEET_MODELS: FleetModel[] = ['naive', 'aws-sdk', 'engine', 'engine-fleet'];

export interface ScenarioResult {
  scenario: 'morning-wake' | 'idp-outage';
  model: FleetModel;
  clients: number;
  quotaPerSecond: number;
  peakRequestsPerSecond: number;
  throttled: number;
  tokenRequests: number;
  tokenRequestsPerClient: number;
  signedOut: number;
  /** The reference moment (first wake, or the recovery): epoch ms. */
  servedSince: number;
  /** ms from the reference moment until every client had a new token; null: not within the limit. */
  allValidAfterMs: number | null;
  /** Clients still without a valid token when the run stopped. */
  stillWaiting: number;
  /** ms from the last client's wake to all valid (morning only). */
  allValidAfterLastWakeMs?: number | null;
  timeline: Array<{ t: number; requests: number; throttled: number }>;
}

const SAMPLE_MS = 250;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Until every client has received a new access token since `since` (it is served again), or
 * lost its sign-in. Not "all valid at one instant": with short tokens a busy fleet refreshes
 * again meanwhile, and a later refresh is not what is measured.
 */
async function waitAllValid(clients: FleetClient[], limitAt: number, since: number): Promise<number | null> {
  for (;;) {
    const now = Date.now();
    if (clients.every((c) => c.lastTokenAt() >= since || c.signedOut())) return now;
    if (now >= limitAt) return null;
    await sleep(SAMPLE_MS);
  }
}

async function finish(
  base: Omit<
    ScenarioResult,
    | 'peakRequestsPerSecond'
    | 'throttled'
    | 'tokenRequests'
    | 'tokenRequestsPerClient'
    | 'timeline'
    | 'signedOut'
    | 'stillWaiting'
  >,
  pool: FleetPool,
  clients: FleetClient[],
  start: { at: number; counters: { tokenRequests: number; throttled: number } },
): Promise<ScenarioResult> {
  const end = await pool.mark();
  const startSecond = Math.floor(start.at / 1000);
  const timeline = (await pool.timeline())
    .filter((b) => b.second >= startSecond && b.second <= Math.floor(end.at / 1000))
    .map((b) => ({ t: b.second - startSecond, requests: b.tokenRequests, throttled: b.throttled }));
  const tokenRequests = end.counters.tokenRequests - start.counters.tokenRequests;
  return {
    ...base,
    peakRequestsPerSecond: Math.max(0, ...timeline.map((b) => b.requests)),
    throttled: end.counters.throttled - start.counters.throttled,
    tokenRequests,
    tokenRequestsPerClient: tokenRequests / base.clients,
    signedOut: clients.filter((c) => c.signedOut()).length,
    stillWaiting: clients.filter((c) => c.lastTokenAt() < base.servedSince && !c.signedOut()).length,
    timeline,
  };
}

export async function morningWake(options: {
  model: FleetModel;
  pool: FleetPool;
  clients: FleetClient[];
  quotaPerSecond: number;
  wakeSpreadMs: number;
  limitMs: number;
}): Promise<ScenarioResult> {
  const { pool, clients } = options;
  const start = await pool.mark();
  const wakes = clients.map(() => Math.random() * options.wakeSpreadMs);
  const timers = clients.map((client, i) => setTimeout(() => client.wake(), wakes[i]));
  const lastWake = start.at + Math.max(...wakes);
  const allValidAt = await waitAllValid(clients, start.at + options.limitMs, start.at);
  timers.forEach(clearTimeout);
  return finish(
    {
      scenario: 'morning-wake',
      model: options.model,
      clients: clients.length,
      quotaPerSecond: options.quotaPerSecond,
      servedSince: start.at,
      allValidAfterMs: allValidAt === null ? null : allValidAt - start.at,
      allValidAfterLastWakeMs: allValidAt === null ? null : allValidAt - lastWake,
    },
    pool,
    clients,
    start,
  );
}

export async function idpOutage(options: {
  model: FleetModel;
  pool: FleetPool;
  clients: FleetClient[];
  quotaPerSecond: number;
  /** Clients start within this window, then the fleet runs on its own until the outage. */
  wakeSpreadMs: number;
  outageStartsAfterMs: number;
  outageMs: number;
  limitMs: number;
}): Promise<ScenarioResult> {
  const { pool, clients } = options;
  const start = await pool.mark();
  clients.forEach((client) => setTimeout(() => client.wake(), Math.random() * options.wakeSpreadMs));
  await sleep(options.outageStartsAfterMs);
  pool.setOutage(true);
  await sleep(options.outageMs);
  pool.setOutage(false);
  const recoveredAt = Date.now();
  const allValidAt = await waitAllValid(clients, recoveredAt + options.limitMs, recoveredAt);
  return finish(
    {
      scenario: 'idp-outage',
      model: options.model,
      clients: clients.length,
      quotaPerSecond: options.quotaPerSecond,
      servedSince: recoveredAt,
      allValidAfterMs: allValidAt === null ? null : allValidAt - recoveredAt,
    },
    pool,
    clients,
    start,
  );
}
