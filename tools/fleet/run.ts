/**
 * `npm run fleet [-- --scale F --clients N --quota RPS --scenario morning|outage|all --model
 *   naive,aws-sdk,engine,engine-fleet|all --update-docs]`
 *
 * At least 10,000 simulated desktop clients (the real session engine each, with an in-memory
 * keychain stand-in), the naive model and the AWS SDK v3 standard-retry model against the local
 * user pool rate-limited like Cognito's UserAuthentication quota. Prints one line per scenario and
 * model, then every figure in the bench's format with its target (tools/fleet/targets.ts), ends
 * with `targets: N met, N missed` and exits 1 when a target is missed. Writes fleet-results.json
 * (untracked); `--update-docs` also redraws the tracked chart docs/fleet.svg.
 *
 * `--scale F` shrinks the run for a quick look or an estimate: clients and every time (wake
 * spreads, the outage's start and length, token lifetimes, the limit) times F, so N/Q and the
 * scenario's shape scale together. Bounded: every run stops by itself.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { summariseTargets, formatFigure } from '../bench/figure';
import { writeFleetChart } from './chart';
import { runFleet, summary } from './fleet';
import { FLEET_MODELS, type FleetModel } from './scenarios';
import { fleetFigures } from './targets';

const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: '1' },
    clients: { type: 'string' },
    quota: { type: 'string', default: '120' },
    scenario: { type: 'string', default: 'all' },
    model: { type: 'string', default: 'all' },
    out: { type: 'string', default: 'fleet-results.json' },
    chart: { type: 'string', default: 'docs/fleet.svg' },
    'update-docs': { type: 'boolean', default: false },
  },
});
const scale = Number(values.scale);
if (!(scale > 0 && scale <= 1)) throw new Error('--scale: a factor in (0, 1]');
const clients = values.clients === undefined ? Math.round(10_000 * scale) : Number(values.clients);
const quota = Number(values.quota);
if (!Number.isInteger(clients) || clients < 1 || clients > 50_000) throw new Error('--clients: 1 to 50000');
if (!(quota > 0 && quota <= 10_000)) throw new Error('--quota: requests per second, 1 to 10000');
const pick = <T extends string>(value: string, all: T[]): T[] => {
  if (value === 'all') return all;
  const chosen = value.split(',') as T[];
  const unknown = chosen.filter((v) => !all.includes(v));
  if (unknown.length > 0) throw new Error(`unknown: ${unknown.join(', ')} (one of ${all.join(', ')})`);
  return chosen;
};
const ms = (full: number) => Math.round(full * scale);

const report = await runFleet({
  clients,
  quotaPerSecond: quota,
  scenarios: pick(values.scenario, ['morning', 'outage']),
  models: pick<FleetModel>(values.model, FLEET_MODELS),
  wakeSpreadMs: ms(60_000),
  // 2-minute tokens: the fleet's first refresh wave (about 100-200 s after it starts) falls in the
  // outage (90-210 s), so at recovery every client needs a token at once.
  outage: {
    wakeSpreadMs: ms(20_000),
    startsAfterMs: ms(90_000),
    durationMs: ms(120_000),
    tokenSeconds: Math.max(2, Math.round(120 * scale)),
  },
  limitMs: ms(240_000),
  log: (line) => console.log(line),
});
console.log(
  `physical limit N/Q: ${(report.physicalLimitMs / 1000).toFixed(1)} s (${clients} clients, ${quota} rps, scale ${scale})`,
);
for (const r of report.results) console.log(summary(r));
const figures = fleetFigures(report.results, report.physicalLimitMs);
for (const f of figures) console.log(formatFigure(f));
const targets = summariseTargets(figures);
const root = path.resolve(import.meta.dirname, '../..');
writeFileSync(
  path.resolve(root, values.out),
  `${JSON.stringify({ date: new Date().toISOString(), scale, ...report, figures, targets: { met: targets.met, missed: targets.missed } }, null, 2)}\n`,
);
console.log(`wrote ${values.out}`);
if (values['update-docs']) {
  console.log(`wrote ${path.relative(root, writeFleetChart(report, path.resolve(root, values.chart)))}`);
}
for (const line of targets.missedLines) console.log(`missed: ${line}`);
console.log(targets.line);
process.exit(targets.missed > 0 ? 1 : 0);
