import { decodeJwt } from 'jose';
import { parseProfile } from '../../src/main/config/profile';
import { resolvePolicy } from '../../src/main/policy/effective-policy';
import type { SessionUser } from '../../src/shared/session-state';
import { signInWithBrowser } from '../support/pool-sign-in';
import type { PoolDefinition, RunningUserPool } from '../user-pool/types';
import { awsSdkClient, engineClient, naiveClient, type FleetClient, type FleetClientSeed } from './clients';
import { startFleetPool, type FleetPool } from './fleet-pool';
import { idpOutage, morningWake, type FleetModel, type ScenarioResult } from './scenarios';

/**
 * The fleet run: many simulated desktop clients in one process against one local user pool
 * (its own process) rate-limited like Cognito's UserAuthentication quota (default 120 rps).
 *
 * API: runFleet(options) -> FleetReport. Used by `npm run fleet` (tools/fleet/run.ts, 10,000
 * clients) and by the fleet section of `npm run bench` (fewer clients, same shape).
 *
 * Every client restores the same refresh token (rotation off, Cognito's default: a refresh token
 * can be used many times), so setup is one sign-in instead of N; each refresh is still its own
 * request at the pool, counted against the quota. That is the only shortcut.
 */
export interface FleetOptions {
  clients: number;
  quotaPerSecond: number;
  scenarios: Array<'morning' | 'outage'>;
  models: FleetModel[];
  /** Morning: all clients wake within this window (60 s at full size). */
  wakeSpreadMs: number;
  /** Outage: the fleet starts within this window, the outage begins after `outageStartsAfterMs`. */
  outage: { wakeSpreadMs: number; startsAfterMs: number; durationMs: number; tokenSeconds: number };
  /** Each run stops by itself after this long past its reference moment. */
  limitMs: number;
  log?: (line: string) => void;
}

export interface FleetReport {
  options: Omit<FleetOptions, 'log'>;
  /** N / Q: the shortest time in which the quota can serve every client once. */
  physicalLimitMs: number;
  results: ScenarioResult[];
}

const LONG_CLIENT = 'fleetdesktop0client0long';
const SHORT_CLIENT = 'fleetdesktop0client0short';
const REDIRECT = 'http://127.0.0.1:9/callback';
const SCOPES = ['openid', 'email', 'profile'];
const USER = { username: 'fleet', password: 'Fleet-demo-1!' };

function poolDefinition(shortTokenSeconds: number): PoolDefinition {
  const client = (clientId: string, seconds: number) => ({
    clientId,
    callbackUrls: [REDIRECT],
    logoutUrls: [],
    allowedScopes: SCOPES,
    enableTokenRevocation: true,
    accessTokenValiditySeconds: seconds,
    idTokenValiditySeconds: seconds,
  });
  return {
    region: 'us-east-1',
    userPoolId: 'us-east-1_FleetPool1',
    clients: [client(LONG_CLIENT, 3600), client(SHORT_CLIENT, shortTokenSeconds)],
    users: [{ ...USER, email: 'fleet@example.com', emailVerified: true, groups: [] }],
  };
}

async function seedFor(pool: FleetPool, clientId: string): Promise<FleetClientSeed> {
  const tokens = await signInWithBrowser(pool as unknown as RunningUserPool, {
    clientId,
    ...USER,
    redirectUri: REDIRECT,
    scopes: SCOPES,
  });
  if (!tokens.refresh_token) throw new Error('fleet: the pool issued no refresh token');
  const claims = decodeJwt(tokens.id_token);
  const user: SessionUser = {
    sub: String(claims.sub),
    username: String(claims['cognito:username'] ?? USER.username),
    groups: [],
  };
  const { profile } = parseProfile({
    id: 'fleet',
    label: 'Fleet',
    region: pool.region,
    userPoolId: pool.userPoolId,
    clientId,
    domain: pool.domain,
    issuer: pool.issuer,
    scopes: SCOPES,
    redirect: { loopback: [REDIRECT], prefer: 'loopback' },
    apis: [],
  });
  return { profile, refreshToken: tokens.refresh_token, user };
}

