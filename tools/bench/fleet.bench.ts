/**
 * The fleet section of `npm run bench`: the morning wake of `npm run fleet` at a tenth of its
 * size (1,000 clients, all waking within 6 s, the pool at 120 requests per second, so the same
 * N/Q shape in a tenth of the time), and what the organisation policy's `fleet` spread itself
 * gains: the same session engine with the policy against without it, in the same run. The
 * targets are the fleet run's (tools/fleet/targets.ts). Every model side by side (naive, AWS SDK
 * standard retry too) and the IdP outage: `npm run fleet`, docs/fleet.md.
 */
import { runFleet } from '../fleet/fleet';
import { fleetFigures } from '../fleet/targets';
import type { BenchFigure } from './figure';

export async function run(): Promise<BenchFigure[]> {
  const report = await runFleet({
    clients: 1_000,
    quotaPerSecond: 120,
    scenarios: ['morning'],
    models: ['engine', 'engine-fleet'],
    wakeSpreadMs: 6_000,
    outage: { wakeSpreadMs: 0, startsAfterMs: 0, durationMs: 0, tokenSeconds: 120 },
    limitMs: 60_000,
  });
  if (report.results.length !== 2) throw new Error('fleet bench: a model did not run');
  return fleetFigures(report.results, report.physicalLimitMs, ' (1,000 clients, 120 rps)');
}
