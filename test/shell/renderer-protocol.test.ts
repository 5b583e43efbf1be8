import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CONTENT_SECURITY_POLICY,
  RENDERER_ORIGIN,
  serveRendererRequest,
} from '../../src/main/renderer-protocol';

let dir: string;
let root: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'shell-protocol-'));
  root = path.join(dir, 'renderer');
  mkdirSync(path.join(root, 'assets'), { recursive: true });
  writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>app</title>');
  writeFileSync(path.join(root, 'assets', 'index.js'), 'console.log(1)');
  writeFileSync(path.join(dir, 'secret.txt'), 'SENTINEL-OUTSIDE');
  symlinkSync(path.join(dir, 'secret.txt'), path.join(root, 'assets', 'link.txt'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('app:// renderer protocol', () => {
  it('serves the bundle with the strict CSP and nosniff', async () => {
    const response = await serveRendererRequest(root, `${RENDERER_ORIGIN}/index.html`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const js = await serveRendererRequest(root, `${RENDERER_ORIGIN}/assets/index.js`);
    expect(js.headers.get('content-type')).toContain('text/javascript');
    expect(await (await serveRendererRequest(root, `${RENDERER_ORIGIN}/`)).text()).toContain('<title>app');
  });

  it('has no remote origin, no inline script and no eval in the policy', () => {
    const scriptSrc = CONTENT_SECURITY_POLICY.split('; ').find((d) => d.startsWith('script-src'));
    expect(scriptSrc).toBe("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|unsafe-eval|https?:|\*/);
  });

  it.each([
    ['parent traversal', `${RENDERER_ORIGIN}/../secret.txt`],
    ['encoded traversal', `${RENDERER_ORIGIN}/%2e%2e/secret.txt`],
    ['encoded slash traversal', `${RENDERER_ORIGIN}/assets%2f..%2f..%2fsecret.txt`],
    ['backslash', `${RENDERER_ORIGIN}/assets%5c..%5c..%5csecret.txt`],
    ['symlink out of the folder', `${RENDERER_ORIGIN}/assets/link.txt`],
    ['other host', 'app://other-host/index.html'],
    ['other scheme', 'file:///etc/passwd'],
    ['missing file', `${RENDERER_ORIGIN}/nope.js`],
    ['bad encoding', `${RENDERER_ORIGIN}/%E0%A4%A`],
  ])('answers 404 for %s', async (_name, url) => {
    const response = await serveRendererRequest(root, url);
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain('SENTINEL-OUTSIDE');
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
  });
});
