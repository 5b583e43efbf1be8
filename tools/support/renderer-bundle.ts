import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

/**
 * What a built renderer (out/renderer) makes the first screen load, for the size bench and the
 * bundle-size test: the module script and modulepreload links of index.html, and every chunk those
 * import statically (`import … from "./x.js"`, `import "./x.js"`), transitively. Chunks reached
 * only through `import()` (the lazily loaded screens, the German catalogue) are not initial.
 * Sizes are gzip level 9, the figure a download or an installer's compression sees.
 */
export interface RendererScripts {
  /** Paths relative to the renderer folder (`assets/index-abc.js`). */
  initial: string[];
  /** Every .js file under assets/. */
  all: string[];
}

const HTML_SCRIPT = /<script\b[^>]*\btype="module"[^>]*\bsrc="([^"]+)"/g;
const HTML_PRELOAD = /<link\b[^>]*\brel="modulepreload"[^>]*\bhref="([^"]+)"/g;
// Minified static imports: `import{a as b}from"./x.js"`, `import*as c from"./x.js"`, `import"./x.js"`.
const STATIC_IMPORT = /(?:^|[;\s}])import\s*(?:[\w$*{][^'"`;]*?from\s*)?["'`](\.{1,2}\/[^"'`]+\.js)["'`]/g;
// `export … from "./x.js"` also loads the module statically.
const STATIC_REEXPORT = /(?:^|[;\s}])export\s*[*{][^'"`;]*?from\s*["'`](\.{1,2}\/[^"'`]+\.js)["'`]/g;

export function rendererScripts(dir: string): RendererScripts {
  const html = readFileSync(path.join(dir, 'index.html'), 'utf8');
  const roots = [...html.matchAll(HTML_SCRIPT), ...html.matchAll(HTML_PRELOAD)].map((m) =>
    path.posix.normalize(m[1]!.replace(/^\.?\//, '')),
  );
  if (roots.length === 0) throw new Error(`renderer-bundle: no module script in ${dir}/index.html`);
  const initial = new Set<string>();
  const queue = [...roots];
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (initial.has(file)) continue;
    initial.add(file);
    const code = readFileSync(path.join(dir, file), 'utf8');
    for (const m of [...code.matchAll(STATIC_IMPORT), ...code.matchAll(STATIC_REEXPORT)]) {
      queue.push(path.posix.join(path.posix.dirname(file), m[1]!));
    }
  }
  const all = readdirSync(path.join(dir, 'assets'))
    .filter((f) => f.endsWith('.js'))
    .map((f) => `assets/${f}`);
  return { initial: [...initial].sort(), all: all.sort() };
}

/** Gzipped bytes (level 9) of the given files, relative to `dir`. */
export function gzippedBytes(dir: string, files: readonly string[]): number {
  return files.reduce((n, f) => n + gzipSync(readFileSync(path.join(dir, f)), { level: 9 }).length, 0);
}
