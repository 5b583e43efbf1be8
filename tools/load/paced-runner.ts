/**
 * Runs `total` async jobs with at most `concurrency` in flight, spreading their starts evenly
 * over `durationMs` (job i starts no earlier than i * durationMs / total). Pacing is what lets
 * a fixed number of requests span a fixed number of token lifetimes on any machine; when the
 * machine is slower than the pace, jobs simply start as soon as a slot frees up.
 */
export interface PacedRunOptions {
  total: number;
  concurrency: number;
  durationMs: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function runPaced(
  options: PacedRunOptions,
  job: (index: number) => Promise<void>,
): Promise<{ elapsedMs: number }> {
  const { total, concurrency, durationMs } = options;
  const started = performance.now();
  const interval = total > 0 ? durationMs / total : 0;
  let next = 0;
  const worker = async () => {
    for (;;) {
      const index = next++;
      if (index >= total) return;
      const due = started + index * interval;
      const wait = due - performance.now();
      if (wait > 1) await sleep(wait);
      await job(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
  return { elapsedMs: performance.now() - started };
}
