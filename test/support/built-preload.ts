import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * The BUILT preload (out/preload/index.cjs, what ships), rebuilt first when it is missing or older
 * than its sources (src/preload, src/shared, the build config). The build and the read are
 * serialised with the same flock as the renderer build (test/renderer/built-renderer.ts), so a
 * build started by another test file cannot hand us a half-written file.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
export const BUILT_PRELOAD = path.join(ROOT, 'out/preload/index.cjs');
const LOCK = '/tmp/cognito-desktop-renderer-build.lock';

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

function isStale(): boolean {
  if (!existsSync(BUILT_PRELOAD)) return true;
  const sources = Math.max(
    newestMtime(path.join(ROOT, 'src/preload')),
    newestMtime(path.join(ROOT, 'src/shared')),
    statSync(path.join(ROOT, 'electron.vite.config.ts')).mtimeMs,
  );
  return statSync(BUILT_PRELOAD).mtimeMs < sources;
}

let cached: string | undefined;

/** The text of the built preload bundle, as Electron would load it. */
export function builtPreloadSource(): string {
  if (cached !== undefined) return cached;
  if (isStale()) {
    execFileSync('flock', [LOCK, 'sh', '-c', 'npx electron-vite build >/dev/null'], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
      timeout: 180_000,
    });
  }
  const text = execFileSync('flock', [LOCK, 'cat', BUILT_PRELOAD], { encoding: 'utf8', timeout: 30_000 });
  if (!text.includes('require("electron")') && !text.includes("require('electron')")) {
    throw new Error(`${BUILT_PRELOAD} does not look like the preload bundle (no require("electron"))`);
  }
  cached = text;
  return text;
}
