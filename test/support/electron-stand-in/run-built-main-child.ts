import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import path from 'node:path';

/**
 * Runs a BUILT main bundle (out/main/index.js) in a child Node process with the recording
 * stand-in for `electron` (run-built-main.mjs beside this file) and resolves with the stand-in's
 * report and the child's stderr. Bounded: the child is killed after 45 s. The wiring, debug-switch
 * and net.fetch tests share it.
 */
const root = path.resolve(import.meta.dirname, '../../..');
const driver = path.join(root, 'test/support/electron-stand-in/run-built-main.mjs');

export async function runBuiltMain<Report>(options: {
  /** The build output folder holding main/index.js. */
  outDir: string;
  /** A scratch folder; the app's data folder is made inside it. */
  work: string;
  env?: Record<string, string>;
  extraArgs?: string[];
}): Promise<{ report: Report; stderr: string }> {
  return new Promise((resolve, reject) => {
    const dataDir = mkdtempSync(path.join(options.work, 'data-'));
    const bundle = path.join(options.outDir, 'main', 'index.js');
    const child = spawn(process.execPath, [driver, bundle, ...(options.extraArgs ?? [])], {
      cwd: root,
      env: { ...process.env, STAND_IN_DIR: dataDir, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 45_000);
    child.on('error', reject);
    child.on('exit', () => {
      clearTimeout(timer);
      const line = stdout.split('\n').find((l) => l.startsWith('STAND-IN-REPORT '));
      if (!line) return reject(new Error(`no report from the stand-in run:\n${stdout}\n${stderr}`));
      resolve({ report: JSON.parse(line.slice('STAND-IN-REPORT '.length)) as Report, stderr });
    });
  });
}
