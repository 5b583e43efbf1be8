/**
 * Renderer start: the time from navigation to the first screen interactive, for the built
 * renderer (out/renderer) in Chromium, against a bare React 19 page (renderer-baseline/: one
 * screen, one button) built in the same run by the project's own renderer build settings (the
 * renderer section of electron.vite.config.ts as electron-vite resolves it: the same React
 * plugin, Chromium target and minifier). Target: <= 1.3.
 *
 * "Interactive": a button reading "Sign in" is in the page and enabled (React attaches its event
 * handlers at the root before the first commit, so from then a click works). Both pages get the
 * same init script, a MutationObserver from document start that records `performance.now()`
 * (ms since navigation start) at that moment.
 *
 * The app page runs the real built preload (out/preload/index.cjs) against a stand-in for what
 * Electron gives a sandboxed preload, whose `ipcRenderer.invoke` answers at once with fixed
 * values (signed out, one environment, English, no policy, updates off), each checked against
 * the IPC contract's response schema here: the figure is the renderer's own start, without IPC
 * latency (which in Electron is the same for any page). Each round is a new browser context (no
 * HTTP cache), pages served over loopback http, app and baseline alternating. Bounded: ~20 s.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { policyView } from '../../src/main/policy/policy-view';
import { invokeChannels, type InvokeChannel } from '../../src/shared/ipc-contract';
import { launchBrowser } from '../support/browser';
import { median } from '../support/stats';
import type { BenchFigure } from './figure';

const ROUNDS = Number(process.env['RENDERER_START_ROUNDS'] ?? 15);
const ROOT = path.resolve(import.meta.dirname, '../..');
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

/** The answers main would give a signed-out first start, each validated against the contract. */
function startAnswers(): Record<string, unknown> {
  const values: Partial<Record<InvokeChannel, unknown>> = {
    'session:get-state': { status: 'signed-out', reason: 'none', storage: { kind: 'keychain' } },
    'profiles:list': {
      activeProfileId: 'bench',
      profiles: [{ id: 'bench', label: 'Bench', demo: false, apis: [] }],
    },
    'settings:get': { settings: { language: 'en', theme: 'light' }, persisted: true },
    'system:preferred-languages': ['en-US'],
    'app:about': {
      name: 'Cognito Desktop',
      version: '0.0.0-bench',
      electron: null,
      chromium: null,
      node: process.versions.node,
      licence: 'MIT',
      isDevelopment: false,
    },
    'policy:get': policyView(undefined),
    'updates:get-state': { status: 'off', reason: 'development' },
  };
  const answers: Record<string, unknown> = {};
  for (const [channel, value] of Object.entries(values)) {
    const parsed = invokeChannels[channel as InvokeChannel].response.parse(value);
    answers[channel] = { ok: true, value: parsed };
  }
  return answers;
}