async function makeClients(
  model: FleetModel,
  n: number,
  seed: FleetClientSeed,
  spreadMs: number,
): Promise<FleetClient[]> {
  const tokenEndpoint = `${seed.profile.domain}/oauth2/token`;
  const clients: FleetClient[] = [];
  for (let i = 0; i < n; i++) {
    if (model === 'naive') clients.push(naiveClient(seed, tokenEndpoint));
    else if (model === 'aws-sdk') clients.push(awsSdkClient(seed, tokenEndpoint));
    else clients.push(await engineClient(i, seed, model === 'engine-fleet' ? spreadMs : 0));
  }
  return clients;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function runFleet(options: FleetOptions): Promise<FleetReport> {
  const log = options.log ?? (() => undefined);
  const pool = await startFleetPool(poolDefinition(options.outage.tokenSeconds));
  const results: ScenarioResult[] = [];
  try {
    const seeds = { long: await seedFor(pool, LONG_CLIENT), short: await seedFor(pool, SHORT_CLIENT) };
    for (const scenario of options.scenarios) {
      for (const model of options.models) {
        pool.setRateLimit(undefined);
        pool.setOutage(false);
        // The policy an admin writes for this fleet: { fleet: { clients: N, tokenRequestsPerSecond: Q } }.
        const spreadMs = resolvePolicy([
          {
            scope: 'machine',
            source: 'fleet run',
            document: { fleet: { clients: options.clients, tokenRequestsPerSecond: options.quotaPerSecond } },
          },
        ]).refreshSpreadMs;
        const clients = await makeClients(
          model,
          options.clients,
          scenario === 'morning' ? seeds.long : seeds.short,
          spreadMs,
        );
        // A full bucket for every run: the quota starts each run from rest.
        await sleep(1_500);
        pool.setRateLimit(options.quotaPerSecond);
        log(
          `fleet: ${scenario} with ${options.clients} ${model} clients at ${options.quotaPerSecond} rps...`,
        );
        const result =
          scenario === 'morning'
            ? await morningWake({
                model,
                pool,
                clients,
                quotaPerSecond: options.quotaPerSecond,
                wakeSpreadMs: options.wakeSpreadMs,
                limitMs: options.limitMs,
              })
            : await idpOutage({
                model,
                pool,
                clients,
                quotaPerSecond: options.quotaPerSecond,
                wakeSpreadMs: options.outage.wakeSpreadMs,
                outageStartsAfterMs: options.outage.startsAfterMs,
                outageMs: options.outage.durationMs,
                limitMs: options.limitMs,
              });
        await Promise.all(clients.map((c) => c.dispose()));
        log(`fleet: ${summary(result)}`);
        results.push(result);
        await sleep(1_000);
      }
    }
  } finally {
    await pool.stop();
  }
  const { log: _log, ...rest } = options;
  return { options: rest, physicalLimitMs: (options.clients / options.quotaPerSecond) * 1000, results };
}

export function summary(r: ScenarioResult): string {
  const secs = (ms: number | null | undefined) =>
    ms === null || ms === undefined ? 'not within the limit' : `${(ms / 1000).toFixed(1)} s`;
  return (
    `${r.scenario} ${r.model}: peak ${r.peakRequestsPerSecond} req/s, ${r.throttled} throttled, ` +
    `${r.tokenRequestsPerClient.toFixed(2)} token requests per client, ${r.signedOut} signed out, ` +
    `all valid after ${secs(r.allValidAfterMs)}` +
    (r.allValidAfterLastWakeMs !== undefined
      ? ` (${secs(r.allValidAfterLastWakeMs)} after the last wake)`
      : '') +
    (r.stillWaiting > 0 ? `, ${r.stillWaiting} still waiting` : '')
  );
}
