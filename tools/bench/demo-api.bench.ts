/**
 * Latency of GET /me on the demo API under a bounded loopback load, against GET /healthz on the
 * same server in the same run (the HTTP stack without bearer verification), and of GET /me on a
 * second instance with the verified-token cache off. Load generator and servers share this
 * process (one event loop), as a single-instance API would with its clients' bursts.
 * Bounded: 12 rounds x 3 endpoints x 200 requests, 8 in flight.
 */
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startDemoApi, type RunningDemoApi } from '../demo-api';
import { LocalSigner } from '../demo-api/local-signer';
import { quantile } from '../support/stats';
import type { BenchFigure } from './figure';

const CONCURRENCY = 8;
const ROUNDS = 12;
const REQUESTS_PER_PHASE = 200;

function get(agent: http.Agent, url: string, token?: string): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.get(
      url,
      { agent, headers: token ? { authorization: `Bearer ${token}` } : {} },
      (res) => {
        res.resume();
        res.on('end', () =>
          res.statusCode === 200
            ? resolve(performance.now() - started)
            : reject(new Error(`HTTP ${res.statusCode}`)),
        );
      },
    );
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

interface Target {
  url: string;
  token?: string;
  latencies: number[];
}

/** `count` requests to each target in turn, CONCURRENCY in flight. */
async function load(agent: http.Agent, targets: Target[], count: number): Promise<void> {
  for (const target of targets) {
    let next = 0;
    const worker = async () => {
      while (next < count) {
        next += 1;
        target.latencies.push(await get(agent, target.url, target.token));
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  }
}

export async function run(): Promise<BenchFigure[]> {
  const signer = await new LocalSigner().start();
  const dir = mkdtempSync(path.join(tmpdir(), 'demo-api-bench-'));
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const apis: RunningDemoApi[] = [];
  try {
    const start = (tokenCacheSize: number, name: string) =>
      startDemoApi({
        issuer: signer.issuer,
        jwksUri: signer.jwksUri,
        clientId: signer.clientId,
        dbPath: path.join(dir, `${name}.sqlite`),
        tokenCacheSize,
      });
    const cached = await start(10_000, 'cached');
    const uncached = await start(0, 'uncached');
    apis.push(cached, uncached);
    const token = signer.mint(); // one client reusing its access token, as clients do
    const health: Target = { url: `${cached.url}/healthz`, latencies: [] };
    const me: Target = { url: `${cached.url}/me`, token, latencies: [] };
    const meNoCache: Target = { url: `${uncached.url}/me`, token, latencies: [] };
    await load(agent, [health, me, meNoCache], 100); // warm-up: JWKS fetch, JIT, sockets
    for (const t of [health, me, meNoCache]) t.latencies.length = 0;
    // Short alternating phases: drifting load from other processes falls on every endpoint alike.
    for (let r = 0; r < ROUNDS; r++) await load(agent, [health, me, meNoCache], REQUESTS_PER_PHASE);

    const fig = (name: string, series: number[], p: number): BenchFigure => {
      const value = quantile(series, p / 100);
      const baselineValue = quantile(health.latencies, p / 100);
      return {
        name: `${name} p${p} latency (lower is better; ratio = it / healthz)`,
        value: Math.round(value * 1000) / 1000,
        unit: 'ms',
        baselineName: `GET /healthz p${p}`,
        baselineValue: Math.round(baselineValue * 1000) / 1000,
        ratio: value / baselineValue,
      };
    };
    return [
      fig('GET /me', me.latencies, 50),
      fig('GET /me', me.latencies, 99),
      fig('GET /me without token cache', meNoCache.latencies, 50),
      fig('GET /me without token cache', meNoCache.latencies, 99),
    ];
  } finally {
    agent.destroy();
    for (const api of apis) await api.close();
    await signer.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