/** Serves a built folder over http on 127.0.0.1 (module scripts need http, not file://). */
async function serve(dir: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = path.join(dir, pathname === '/' ? 'index.html' : pathname);
    if (!file.startsWith(dir) || !existsSync(file)) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The bare React page, built now with the renderer's resolved build settings into `outDir`. */
async function buildBaseline(outDir: string): Promise<void> {
  process.env['NODE_ENV_ELECTRON_VITE'] = 'production';
  const { resolveConfig } = await import('electron-vite');
  const { build } = await import('vite');
  const resolved = await resolveConfig({}, 'build', 'production');
  const renderer = (resolved.config as { renderer?: Record<string, unknown> }).renderer as
    | (Record<string, unknown> & { build?: Record<string, unknown> & { rolldownOptions?: object } })
    | undefined;
  if (!renderer) throw new Error('renderer-start: electron.vite.config.ts has no renderer section');
  const dir = path.join(import.meta.dirname, 'renderer-baseline');
  await build({
    ...renderer,
    root: dir,
    logLevel: 'warn',
    build: {
      ...renderer.build,
      outDir,
      emptyOutDir: true,
      rolldownOptions: { ...renderer.build?.rolldownOptions, input: { index: path.join(dir, 'index.html') } },
    },
  });
}

/**
 * Runs in the page before any of its scripts: records when the first enabled "Sign in" button
 * appears, and says so on the console. The harness waits for that console message (a CDP event)
 * rather than polling the page: page.goto's default wait for \`load\` and waitForFunction's
 * injected script would run Playwright's own code (~10 ms) on the page's main thread, in the
 * middle of the app's start (which runs past \`load\`) but after the bare page is done.
 */
const INTERACTIVE_MARK = 'bench:interactive';
const OBSERVER = `(() => {
  const w = window;
  const check = () => {
    if (w.__interactiveAt !== undefined) return;
    for (const b of document.querySelectorAll('button')) {
      if (!b.disabled && b.textContent.trim() === 'Sign in') {
        w.__interactiveAt = performance.now();
        observer.disconnect();
        console.debug(${JSON.stringify(INTERACTIVE_MARK)});
        return;
      }
    }
  };
  const observer = new MutationObserver(check);
  observer.observe(document, { subtree: true, childList: true, attributes: true });
  // Module scripts run before DOMContentLoaded: this marks the bundle fetched, compiled and run.
  document.addEventListener('DOMContentLoaded', () => { w.__dclAt = performance.now(); });
})();`;

/** What Electron gives a sandboxed preload, answering from `answers`; then the built preload itself. */
function preloadScript(preload: string, answers: Record<string, unknown>): string {
  return `(() => {
  const answers = ${JSON.stringify(answers)};
  const ipcRenderer = {
    invoke: (channel) => Promise.resolve(answers[channel] ?? { ok: false, error: { code: 'INTERNAL', message: 'not in the bench' } }),
    on() { return ipcRenderer; },
    removeListener() { return ipcRenderer; },
  };
  const contextBridge = { exposeInMainWorld: (key, api) => Object.defineProperty(window, key, { value: api }) };
  const require = (id) => { if (id === 'electron') return { ipcRenderer, contextBridge }; throw new Error('no module ' + id); };
  const module = { exports: {} };
  (function (require, module, exports) {
${preload}
  })(require, module, module.exports);
})();`;
}

export async function run(): Promise<BenchFigure[]> {
  const appDir = path.join(ROOT, 'out/renderer');
  const preloadFile = path.join(ROOT, 'out/preload/index.cjs');
  if (!existsSync(path.join(appDir, 'index.html')) || !existsSync(preloadFile)) {
    throw new Error('out/ is missing: run npm run build first');
  }
  const tmp = mkdtempSync(path.join(tmpdir(), 'bench-renderer-start-'));
  const closers: Array<() => Promise<unknown>> = [];
  try {
    const bareDir = path.join(tmp, 'bare');
    await buildBaseline(bareDir);
    const app = await serve(appDir);
    const bare = await serve(bareDir);
    closers.push(app.close, bare.close);
    const browser = await launchBrowser();
    closers.push(() => browser.close());
    const appInit = preloadScript(readFileSync(preloadFile, 'utf8'), startAnswers());

    const once = async (url: string, scripts: string[]): Promise<{ interactive: number; dcl: number }> => {
      const context = await browser.newContext();
      try {
        for (const script of scripts) await context.addInitScript({ content: script });
        const page = await context.newPage();
        const errors: string[] = [];
        page.on('pageerror', (e) => errors.push(e.message));
        const shown = page.waitForEvent('console', {
          predicate: (message) => message.text() === INTERACTIVE_MARK,
          timeout: 15_000,
        });
        await page.goto(url, { waitUntil: 'commit' });
        await shown.catch(() => {
          throw new Error(`renderer-start: no enabled "Sign in" button at ${url} (${errors.join('; ')})`);
        });
        const interactive = await page.evaluate(
          () => (globalThis as { __interactiveAt?: number }).__interactiveAt ?? Number.NaN,
        );
        const dcl = await page.evaluate(() => (globalThis as { __dclAt?: number }).__dclAt ?? Number.NaN);
        return { interactive, dcl };
      } finally {
        await context.close();
      }
    };
    const sides = {
      app: () => once(app.url, [OBSERVER, appInit]),
      bare: () => once(bare.url, [OBSERVER]),
    };
    await sides.app(); // warm-up: Chromium's own first-page costs
    await sides.bare();
    const times = { app: [] as number[], bare: [] as number[] };
    const dcl = { app: [] as number[], bare: [] as number[] };
    const after = { app: [] as number[], bare: [] as number[] };
    for (let i = 0; i < ROUNDS; i++) {
      const order = i % 2 === 0 ? (['app', 'bare'] as const) : (['bare', 'app'] as const);
      for (const side of order) {
        const t = await sides[side]();
        times[side].push(t.interactive);
        dcl[side].push(t.dcl);
        after[side].push(t.interactive - t.dcl);
      }
    }
    const a = median(times.app);
    const b = median(times.bare);
    const stage = (name: string, series: { app: number[]; bare: number[] }): BenchFigure => ({
      name: `renderer start: ${name}, median of ${ROUNDS} (lower is better; report only)`,
      value: Number(median(series.app).toFixed(1)),
      unit: 'ms',
      baselineName: 'the bare React 19 page',
      baselineValue: Number(median(series.bare).toFixed(1)),
      ratio: Number((median(series.app) / median(series.bare)).toFixed(3)),
    });
    return [
      {
        name: `renderer start: navigation to the first screen interactive (enabled Sign in button), built renderer in Chromium, median of ${ROUNDS} (lower is better)`,
        value: Number(a.toFixed(1)),
        unit: 'ms',
        baselineName: 'bare React 19 page (one button), built with the same renderer build settings',
        baselineValue: Number(b.toFixed(1)),
        ratio: Number((a / b).toFixed(3)),
        target: '<= 1.3',
      },
      stage('navigation to DOMContentLoaded (the bundle fetched, compiled and run)', dcl),
      stage('DOMContentLoaded to interactive (first renders, IPC answers, effects)', after),
    ];
  } finally {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    rmSync(tmp, { recursive: true, force: true });
  }
}
