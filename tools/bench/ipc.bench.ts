/**
 * IPC API pipeline against axios, same loopback endpoint, same run.
 *
 * Pipeline = what a renderer's `desktop.api.request()` costs in main: sender check, payload
 * guard + schema check, allowlist + header checks, bearer from the token source, axios through
 * the NetTransport, response shaping (body decoded in main, headers filtered).
 *
 * The headline baseline is axios over the same NetTransport instance the pipeline sends through
 * (our transport adapter): the same HTTP stack and the same sockets, so the ratio is what the
 * IPC boundary and the API client add, nothing else (targets: p50 <= 1.05, throughput >= 0.95
 * at 16 concurrent).
 *
 * Secondary, labelled so and without a target: bare `axios.get` over node:http (axios's own http
 * adapter, the default keep-alive agent, maxRedirects 0). Main never sends that way (axios's
 * http adapter follows proxy environment variables and knows neither the OS proxy nor the OS
 * trust store); this pair compares HTTP stacks (undici's dispatcher vs node:http), not the app's
 * own overhead.
 *
 * All three alternate request by request (latency) and in rotated short windows (throughput),
 * so drifting load from other processes hits all alike.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import axios from 'axios';
import { createApiClient } from '../../src/main/http/api-client';
import { axiosTransportConfig } from '../../src/main/net/fetch-adapters';
import { createNodeTransport } from '../../src/main/net/node-transport';
import { registerInvokeHandlers } from '../../src/main/ipc/handle';
import { createHandlers } from '../../src/main/ipc/handlers';
import { createInProcessRegistrar } from '../../src/main/ipc/in-process-registrar';
import { createSenderCheck, type IpcSender } from '../../src/main/ipc/senders';
import type { SessionState } from '../../src/shared/session-state';
import { median } from '../support/stats';
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

export async function run(): Promise<BenchFigure[]> {
  const server = http.createServer((req, res) => {
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return void res.writeHead(401).end();
    res.writeHead(200, { 'content-type': 'application/json', etag: '"1"' }).end(BODY);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const transport = createNodeTransport();
  const overTransport = axios.create(axiosTransportConfig(transport));
  const registrar = createInProcessRegistrar();
  const signedOut: SessionState = { status: 'signed-out', reason: 'none', storage: { kind: 'keychain' } };
  registerInvokeHandlers(
    {
      registrar,
      senderCheck: createSenderCheck({ appUrls: [APP_URL], isAppWebContents: (id) => id === 1 }),
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
        transport,
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

  const viaTransport = async () => {
    const res = await overTransport.get(`${origin}/notes/n1`, {
      headers: { accept: 'application/json', authorization: `Bearer ${TOKEN}` },
      maxRedirects: 0,
    });
    if (res.status !== 200) throw new Error('transport baseline failed');
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
      await viaTransport();
      await pipeline();
    }
    // Alternate single requests, so that load from other processes hits all sides alike.
    const lat = { bare: [] as number[], transport: [] as number[], pipeline: [] as number[] };
    for (let i = 0; i < 4000; i++) {
      lat.bare.push(await timeOne(bare));
      lat.transport.push(await timeOne(viaTransport));
      lat.pipeline.push(await timeOne(pipeline));
    }
    // Throughput: many short alternating windows, summed, so that a burst of load from other
    // processes lands on both sides rather than on whichever ran during it.
    const counted = {
      bare: { done: 0, ms: 0 },
      transport: { done: 0, ms: 0 },
      pipeline: { done: 0, ms: 0 },
    };
    const sides = { bare, transport: viaTransport, pipeline };
    const order = ['bare', 'transport', 'pipeline'] as const;
    for (let round = 0; round < 30; round++) {
      // Rotated each round, so no side always runs after the same one.
      for (let k = 0; k < order.length; k++) {
        const side = order[(round + k) % order.length] as (typeof order)[number];
        const window = await throughput(sides[side], 250, 16);
        counted[side].done += window.done;
        counted[side].ms += window.ms;
      }
    }
    // CPU time per request (this process: client, pipeline and the loopback server), 16 in flight,
    // alternating: less sensitive to other processes than wall time; reported, no target.
    const cpuPerRequest = async (fn: () => Promise<void>, n: number) => {
      const start = process.cpuUsage();
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          for (let i = 0; i < n / 16; i++) await fn();
        }),
      );
      const used = process.cpuUsage(start);
      return (used.user + used.system) / n;
    };
    const cpu = { transport: [] as number[], pipeline: [] as number[] };
    for (let round = 0; round < 10; round++) {
      cpu.transport.push(await cpuPerRequest(viaTransport, 1600));
      cpu.pipeline.push(await cpuPerRequest(pipeline, 1600));
    }
    const cpuUs = { transport: median(cpu.transport), pipeline: median(cpu.pipeline) };
    const p50 = {
      bare: median(lat.bare),
      transport: median(lat.transport),
      pipeline: median(lat.pipeline),
    };
    const tput = {
      bare: (counted.bare.done * 1000) / counted.bare.ms,
      transport: (counted.transport.done * 1000) / counted.transport.ms,
      pipeline: (counted.pipeline.done * 1000) / counted.pipeline.ms,
    };
    const BARE = 'bare axios GET over node:http (maxRedirects 0), same endpoint';
    const OVER_TRANSPORT = 'axios over the same NetTransport (our adapter, undici), same endpoint';
    const latency = (name: string, baseline: 'bare' | 'transport', target?: string): BenchFigure => ({
      name,
      value: Number(p50.pipeline.toFixed(3)),
      unit: 'ms',
      baselineName: baseline === 'bare' ? BARE : OVER_TRANSPORT,
      baselineValue: Number(p50[baseline].toFixed(3)),
      ratio: Number((p50.pipeline / p50[baseline]).toFixed(3)),
      ...(target ? { target } : {}),
    });
    const rate = (name: string, baseline: 'bare' | 'transport', target?: string): BenchFigure => ({
      name,
      value: Math.round(tput.pipeline),
      unit: 'req/s',
      baselineName: baseline === 'bare' ? BARE : OVER_TRANSPORT,
      baselineValue: Math.round(tput[baseline]),
      ratio: Number((tput.pipeline / tput[baseline]).toFixed(3)),
      ...(target ? { target } : {}),
    });
    return [
      latency('ipc api:request pipeline p50 latency (lower is better)', 'transport', '<= 1.05'),
      rate('ipc api:request pipeline throughput, 16 concurrent', 'transport', '>= 0.95'),
      {
        name: 'ipc api:request pipeline CPU time per request, 16 concurrent (server included; lower is better; report only)',
        value: Number(cpuUs.pipeline.toFixed(1)),
        unit: 'µs',
        baselineName: OVER_TRANSPORT,
        baselineValue: Number(cpuUs.transport.toFixed(1)),
        ratio: Number((cpuUs.pipeline / cpuUs.transport).toFixed(3)),
      },
      latency(
        'ipc api:request pipeline p50 latency, secondary: cross-stack (undici vs node:http, no target)',
        'bare',
      ),
      rate(
        'ipc api:request pipeline throughput, 16 concurrent, secondary: cross-stack (undici vs node:http, no target)',
        'bare',
      ),
    ];
  } finally {
    await transport.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
