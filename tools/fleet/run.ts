/**
 * `npm run fleet [-- --clients N --quota RPS --scenario morning|outage|all --model engine|naive|all]`
 *
 * At least 10,000 simulated desktop clients (the real session engine each, with an in-memory
 * keychain stand-in) and the naive model against the local user pool rate-limited like Cognito's
 * UserAuthentication quota. Prints one line per scenario and model, writes fleet-results.json and
 * the chart docs/fleet.svg (requests per second over time, both models, the quota line). Bounded:
 * every run stops by itself.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { writeFleetChart } from './chart';
import { runFleet, summary } from './fleet';

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '10000' },
    quota: { type: 'string', default: '120' },
    scenario: { type: 'string', default: 'all' },
    model: { type: 'string', default: 'all' },
    out: { type: 'string', default: 'fleet-results.json' },
    chart: { type: 'string', default: 'docs/fleet.svg' },
  },
});
const clients = Number(values.clients);
const quota = Number(values.quota);
if (!Number.isInteger(clients) || clients < 1 || clients > 50_000) throw new Error('--clients: 1 to 50000');
if (!(quota > 0 && quota <= 10_000)) throw new Error('--quota: requests per second, 1 to 10000');
const pick = <T extends string>(value: string, all: T[]): T[] =>
  value === 'all' ? all : (value.split(',') as T[]);

const report = await runFleet({
  clients,
  quotaPerSecond: quota,
  scenarios: pick(values.scenario, ['morning', 'outage']),
  models: pick(values.model, ['naive', 'engine', 'engine-fleet']),
  wakeSpreadMs: 60_000,
  // 2-minute tokens: the fleet's first refresh wave (about 100-200 s after it starts) falls in the
  // outage (90-210 s), so at recovery every client needs a token at once.
  outage: { wakeSpreadMs: 20_000, startsAfterMs: 90_000, durationMs: 120_000, tokenSeconds: 120 },
  limitMs: 240_000,
  log: (line) => console.log(line),
});
console.log(
  `physical limit N/Q: ${(report.physicalLimitMs / 1000).toFixed(1)} s; target: every client within ${((1.2 * report.physicalLimitMs) / 1000).toFixed(1)} s, <= 1.1 token requests per client, 0 signed out`,
);
for (const r of report.results) console.log(summary(r));
const root = path.resolve(import.meta.dirname, '../..');
writeFileSync(
  path.resolve(root, values.out),
  `${JSON.stringify({ date: new Date().toISOString(), ...report }, null, 2)}\n`,
);
console.log(
  `wrote ${values.out} and ${path.relative(root, writeFleetChart(report, path.resolve(root, values.chart)))}`,
);
process.exit(0);
