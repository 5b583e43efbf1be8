/**
 * IPC API pipeline vs bare axios, same loopback endpoint, same run.
 *
 * Pipeline = what a renderer's `desktop.api.request()` costs in main: sender check, payload
 * guard + zod parse, allowlist + header checks, bearer from the token source, axios, response
 * shaping (JSON parsed in main, headers filtered). Baseline = `axios.get` with a bearer header
 * on the same URL and the same (default, keep-alive) agent. Blocks alternate so drift hits both.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import axios from 'axios';
import { createApiClient } from '../../src/main/http/api-client';
import { registerInvokeHandlers } from '../../src/main/ipc/handle';
import { createHandlers } from '../../src/main/ipc/handlers';
import { createInProcessRegistrar } from '../../src/main/ipc/in-process-registrar';
import { createSenderPolicy, type IpcSender } from '../../src/main/ipc/sender-policy';
import type { SessionState } from '../../src/shared/session-state';
import type { BenchFigure } from './figure';

const APP_URL = 'file:///app/out/renderer/index.html';
const SENDER: IpcSender = { id: 1, mainFrameUrl: APP_URL, senderFrame: { url: APP_URL, isMainFrame: true } };
const TOKEN = 'bench-access-token';
const BODY = JSON.stringify({
  id: 'n1',
  text: 'a short note',
  tags: ['x', 'y'],
  updatedAt: 1_764_000_000_000,
});

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

export async function run(): Promise<BenchFigure[]> {
  const server = http.createServer((req, res) => {
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return void res.writeHead(401).end();
    res.writeHead(200, { 'content-type': 'application/json', etag: '"1"' }).end(BODY);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const registrar = createInProcessRegistrar();
  const signedOut: SessionState = { status: 'signed-out', reason: 'none', storage: { kind: 'keychain' } };
  registerInvokeHandlers(
    {
      registrar,
      senderPolicy: createSenderPolicy({ appUrls: [APP_URL], isAppWebContents: (id) => id === 1 }),
    },
    createHandlers({
      session: {
        signIn: async () => signedOut,
        cancelSignIn: async () => undefined,
        reopenBrowser: async () => undefined,
        signOut: async () => signedOut,
        getState: () => signedOut,
        onChanged: () => () => undefined,
      },
      profiles: {
        list: () => ({ activeProfileId: null, profiles: [] }),
        switchTo: async () => ({ activeProfileId: null, profiles: [] }),
      },
      api: createApiClient({
        apis: () => [{ name: 'demo', baseUrl: origin }],
        tokens: { getAccessToken: async () => TOKEN, forceRefresh: async () => TOKEN },
      }),
    }).invoke,
  );

  let seq = 0;
  const pipeline = async () => {
    const result = await registrar.invoke('api:request', SENDER, {
      requestId: `b${++seq}`,
      api: 'demo',
      method: 'GET',
      path: '/notes/n1',
      headers: { accept: 'application/json' },
    });
    if (!result.ok) throw new Error(`pipeline failed: ${result.error.code}`);
  };
  const bare = async () => {
    const res = await axios.get(`${origin}/notes/n1`, {
      headers: { accept: 'application/json', authorization: `Bearer ${TOKEN}` },
      // The same transport choice as the pipeline: with redirects on, axios goes through
      // follow-redirects, which is slower and would flatter the pipeline.
      maxRedirects: 0,
    });
    if (res.status !== 200) throw new Error('baseline failed');
  };

  const timeOne = async (fn: () => Promise<void>) => {
    const t0 = process.hrtime.bigint();
    await fn();
    return Number(process.hrtime.bigint() - t0) / 1e6;
  };
  const throughput = async (fn: () => Promise<void>, ms: number, concurrency: number) => {
    let done = 0;
    const start = performance.now();
    const end = start + ms;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < end) {
          await fn();
          done += 1;
        }
      }),
    );
    // Measured to the last completion, not the nominal window: in-flight requests finish late.
    return { done, ms: performance.now() - start };
  };

  try {
    for (let i = 0; i < 300; i++) {
      await bare();
      await pipeline();
    }
    // Alternate single requests, so that load from other processes hits both sides alike.
    const lat = { bare: [] as number[], pipeline: [] as number[] };
    for (let i = 0; i < 4000; i++) {
      lat.bare.push(await timeOne(bare));
      lat.pipeline.push(await timeOne(pipeline));
    }
    // Throughput: many short alternating windows, summed, so that a burst of load from other
    // processes lands on both sides rather than on whichever ran during it.
    const counted = { bare: { done: 0, ms: 0 }, pipeline: { done: 0, ms: 0 } };
    for (let round = 0; round < 40; round++) {
      for (const side of round % 2 === 0
        ? (['bare', 'pipeline'] as const)
        : (['pipeline', 'bare'] as const)) {
        const window = await throughput(side === 'bare' ? bare : pipeline, 250, 16);
        counted[side].done += window.done;
        counted[side].ms += window.ms;
      }
    }
    const p50 = { bare: median(lat.bare), pipeline: median(lat.pipeline) };
    const tput = {
      bare: (counted.bare.done * 1000) / counted.bare.ms,
      pipeline: (counted.pipeline.done * 1000) / counted.pipeline.ms,
    };
    return [
      {
        name: 'ipc api:request pipeline p50 latency (lower is better)',
        value: Number(p50.pipeline.toFixed(3)),
        unit: 'ms',
        baselineName: 'bare axios GET (maxRedirects 0), same endpoint',
        baselineValue: Number(p50.bare.toFixed(3)),
        ratio: Number((p50.pipeline / p50.bare).toFixed(3)),
        target: '<= 1.10',
      },
      {
        name: 'ipc api:request pipeline throughput, 16 concurrent',
        value: Math.round(tput.pipeline),
        unit: 'req/s',
        baselineName: 'bare axios GET (maxRedirects 0), same endpoint',
        baselineValue: Math.round(tput.bare),
        ratio: Number((tput.pipeline / tput.bare).toFixed(3)),
        target: '>= 0.85',
      },
    ];
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
