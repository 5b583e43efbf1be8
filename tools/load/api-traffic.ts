/**
 * Steady background API traffic through the app pipeline for the faults soak: `workers` loops,
 * each sending one `api:request` every `intervalMs`, every request bounded by `timeoutMs`.
 * Every outcome is recorded (when, how long, HTTP status or the typed error code) so the soak
 * can assert that nothing hung past its timeout and that failures were typed, not crashes.
 */
import type { AppPipeline } from './app-pipeline';

export interface TrafficOutcome {
  startedAt: number;
  ms: number;
  /** HTTP status when the pipeline returned a response. */
  status?: number;
  /** Shared error code when it returned a typed error. */
  code?: string;
}

export interface ApiTraffic {
  readonly outcomes: readonly TrafficOutcome[];
  /** Outcomes that started at or after `since` (epoch ms). */
  since(since: number): TrafficOutcome[];
  stop(): Promise<void>;
}

export function startApiTraffic(
  pipeline: AppPipeline,
  options: { workers: number; intervalMs: number; timeoutMs: number; path?: string },
): ApiTraffic {
  const outcomes: TrafficOutcome[] = [];
  let running = true;
  let seq = 0;
  const worker = async () => {
    while (running) {
      const startedAt = Date.now();
      const t = performance.now();
      const result = await pipeline.apiRequest({
        requestId: `soak-${seq++}`,
        api: 'demo',
        method: 'GET',
        path: options.path ?? '/me',
        timeoutMs: options.timeoutMs,
      });
      const ms = performance.now() - t;
      outcomes.push(
        result.ok
          ? { startedAt, ms, status: result.value.status }
          : { startedAt, ms, code: result.error.code },
      );
      await new Promise<void>((resolve) => setTimeout(resolve, options.intervalMs));
    }
  };
  const loops = Array.from({ length: options.workers }, worker);
  return {
    outcomes,
    since: (since) => outcomes.filter((o) => o.startedAt >= since),
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}
