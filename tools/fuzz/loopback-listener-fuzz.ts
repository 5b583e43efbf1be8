/**
 * Fuzzes the loopback redirect listener during a real pending sign-in: the session engine has
 * opened its listener and "opened the browser" (the URL is only captured), and fast-check fires
 * generated raw HTTP at the listener's port: random methods, paths and query strings, repeated
 * and oversized parameters, odd and oversized headers, wrong Host headers, garbage bytes,
 * truncated and abandoned (half-open) connections. Some cases carry the REAL state value but are
 * wrong in another way (path, method, Host, an extra or repeated parameter).
 *
 * After every case: the sign-in is still pending, and the answer was no success page, no
 * redirect, and echoed nothing (neither the case's marker nor the real state, nothing JWT-shaped).
 * Then, with a batch of half-open connections still held, the user signs in in Chromium and the
 * real callback completes the sign-in; the page it shows carries no token.
 */
import fc from 'fast-check';
import type { Browser } from 'playwright-core';
import type { KeytarLike } from '../../src/main/auth/credential-store';
import { fillHostedUiLogin } from '../support/browser';
import { startScaleRig } from '../support/scale-rig';
import { isListening, rawExchange, type ConnectionMode } from './raw-http';

export interface ListenerFuzzOptions {
  numRuns: number;
  seed?: number;
  browser: Browser;
  keychain?: KeytarLike;
  /** Half-open connections held while the real callback runs. Default 50. */
  halfOpenHeld?: number;
}

export interface ListenerFuzzResult {
  cases: number;
  realStateCases: number;
  statuses: Record<string, number>;
  endings: Record<string, number>;
  seed: number;
  signedIn: boolean;
  durationMs: number;
}

type RealStateTwist = 'wrong-path' | 'wrong-method' | 'extra-param' | 'repeated-state' | 'wrong-host';

interface ListenerCase {
  kind: 'http' | 'garbage';
  method: string;
  path: string;
  query: Array<[string, string]>;
  headers: Array<[string, string]>;
  host: 'exact' | 'missing' | 'localhost' | 'other' | 'repeated';
  body: string;
  garbage: Uint8Array;
  mode: ConnectionMode;
  realState: RealStateTwist | null;
  marker: string;
}

const token = fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,16}$/);
const headerValue = fc.oneof(
  fc.stringMatching(/^[\x20-\x7e]{0,64}$/),
  fc.integer({ min: 1_000, max: 20_000 }).map((n) => 'v'.repeat(n)),
);
const queryValue = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.stringMatching(/^(%[0-9A-Fa-f]{0,2}|[A-Za-z0-9+&=;])*$/),
  fc.integer({ min: 500, max: 12_000 }).map((n) => 'x'.repeat(n)),
);
const queryKey = fc.oneof(
  fc.constantFrom('code', 'state', 'error', 'error_description', 'iss', 'session_state', 'redirect_uri'),
  fc.string({ maxLength: 12 }),
);

