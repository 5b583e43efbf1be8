import axios from 'axios';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient } from '../../src/main/http/api-client';
import { registerInvokeHandlers } from '../../src/main/ipc/handle';
import { createHandlers } from '../../src/main/ipc/handlers';
import { createInProcessRegistrar, type InProcessRegistrar } from '../../src/main/ipc/in-process-registrar';
import { createSenderCheck, type IpcSender } from '../../src/main/ipc/senders';
import {
  ApiRequestSchema,
  invokeChannels,
  resultSchema,
  type InvokeChannel,
} from '../../src/shared/ipc-contract';
import { TestTokenAuthority, startRecordingListener, type Listener } from '../http/loopback-servers';
import { RecordingProfiles, RecordingSession } from './controllers';

/**
 * Generated payloads through the whole main-side pipeline. Every request the API client sends
 * goes through a recording HTTP proxy, so a request to ANY host would be seen. A few hundred
 * cases per property here; `IPC_FUZZ_RUNS=10000 npm test -- test/ipc/fuzz` for the long run.
 */
const RUNS = Math.max(1, Number(process.env['IPC_FUZZ_RUNS'] ?? '300'));
const APP_URL = 'file:///app/out/renderer/index.html';
const sender: IpcSender = { id: 1, mainFrameUrl: APP_URL, senderFrame: { url: APP_URL, isMainFrame: true } };
const API_BASE = 'http://localhost:1/base';

const pathPiece = fc.constantFrom(
  '/',
  '//',
  '\\',
  '.',
  '..',
  '%2e',
  '%2E',
  '%2f',
  '%5c',
  '%25',
  '%00',
  '%',
  '@',
  ':',
  '?',
  '#',
  '&',
  '=',
  'evil.test',
  'a',
  'notes',
  'me',
  'http:',
  'https://',
  '127.0.0.1',
  'localhost:1',
  ' ',
  '\t',
  '\n',
  'é',
  '\u0430',
);
const path = fc.oneof(
  fc.array(pathPiece, { maxLength: 8 }).map((parts) => parts.join('')),
  fc.array(pathPiece, { maxLength: 8 }).map((parts) => `/${parts.join('')}`),
  fc.string({ maxLength: 40 }),
  fc.webPath(),
);
const headerName = fc.oneof(
  fc.constantFrom(
    'Accept',
    'Content-Type',
    'If-None-Match',
    'X-Trace',
    'x-forwarded-for',
    'Authorization',
    'Cookie',
    'Host',
    'Connection',
    'Transfer-Encoding',
    'Content-Length',
    'Proxy-Authorization',
  ),
  fc.string({ maxLength: 12 }),
);
const headers = fc.dictionary(headerName, fc.oneof(fc.string({ maxLength: 20 }), fc.constant('a\r\nb')), {
  maxKeys: 4,
});
const apiRequest = fc.record(
  {
    requestId: fc.oneof(fc.stringMatching(/^[A-Za-z0-9_-]{1,16}$/), fc.string({ maxLength: 8 })),
    api: fc.oneof(fc.constantFrom('demo', 'other'), fc.string({ maxLength: 10 })),
    method: fc.oneof(
      fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'),
      fc.string({ maxLength: 6 }),
    ),
    path,
    headers,
    body: fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.anything({ maxDepth: 2 })),
    timeoutMs: fc.oneof(fc.integer({ min: 100, max: 3000 }), fc.integer()),
  },
  { requiredKeys: [] },
);
// Mostly-valid requests, so that the "reached the network" side of the property is exercised.
const validRequest = fc
  .record({
    requestId: fc.stringMatching(/^[A-Za-z0-9_-]{1,16}$/),
    api: fc.constant('demo'),
    method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'),
    path: fc.oneof(
      fc.webPath().map((p) => `/${p.replace(/^\/+/, '')}`),
      path,
    ),
    headers: fc.dictionary(
      fc.constantFrom('Accept', 'If-None-Match', 'X-Trace', 'Content-Type'),
      fc.string({ maxLength: 20 }),
      {
        maxKeys: 2,
      },
    ),
    body: fc.jsonValue({ maxDepth: 3 }),
  })
  .map(({ method, body, ...rest }) =>
    method === 'GET' || method === 'HEAD' ? { ...rest, method } : { ...rest, method, body },
  );
const pollution = fc.constantFrom(
  null,
  '{"__proto__":{"polluted":true}}',
  '{"constructor":{"prototype":{"polluted":true}}}',
  '{"extra":1}',
);
const apiPayload = fc.oneof(
  { weight: 4, arbitrary: validRequest },
  {
    weight: 6,
    arbitrary: fc
      .tuple(apiRequest, pollution)
      .map(([r, extra]) => (extra ? { ...r, ...JSON.parse(extra) } : r)),
  },
  { weight: 1, arbitrary: fc.anything() },
);

