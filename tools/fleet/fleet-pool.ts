import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { PoolDefinition } from '../user-pool/types';

/**
 * Parent side of `pool-child.ts`: starts the local user pool in its own process and drives it
 * (quota, outage, counters). Every wait is bounded; stop() always ends the child.
 */
export interface FleetPool {
  issuer: string;
  domain: string;
  region: string;
  userPoolId: string;
  setRateLimit(rps: number | undefined): void;
  setOutage(on: boolean): void;
  mark(): Promise<{ at: number; counters: { tokenRequests: number; throttled: number; refresh: number } }>;
  timeline(): Promise<Array<{ second: number; tokenRequests: number; throttled: number }>>;
  stop(): Promise<void>;
}

export async function startFleetPool(definition: PoolDefinition): Promise<FleetPool> {
  const dir = mkdtempSync(path.join(tmpdir(), 'fleet-pool-'));
  const file = path.join(dir, 'pool.json');
  writeFileSync(file, JSON.stringify(definition));
  const child: ChildProcess = fork(path.join(import.meta.dirname, 'pool-child.ts'), [file], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const request = <T>(type: string, timeoutMs = 60_000): Promise<T> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`fleet pool: no ${type} answer in ${timeoutMs} ms`)),
        timeoutMs,
      );
      const onMessage = (message: { type: string }) => {
        if (message.type !== type) return;
        clearTimeout(timer);
        child.off('message', onMessage);
        resolve(message as T);
      };
      child.on('message', onMessage);
      if (type !== 'ready') child.send({ type });
    });
  const ready = await request<{ issuer: string; domain: string; region: string; userPoolId: string }>(
    'ready',
    30_000,
  );
  return {
    issuer: ready.issuer,
    domain: ready.domain,
    region: ready.region,
    userPoolId: ready.userPoolId,
    setRateLimit: (rps) => child.send({ type: 'rate', rps }),
    setOutage: (on) => child.send({ type: 'outage', on }),
    mark: () => request('mark'),
    timeline: async () =>
      (
        await request<{ buckets: Array<{ second: number; tokenRequests: number; throttled: number }> }>(
          'timeline',
        )
      ).buckets,
    async stop() {
      child.send({ type: 'stop' });
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          resolve();
        }, 5_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
      });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
