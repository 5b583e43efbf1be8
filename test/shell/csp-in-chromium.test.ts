import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RENDERER_ORIGIN, serveRendererRequest } from '../../src/main/renderer-protocol';
import { launchBrowser } from '../../tools/support/browser';

/**
 * The CSP header the app:// handler sends, enforced by a real Chromium. The handler's responses
 * are served over http on 127.0.0.1 (Chromium here has no app:// scheme), so 'self' is that origin.
 */
let dir: string;
let server: http.Server;
let other: http.Server;
let baseUrl: string;
let otherUrl: string;
let browser: Browser;
let otherHits = 0;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'shell-csp-'));
  mkdirSync(path.join(dir, 'assets'));
  writeFileSync(
    path.join(dir, 'index.html'),
    `<!doctype html><html><head><title>csp</title>
<script>window.inlineRan = true;</script>
<script src="./assets/app.js"></script>
</head><body><div id="root"></div><img src="OTHER/pixel.png"></body></html>`,
  );
  writeFileSync(
    path.join(dir, 'assets', 'app.js'),
    `window.bundleRan = true;
try { eval('window.evalRan = true'); } catch (e) { window.evalBlocked = true; }
window.violations = [];
document.addEventListener('securitypolicyviolation', (e) => window.violations.push(e.violatedDirective));
window.remoteFetch = fetch('OTHER/data').then(() => 'fetched', () => 'blocked');`,
  );
  other = http.createServer((_req, res) => {
    otherHits++;
    res.writeHead(200, { 'access-control-allow-origin': '*' }).end('x');
  });
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  otherUrl = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
  for (const file of ['index.html', 'assets/app.js']) {
    const full = path.join(dir, file);
    writeFileSync(full, readFileSync(full, 'utf8').replaceAll('OTHER', otherUrl));
  }
  server = http.createServer((req, res) => {
    void serveRendererRequest(dir, `${RENDERER_ORIGIN}${req.url ?? '/'}`).then(async (response) => {
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await new Promise<void>((resolve) => (other ? other.close(() => resolve()) : resolve()));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('renderer CSP enforced by Chromium', () => {
  it('runs the bundle but blocks inline script, eval, and every remote origin', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${baseUrl}/index.html`);
      await page.waitForFunction(
        () => (globalThis as unknown as { remoteFetch?: unknown }).remoteFetch !== undefined,
      );
      const result = await page.evaluate(async () => {
        const w = globalThis as unknown as Record<string, unknown>;
        return {
          bundleRan: w['bundleRan'] === true,
          inlineRan: w['inlineRan'] === true,
          evalRan: w['evalRan'] === true,
          evalBlocked: w['evalBlocked'] === true,
          remoteFetch: await (w['remoteFetch'] as Promise<string>),
        };
      });
      expect(result).toEqual({
        bundleRan: true,
        inlineRan: false,
        evalRan: false,
        evalBlocked: true,
        remoteFetch: 'blocked',
      });
      // Neither the image nor the fetch ever reached the other origin.
      expect(otherHits).toBe(0);
    } finally {
      await page.close();
    }
  });
});
