/**
 * The fleet section of `npm run bench`: the morning wake of `npm run fleet` at a tenth of its
 * size (1,000 clients, all waking within 6 s, the pool at 120 requests per second, so the same
 * N/Q shape in a tenth of the time). The session engine under the organisation policy's `fleet`
 * spread against the naive client model in the same run. The full figures (10,000 clients, the
 * IdP outage too): `npm run fleet`, docs/fleet.md.
 */
import { runFleet } from '../fleet/fleet';
import type { BenchFigure } from './figure';

export async function run(): Promise<BenchFigure[]> {
  const report = await runFleet({
    clients: 1_000,
    quotaPerSecond: 120,
    scenarios: ['morning'],
    models: ['naive', 'engine-fleet'],
    wakeSpreadMs: 6_000,
    outage: { wakeSpreadMs: 0, startsAfterMs: 0, durationMs: 0, tokenSeconds: 120 },
    limitMs: 60_000,
  });
  const naive = report.results.find((r) => r.model === 'naive');
  const engine = report.results.find((r) => r.model === 'engine-fleet');
  if (!naive || !engine) throw new Error('fleet bench: a model did not run');
  const limitS = report.physicalLimitMs / 1000;
  const lastWake = (r: typeof engine) =>
    r.allValidAfterLastWakeMs === null || r.allValidAfterLastWakeMs === undefined
      ? Number.NaN
      : r.allValidAfterLastWakeMs / 1000;
  return [
    {
      name: 'fleet morning wake (1,000 clients, 120 rps): token requests per client, engine with fleet policy',
      value: engine.tokenRequestsPerClient,
      unit: 'requests',
      baselineName: 'naive client model',
      baselineValue: naive.tokenRequestsPerClient,
      ratio: engine.tokenRequestsPerClient / naive.tokenRequestsPerClient,
      target: '<= 1.1 requests per client',
    },
    {
      name: 'fleet morning wake: all clients served after the last wake, engine with fleet policy',
      value: lastWake(engine),
      unit: 's',
      baselineName: 'physical limit N/Q',
      baselineValue: limitS,
      ratio: lastWake(engine) / limitS,
      target: '<= 1.2',
    },
    {
      name: 'fleet morning wake: clients signed out, engine with fleet policy',
      value: engine.signedOut,
      unit: 'clients',
      baselineName: 'naive client model',
      baselineValue: naive.signedOut,
      ratio:
        naive.signedOut === 0
          ? engine.signedOut === 0
            ? 1
            : Number.POSITIVE_INFINITY
          : engine.signedOut / naive.signedOut,
      target: '0',
    },
  ];
}
