/**
 * The local user pool in a child process of its own for the fleet run (`fleet-pool.ts` forks it),
 * so the pool's signing work and the 10,000 clients' work do not share one event loop.
 *
 * Messages in:  { type: 'outage', on }   every token request answers 503 while on (an IdP outage)
 *               { type: 'rate', rps }    the UserAuthentication quota (undefined = none)
 *               { type: 'mark' }         reply { type: 'mark', at, counters } (for per-scenario deltas)
 *               { type: 'timeline' }     reply { type: 'timeline', buckets } (per-second counts)
 *               { type: 'stop' }
 * Message out:  { type: 'ready', issuer, domain, region, userPoolId, port } once listening.
 */
import { readFileSync } from 'node:fs';
import { startUserPool } from '../user-pool/index';
import type { PoolDefinition, TokenFault } from '../user-pool/types';

interface Bucket {
  second: number;
  tokenRequests: number;
  throttled: number;
}

const definition = JSON.parse(readFileSync(process.argv[2] as string, 'utf8')) as PoolDefinition;
const pool = await startUserPool({ port: 0, definition });
const send = (message: unknown) => process.send?.(message);

// Per-second counts of token-endpoint requests (every answer: granted, throttled or 503) and of
// throttled answers, from the pool's own counters, sampled every 100 ms.
const buckets: Bucket[] = [];
const totals = () => ({
  tokenRequests: Object.values(pool.counters.tokenRequests).reduce((a, b) => a + b, 0),
  throttled: Object.values(pool.counters.throttled).reduce((a, b) => a + b, 0),
});
let last = totals();
const sampler = setInterval(() => {
  const now = totals();
  const second = Math.floor(Date.now() / 1000);
  let bucket = buckets.at(-1);
  if (!bucket || bucket.second !== second) {
    bucket = { second, tokenRequests: 0, throttled: 0 };
    buckets.push(bucket);
    if (buckets.length > 7200) buckets.shift();
  }
  bucket.tokenRequests += now.tokenRequests - last.tokenRequests;
  bucket.throttled += now.throttled - last.throttled;
  last = now;
}, 100);

let outage: NodeJS.Timeout | undefined;
const OUTAGE_FAULT: TokenFault = {
  kind: 'status',
  status: 503,
  body: '{"message":"Service Unavailable"}',
  contentType: 'application/json',
};

process.on('message', (message: { type: string; on?: boolean; rps?: number }) => {
  switch (message.type) {
    case 'outage':
      // The pool's fault queue is consumed one fault per request: keep it topped up while on.
      if (outage) clearInterval(outage);
      outage = undefined;
      pool.clearFaults();
      if (message.on) {
        pool.injectTokenFaults(...Array.from({ length: 20_000 }, () => OUTAGE_FAULT));
        outage = setInterval(
          () => pool.injectTokenFaults(...Array.from({ length: 20_000 }, () => OUTAGE_FAULT)),
          5_000,
        );
      }
      break;
    case 'rate':
      pool.setRateLimit('userAuthentication', message.rps);
      break;
    case 'mark':
      send({
        type: 'mark',
        at: Date.now(),
        counters: { ...totals(), refresh: pool.counters.tokenRequests['refresh_token'] ?? 0 },
      });
      break;
    case 'timeline':
      send({ type: 'timeline', buckets });
      break;
    case 'stop':
      clearInterval(sampler);
      if (outage) clearInterval(outage);
      void pool.close().then(() => process.exit(0));
      break;
  }
});
send({
  type: 'ready',
  issuer: pool.issuer,
  domain: pool.domain,
  region: pool.region,
  userPoolId: pool.userPoolId,
  port: pool.port,
});
