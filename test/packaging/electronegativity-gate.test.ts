import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { blockingFindings, runGate, sarifLevel, type Finding } from '../../tools/security/electronegativity';

/**
 * The gate against the real Electronegativity scanner on two small apps written here: one with
 * the classic misconfigurations (must fail, naming them), one hardened (must pass). The scan of
 * src/ itself is the CI step `npm run security:scan`.
 */
const root = path.resolve(import.meta.dirname, '../..');
const workDir = mkdtempSync(path.join(os.tmpdir(), 'cognito-desktop-eneg-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

function writeApp(name: string, files: Record<string, string>): string {
  const dir = path.join(workDir, name);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

const csp = `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'">`;

const hardenedMain = `
import { app, BrowserWindow, session } from 'electron';
app.whenReady().then(() => {
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  const win = new BrowserWindow({
    webPreferences: {
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      disableBlinkFeatures: 'Auxclick',
    },
  });
  win.webContents.on('will-navigate', (event) => event.preventDefault());
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  win.loadFile('index.html');
});
`;

const misconfiguredMain = `
const { app, BrowserWindow } = require('electron');
app.whenReady().then(() => {
  const win = new BrowserWindow({
    webPreferences: { nodeIntegration: true, contextIsolation: false, sandbox: false, webSecurity: false },
  });
  win.loadURL('http://example.com/app.html');
});
`;

const finding = (overrides: Partial<Finding>): Finding => ({
  id: 'X_CHECK',
  severity: 'MEDIUM',
  confidence: 'FIRM',
  manualReview: false,
  file: 'src/main/x.ts',
  line: 1,
  column: 0,
  description: 'x',
  ...overrides,
});

describe('Electronegativity gate policy', () => {
  it('maps severities to SARIF levels: HIGH error, MEDIUM warning, LOW/INFORMATIONAL and manual reviews note', () => {
    expect(sarifLevel({ severity: 'HIGH', manualReview: false })).toBe('error');
    expect(sarifLevel({ severity: 'MEDIUM', manualReview: false })).toBe('warning');
    expect(sarifLevel({ severity: 'LOW', manualReview: false })).toBe('note');
    expect(sarifLevel({ severity: 'INFORMATIONAL', manualReview: false })).toBe('note');
    expect(sarifLevel({ severity: 'HIGH', manualReview: true })).toBe('note');
  });

  it('blocks on error and warning findings unless their check is excluded with a reason', () => {
    const findings = [
      finding({ id: 'A', severity: 'HIGH' }),
      finding({ id: 'B', severity: 'MEDIUM' }),
      finding({ id: 'C', severity: 'LOW' }),
      finding({ id: 'D', severity: 'MEDIUM', manualReview: true }),
    ];
    expect(blockingFindings(findings, {}).map((f) => f.id)).toEqual(['A', 'B']);
    expect(blockingFindings(findings, { B: 'reason' }).map((f) => f.id)).toEqual(['A']);
  });
});

describe('Electronegativity gate on real scans', () => {
  it('fails a misconfigured app, naming the high and medium checks, and writes them to SARIF', async () => {
    const input = writeApp('misconfigured', {
      'main.js': misconfiguredMain,
      'index.html': '<html><body><script src="http://example.com/x.js"></script></body></html>',
    });
    const sarifPath = path.join(workDir, 'misconfigured.sarif');
    const result = await runGate({ input, sarifPath, root });
    expect(result.passed).toBe(false);
    const blockingIds = new Set(result.blocking.map((f) => f.id));
    for (const id of [
      'CONTEXT_ISOLATION_JS_CHECK',
      'LIMIT_NAVIGATION_GLOBAL_CHECK',
      'PERMISSION_REQUEST_HANDLER_GLOBAL_CHECK',
      'SANDBOX_JS_CHECK',
      'WEB_SECURITY_JS_CHECK',
      'HTTP_RESOURCES_JS_CHECK',
    ]) {
      expect(blockingIds, id).toContain(id);
    }
    const sarif = JSON.parse(readFileSync(sarifPath, 'utf8')) as {
      version: string;
      runs: Array<{ results: Array<{ ruleId: string; level: string; properties: { severity: string } }> }>;
    };
    expect(sarif.version).toBe('2.1.0');
    const results = sarif.runs[0]?.results ?? [];
    const contextIsolation = results.find((r) => r.ruleId === 'CONTEXT_ISOLATION_JS_CHECK');
    expect(contextIsolation).toMatchObject({ level: 'error', properties: { severity: 'HIGH' } });
    expect(results.filter((r) => r.level === 'error' || r.level === 'warning').length).toBe(
      result.blocking.length,
    );
    expect(result.electronVersion).toBe(
      (
        JSON.parse(readFileSync(path.join(root, 'node_modules/electron/package.json'), 'utf8')) as {
          version: string;
        }
      ).version,
    );
  });

  it('passes a hardened app (its remaining findings are notes at most)', async () => {
    const input = writeApp('hardened', {
      'main.js': hardenedMain,
      'index.html': `<!doctype html><html><head>${csp}</head><body><script src="./app.js"></script></body></html>`,
    });
    const result = await runGate({ input, sarifPath: path.join(workDir, 'hardened.sarif'), root });
    expect(result.blocking).toEqual([]);
    expect(result.scanErrors).toEqual([]);
    expect(result.passed).toBe(true);
  });
});
