/**
 * The fleet run's figures and targets, in the bench's figure format (tools/bench/figure.ts), so
 * `npm run fleet` and the fleet section of `npm run bench` judge a run the same way.
 *
 * Targets apply to the product, the session engine under the organisation's fleet policy:
 *  - morning wake: at most 1.1 token requests per client; every client served within 1.2 × N/Q
 *    after the last wake; nobody signed out; and the policy's own gain: fewer token requests per
 *    client than the same engine without the policy (ratio < 1);
 *  - IdP outage: every client served again within 1.2 × N/Q after the recovery; nobody signed out;
 *    at most 5 token requests per client (the floor is 3 for any client: the first refresh, one
 *    that meets a 503, one after the recovery; docs/fleet.md argues the rest).
 * Every other model (naive, aws-sdk, engine) is reported beside it, with no target of its own.
 */
import type { BenchFigure } from '../bench/figure';
import type { FleetModel, ScenarioResult } from './scenarios';

const secs = (ms: number | null | undefined) => (ms === null || ms === undefined ? Number.NaN : ms / 1000);
const round = (n: number, digits = 3) => Number(n.toFixed(digits));

export function fleetFigures(
  results: readonly ScenarioResult[],
  physicalLimitMs: number,
  label = '',
): BenchFigure[] {
  const limitS = physicalLimitMs / 1000;
  const figures: BenchFigure[] = [];
  const find = (scenario: ScenarioResult['scenario'], model: FleetModel) =>
    results.find((r) => r.scenario === scenario && r.model === model);
  for (const scenario of ['morning-wake', 'idp-outage'] as const) {
    const fleet = find(scenario, 'engine-fleet');
    const engine = find(scenario, 'engine');
    const tag = `fleet ${scenario}${label}`;
    // Every model side by side: requests per client and throttled answers against the naive client.
    const naive = find(scenario, 'naive');
    for (const model of ['aws-sdk', 'engine', 'engine-fleet'] as const) {
      const r = find(scenario, model);
      if (!r || !naive) continue;
      figures.push({
        name: `${tag}: token requests per client, ${model} (${r.throttled} throttled, peak ${r.peakRequestsPerSecond} req/s; lower is better)`,
        value: round(r.tokenRequestsPerClient),
        unit: 'requests',
        baselineName: `naive client (${naive.throttled} throttled, peak ${naive.peakRequestsPerSecond} req/s)`,
        baselineValue: round(naive.tokenRequestsPerClient),
        ratio: round(r.tokenRequestsPerClient / naive.tokenRequestsPerClient),
      });
    }
    for (const model of ['naive', 'aws-sdk', 'engine'] as const) {
      const r = find(scenario, model);
      if (!r) continue;
      const served = scenario === 'morning-wake' ? r.allValidAfterLastWakeMs : r.allValidAfterMs;
      figures.push({
        name: `${tag}: all clients served ${scenario === 'morning-wake' ? 'after the last wake' : 'again after the recovery'}, ${model}${r.stillWaiting > 0 ? ` (${r.stillWaiting} still waiting)` : ''}`,
        value: round(secs(served), 1),
        unit: 's',
        baselineName: 'physical limit N/Q',
        baselineValue: round(limitS, 1),
        ratio: round(secs(served) / limitS),
      });
    }
    if (!fleet) continue;
    const served = scenario === 'morning-wake' ? fleet.allValidAfterLastWakeMs : fleet.allValidAfterMs;
    figures.push({
      name: `${tag}: all clients served ${scenario === 'morning-wake' ? 'after the last wake' : 'again after the recovery'}, engine-fleet${fleet.stillWaiting > 0 ? ` (${fleet.stillWaiting} still waiting)` : ''}`,
      value: round(secs(served), 1),
      unit: 's',
      baselineName: 'physical limit N/Q',
      baselineValue: round(limitS, 1),
      ratio: round(secs(served) / limitS),
      target: '<= 1.2',
    });
    if (scenario === 'morning-wake') {
      figures.push({
        name: `${tag}: all clients served after the first wake, engine-fleet (no target: docs/fleet.md)`,
        value: round(secs(fleet.allValidAfterMs), 1),
        unit: 's',
        baselineName: 'physical limit N/Q',
        baselineValue: round(limitS, 1),
        ratio: round(secs(fleet.allValidAfterMs) / limitS),
      });
    }
    figures.push({
      name: `${tag}: token requests per client, engine-fleet (target on the value)`,
      value: round(fleet.tokenRequestsPerClient),
      unit: 'requests',
      baselineName: 'one per client',
      baselineValue: 1,
      ratio: round(fleet.tokenRequestsPerClient),
      target: scenario === 'morning-wake' ? 'value <= 1.1' : 'value <= 5',
    });
    figures.push({
      name: `${tag}: clients signed out, engine-fleet`,
      value: fleet.signedOut,
      unit: 'clients',
      baselineName: 'clients',
      baselineValue: fleet.clients,
      ratio: fleet.signedOut / fleet.clients,
      target: 'value = 0',
    });
    if (engine) {
      figures.push({
        name: `${tag}: the fleet policy's own gain: token requests per client, engine with the policy (${fleet.throttled} throttled) vs without (${engine.throttled} throttled)`,
        value: round(fleet.tokenRequestsPerClient),
        unit: 'requests',
        baselineName: 'engine without the fleet policy',
        baselineValue: round(engine.tokenRequestsPerClient),
        ratio: round(fleet.tokenRequestsPerClient / engine.tokenRequestsPerClient),
        ...(scenario === 'morning-wake' ? { target: '< 1' } : {}),
      });
    }
  }
  return figures;
}