const caseArb: fc.Arbitrary<ListenerCase> = fc.record({
  kind: fc.constantFrom('http', 'http', 'http', 'http', 'garbage'),
  method: fc.oneof(
    fc.constantFrom('GET', 'GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH', 'TRACE', 'CONNECT'),
    token,
  ),
  path: fc.oneof(
    fc.constantFrom(
      '/callback',
      '/callback',
      '/callback/',
      '/CALLBACK',
      '/callback/..',
      '//callback',
      '/%63allback',
      '/callback%00',
      '/callback;x=1',
      '/signed-out',
      '/',
      '*',
      '/../callback',
    ),
    fc.array(fc.stringMatching(/^[A-Za-z0-9._~%-]{0,12}$/), { maxLength: 6 }).map((s) => `/${s.join('/')}`),
    fc.integer({ min: 1_000, max: 20_000 }).map((n) => `/callback${'/a'.repeat(n / 2)}`),
    fc.constant('http://evil.test/callback'),
  ),
  query: fc.array(fc.tuple(queryKey, queryValue), { maxLength: 8 }),
  headers: fc.array(
    fc.oneof(
      fc.tuple(token, headerValue),
      fc.constantFrom<[string, string]>(
        ['Transfer-Encoding', 'chunked'],
        ['Content-Length', '5'],
        ['Content-Length', '-1'],
        ['Expect', '100-continue'],
        ['Upgrade', 'websocket'],
        ['Connection', 'Upgrade'],
        ['Connection', 'keep-alive'],
        ['X-Forwarded-For', '203.0.113.9'],
        ['Forwarded', 'for=203.0.113.9;host=evil.test'],
        ['Origin', 'http://evil.test'],
        ['Referer', 'http://evil.test/'],
      ),
    ),
    { maxLength: 6 },
  ),
  host: fc.constantFrom('exact', 'exact', 'exact', 'missing', 'localhost', 'other', 'repeated'),
  body: fc.oneof(fc.constant(''), fc.string({ maxLength: 64 })),
  garbage: fc.uint8Array({ minLength: 1, maxLength: 512 }),
  mode: fc.constantFrom('complete', 'complete', 'complete', 'keep-open', 'truncated', 'abandon'),
  realState: fc.oneof(
    { weight: 4, arbitrary: fc.constant(null) },
    {
      weight: 1,
      arbitrary: fc.constantFrom<RealStateTwist>(
        'wrong-path',
        'wrong-method',
        'extra-param',
        'repeated-state',
        'wrong-host',
      ),
    },
  ),
  marker: fc.stringMatching(/^[a-f0-9]{12}$/).map((s) => `zq${s}`),
});

