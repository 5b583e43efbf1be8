import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

interface Manifest {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

const readManifest = (dir: string) =>
  JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as Manifest;

/** Node's lookup: the nearest node_modules/<name> walking up from the requiring package. */
function resolvePackageDir(name: string, fromDir: string, root: string): string | undefined {
  let dir = fromDir;
  for (;;) {
    const candidate = path.join(dir, 'node_modules', name);
    if (existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (dir === root) return undefined;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * Names of every package reachable from the project's `dependencies` (with their own
 * dependencies and installed optional dependencies), as resolved on disk: what a correct
 * package must carry, and all it may carry, in node_modules.
 */
export function productionClosure(root: string): Set<string> {
  const names = new Set<string>();
  const visited = new Set<string>();
  const queue: Array<{ name: string; fromDir: string; optional: boolean }> = Object.keys(
    readManifest(root).dependencies ?? {},
  ).map((name) => ({ name, fromDir: root, optional: false }));
  while (queue.length > 0) {
    const next = queue.shift();
    if (!next) break;
    const dir = resolvePackageDir(next.name, next.fromDir, root);
    if (!dir) {
      if (next.optional) continue;
      throw new Error(`production dependency ${next.name} (needed from ${next.fromDir}) is not installed`);
    }
    if (visited.has(dir)) continue;
    visited.add(dir);
    names.add(next.name);
    const manifest = readManifest(dir);
    for (const name of Object.keys(manifest.dependencies ?? {}))
      queue.push({ name, fromDir: dir, optional: false });
    for (const name of Object.keys(manifest.optionalDependencies ?? {}))
      queue.push({ name, fromDir: dir, optional: true });
  }
  return names;
}

export function devDependencyNames(root: string): string[] {
  return Object.keys(readManifest(root).devDependencies ?? {});
}

/** Package names present in an asar listing (entries like /node_modules/@scope/name/package.json). */
export function packagesInListing(entries: Iterable<string>): Set<string> {
  const names = new Set<string>();
  for (const entry of entries) {
    const match = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\/package\.json$/.exec(entry);
    if (match?.[1]) names.add(match[1]);
  }
  return names;
}
