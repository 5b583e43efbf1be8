import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * The tests run the BUILT renderer (what ships). If out/renderer is older than its sources,
 * `electron-vite build` runs once (serialised with flock: several test files start together),
 * with the shipped config, so the bundle checked is the real one. Each caller then gets its
 * own copy: a later build (another test file, another engineer) empties out/renderer, and a
 * page being tested must not lose its files halfway.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
const BUILT_RENDERER = path.join(ROOT, 'out/renderer');
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
  const built = path.join(BUILT_RENDERER, 'index.html');
  if (!existsSync(built)) return true;
  const sources = Math.max(
    newestMtime(path.join(ROOT, 'src/renderer')),
    newestMtime(path.join(ROOT, 'src/shared')),
    statSync(path.join(ROOT, 'electron.vite.config.ts')).mtimeMs,
  );
  return statSync(built).mtimeMs < sources;
}

/** True when index.html and every asset it references are present. */
function isComplete(dir: string): boolean {
  const index = path.join(dir, 'index.html');
  if (!existsSync(index)) return false;
  const html = readFileSync(index, 'utf8');
  const refs = [...html.matchAll(/(?:src|href)="\.?\/?(assets\/[^"]+)"/g)].map((m) => m[1]!);
  return refs.length > 0 && refs.every((ref) => existsSync(path.join(dir, ref)));
}

/** A private, complete copy of the built renderer; remove it with the returned `dispose`. */
export function builtRendererCopy(): { dir: string; dispose: () => void } {
  for (let attempt = 0; attempt < 3; attempt += 1) {
    if (isStale() || !isComplete(BUILT_RENDERER)) {
      execFileSync('flock', [LOCK, 'sh', '-c', 'npx electron-vite build >/dev/null'], {
        cwd: ROOT,
        stdio: ['ignore', 'ignore', 'inherit'],
        timeout: 180_000,
      });
    }
    const dir = mkdtempSync(path.join(tmpdir(), 'renderer-build-'));
    execFileSync('flock', [LOCK, 'cp', '-r', `${BUILT_RENDERER}/.`, dir], { timeout: 30_000 });
    if (isComplete(dir)) return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
    rmSync(dir, { recursive: true, force: true });
  }
  throw new Error(`Could not get a complete renderer build from ${BUILT_RENDERER}`);
}