/** The raw bytes of one case; `state` is the pending sign-in's real state. */
function buildRequest(c: ListenerCase, port: number, state: string): Buffer {
  if (c.kind === 'garbage') return Buffer.from(c.garbage);
  let method = c.method;
  let path = c.path;
  let host: ListenerCase['host'] = c.host;
  const query: Array<[string, string]> = c.query.map(([k, v]) => [k, `${v}${c.marker}`]);
  if (c.realState) {
    // The real state with a code, wrong in exactly one way the listener must refuse.
    query.length = 0;
    query.push(['code', `fuzz${c.marker}`], ['state', state]);
    // Wrong path: anything but the exact '/callback', including '/../callback' and the absolute
    // form, which the listener refuses although they resolve to the callback path.
    if (c.realState === 'wrong-path' && path === '/callback') path = '/callback/';
    if (c.realState === 'wrong-method' && method === 'GET') method = 'POST';
    if (c.realState === 'extra-param') query.push([`x${c.marker}`, c.marker]);
    if (c.realState === 'repeated-state') query.push(['state', state]);
    if (c.realState === 'wrong-host') host = 'other';
  }
  const search = query.length
    ? `?${query.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}`
    : '';
  const lines = [`${method} ${path}${search} HTTP/1.1`];
  if (host === 'exact' || host === 'repeated') lines.push(`Host: 127.0.0.1:${port}`);
  if (host === 'repeated') lines.push(`Host: evil.test`);
  if (host === 'localhost') lines.push(`Host: localhost:${port}`);
  if (host === 'other') lines.push(`Host: evil.test:${port}`);
  for (const [name, value] of c.headers) lines.push(`${name}: ${value}${c.marker}`);
  if (c.body) lines.push(`Content-Length: ${Buffer.byteLength(c.body)}`);
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n${c.body}`, 'latin1');
}

function statusOf(response: string): string {
  return /^HTTP\/1\.[01] (\d{3})/.exec(response)?.[1] ?? (response.length ? 'other' : 'none');
}

export async function fuzzLoopbackListener(options: ListenerFuzzOptions): Promise<ListenerFuzzResult> {
  const started = performance.now();
  const seed = options.seed ?? Date.now() % 2_147_483_647;
  const rig = await startScaleRig({
    tokenSeconds: 3600,
    ...(options.keychain ? { keychain: options.keychain } : {}),
  });
  const opened: string[] = [];
  let announce: (url: string) => void = () => undefined;
  const authorizeOpened = new Promise<string>((resolve) => (announce = resolve));
  const session = rig.newSession({
    openExternal: async (url) => {
      opened.push(url);
      announce(url);
    },
  });
  const held: Array<Promise<unknown>> = [];
  try {
    const signIn = session.signIn();
    signIn.catch(() => undefined);
    const authorizeUrl = new URL(await authorizeOpened);
    const state = authorizeUrl.searchParams.get('state') ?? '';
    const redirect = new URL(authorizeUrl.searchParams.get('redirect_uri') ?? '');
    const port = Number(redirect.port);
    if (!state || !port) throw new Error('fuzz: the authorize URL lacks state or redirect_uri');

    const statuses: Record<string, number> = {};
    const endings: Record<string, number> = {};
    let cases = 0;
    let realStateCases = 0;
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        cases++;
        if (c.realState) realStateCases++;
        const timeout = c.mode === 'keep-open' ? 400 : 1_500;
        const exchange = await rawExchange(port, buildRequest(c, port, state), c.mode, timeout);
        const status = statusOf(exchange.response);
        statuses[status] = (statuses[status] ?? 0) + 1;
        endings[exchange.ending] = (endings[exchange.ending] ?? 0) + 1;
        const problems: string[] = [];
        const now = session.getState();
        if (now.status !== 'signing-in') {
          const why =
            now.status === 'signed-out' && now.error ? ` (${now.error.code}: ${now.error.message})` : '';
          problems.push(`the pending sign-in ended: ${now.status}${why}`);
        }
        if (/^[23]/.test(status)) problems.push(`answered ${status}`);
        if (exchange.response.includes(c.marker)) problems.push('echoed part of the request');
        if (exchange.response.includes(state)) problems.push('echoed the state');
        if (exchange.response.includes('eyJ')) problems.push('sent something JWT-shaped');
        if (cases % 250 === 0 && !(await isListening(port))) problems.push('listener stopped listening');
        if (problems.length) throw new Error(`listener fuzz case ${cases}: ${problems.join(', ')}`);
      }),
      { numRuns: options.numRuns, seed, endOnFailure: true },
    );
    if (!(await isListening(port))) throw new Error('fuzz: the listener stopped listening');

    // Half-open connections held while the user finishes signing in.
    for (let i = 0; i < (options.halfOpenHeld ?? 50); i++) {
      held.push(
        rawExchange(
          port,
          Buffer.from(`GET /callback?state=${i} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n`),
          'keep-open',
          20_000,
        ),
      );
    }
    const context = await options.browser.newContext();
    let pageText = '';
    try {
      const page = await context.newPage();
      await page.goto(authorizeUrl.href);
      await fillHostedUiLogin(page, { username: 'alice', password: 'Alice-demo-1!' });
      const state2 = await signIn;
      await page.waitForLoadState('load');
      pageText = await page.content();
      if (state2.status !== 'signed-in') throw new Error('fuzz: the real callback did not sign in');
    } finally {
      await context.close();
    }
    const accessToken = await session.getAccessToken();
    const stored = await rig.credentialStore().load();
    const secrets = [accessToken, stored.kind === 'found' ? stored.credential.refreshToken : ''].filter(
      Boolean,
    );
    if (secrets.some((s) => pageText.includes(s)) || pageText.includes('eyJ')) {
      throw new Error('fuzz: the callback page carried a token');
    }
    return {
      cases,
      realStateCases,
      statuses,
      endings,
      seed,
      signedIn: true,
      durationMs: performance.now() - started,
    };
  } finally {
    await session.signOut({ endHostedUiSession: false }).catch(() => undefined);
    await session.dispose();
    await Promise.allSettled(held);
    await rig.close();
  }
}
