import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import path from 'node:path';

/**
 * A private electron-vite build in a fresh folder under .tmp/ (never the shared out/, which
 * other runs may be rebuilding right now), for tests that run the built main bundle.
 */
export async function buildPrivately(
  root: string,
  prefix: string,
): Promise<{ work: string; outDir: string }> {
  mkdirSync(path.join(root, '.tmp'), { recursive: true });
  const work = mkdtempSync(path.join(root, '.tmp', prefix));
  const outDir = path.join(work, 'out');
  await new Promise<void>((resolve, reject) => {
    const build = spawn(
      process.execPath,
      [path.join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build', '--outDir', outDir],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    build.stdout.on('data', (d: Buffer) => (output += d.toString()));
    build.stderr.on('data', (d: Buffer) => (output += d.toString()));
    build.on('error', reject);
    build.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`electron-vite build failed:\n${output}`)),
    );
  });
  return { work, outDir };
}