describe('fuzzing the IPC boundary', () => {
  let sniffer: Listener;
  let registrar: InProcessRegistrar;
  let session: RecordingSession;
  const authority = new TestTokenAuthority();

  beforeAll(async () => {
    sniffer = await startRecordingListener();
    session = new RecordingSession();
    registrar = createInProcessRegistrar();
    registerInvokeHandlers(
      {
        registrar,
        senderCheck: createSenderCheck({ appUrls: [APP_URL], isAppWebContents: (id) => id === 1 }),
      },
      createHandlers({
        session,
        profiles: new RecordingProfiles(),
        api: createApiClient({
          apis: () => [{ name: 'demo', baseUrl: API_BASE }],
          tokens: authority,
          defaultTimeoutMs: 3000,
          http: axios.create({ proxy: { protocol: 'http', host: '127.0.0.1', port: sniffer.port } }),
        }),
      }).invoke,
    );
  });
  afterAll(async () => {
    await sniffer.close();
  });

  async function invokeChecked(channel: InvokeChannel, payload: unknown) {
    const result = await registrar.invoke(channel, sender, payload);
    const shape = resultSchema(invokeChannels[channel].response).safeParse(result);
    expect(shape.success, JSON.stringify(result)).toBe(true);
    expect(result.ok || result.error.code !== 'INTERNAL').toBe(true);
    return result;
  }

  it(`api:request: no throw, contract-shaped results, only valid requests reach the network (${RUNS} runs)`, async () => {
    let reached = 0;
    await fc.assert(
      fc.asyncProperty(apiPayload, async (payload) => {
        // Connections are counted too: a request that failed mid-way would show as one.
        const connectionsBefore = sniffer.connections;
        const requestsBefore = sniffer.requests.length;
        const result = await invokeChecked('api:request', payload);
        const wentOut = sniffer.connections > connectionsBefore || sniffer.requests.length > requestsBefore;
        if (!wentOut) return;
        reached += 1;
        // Something went out: the payload must have been a schema-valid request, with one
        // request on the wire, addressed under the API's base path, with main's bearer only.
        expect(ApiRequestSchema.safeParse(payload).success).toBe(true);
        expect(result.ok).toBe(true);
        const seen = sniffer.requests.at(-1);
        const url = new URL(seen?.url ?? '');
        expect(url.origin).toBe('http://localhost:1');
        expect(url.pathname.startsWith('/base/') || url.pathname === '/base').toBe(true);
        // (An empty query "?" is dropped on the wire; compare the parts that reach the server.)
        const expected = new URL(`${API_BASE}${(payload as { path: string }).path}`);
        expect(url.pathname + url.search).toBe(expected.pathname + expected.search);
        expect(seen?.headers.authorization).toBe(`Bearer ${authority.issued[0]}`);
        expect(seen?.headers.cookie).toBeUndefined();
        expect(seen?.headers['x-forwarded-for']).toBeUndefined();
      }),
      { numRuns: RUNS },
    );
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    // The generator must exercise both sides, or the property proves nothing.
    expect(reached).toBeGreaterThan(0);
  });

  it(`sign-in / sign-out: only exact payloads reach the session (${RUNS} runs)`, async () => {
    const signInPayload = fc.oneof(
      fc.constant({}),
      fc.anything(),
      fc.dictionary(fc.string(), fc.anything(), { maxKeys: 2 }),
    );
    const signOutPayload = fc.oneof(
      fc.record({ endHostedUiSession: fc.boolean() }),
      fc.record({ endHostedUiSession: fc.anything() }),
      fc
        .tuple(fc.boolean(), pollution)
        .map(([b, extra]) => ({ endHostedUiSession: b, ...(extra ? JSON.parse(extra) : {}) })),
      fc.anything(),
    );
    const channel = fc.oneof(
      signInPayload.map((p) => ['auth:sign-in', p] as const),
      signOutPayload.map((p) => ['auth:sign-out', p] as const),
      signInPayload.map((p) => ['auth:cancel-sign-in', p] as const),
    );
    await fc.assert(
      fc.asyncProperty(channel, async ([name, payload]) => {
        const callsBefore = session.calls.length;
        const result = await invokeChecked(name, payload);
        const reachedSession = session.calls.length > callsBefore;
        const exact =
          typeof payload === 'object' &&
          payload !== null &&
          !Array.isArray(payload) &&
          // null-prototype objects are plain data too (a structured clone never makes them, fast-check does)
          [Object.prototype, null].includes(Object.getPrototypeOf(payload)) &&
          (name === 'auth:sign-out'
            ? Object.keys(payload).length === 1 &&
              typeof (payload as Record<string, unknown>)['endHostedUiSession'] === 'boolean'
            : Object.keys(payload).length === 0);
        expect(reachedSession).toBe(exact);
        expect(result.ok).toBe(exact);
        if (!exact) expect(!result.ok && result.error.code).toBe('IPC_INVALID_ARGUMENT');
      }),
      { numRuns: RUNS },
    );
  });
});
