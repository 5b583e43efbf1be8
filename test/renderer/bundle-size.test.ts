import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { gzippedBytes, rendererScripts } from '../../tools/support/renderer-bundle';
import { builtRendererCopy } from './built-renderer';

// What the first screen loads (entry + its static imports), and everything the renderer ships.
const INITIAL_GZIP_BYTES = 100 * 1024;
const BUDGET_GZIP_BYTES = 150 * 1024;

describe('the built renderer', () => {
  const build = builtRendererCopy();
  afterAll(() => build.dispose());
  const dir = build.dir;
  const assets = path.join(dir, 'assets');
  const scripts = rendererScripts(dir);

  it('ships production React, minified', () => {
    expect(scripts.all.length).toBeGreaterThan(0);
    for (const file of scripts.all) {
      const text = readFileSync(path.join(dir, file), 'utf8');
      expect(text, file).not.toContain('react-dom.development');
      // Unminified output keeps one statement per line; minified output has very long lines.
      expect(text.split('\n').length, file).toBeLessThan(50);
    }
  });

  it('makes the first screen load under 100 KB of gzipped JavaScript, the signed-in screens later', () => {
    const initial = gzippedBytes(dir, scripts.initial);
    const all = gzippedBytes(dir, scripts.all);
    console.log(
      `renderer JS gzipped: first screen ${(initial / 1024).toFixed(1)} KB (${scripts.initial.length} file(s)), ` +
        `total ${(all / 1024).toFixed(1)} KB (${scripts.all.length} file(s))`,
    );
    expect(scripts.initial.length).toBeGreaterThan(0);
    // The signed-in app is a chunk of its own, reached only through import().
    const lazy = scripts.all.filter((f) => !scripts.initial.includes(f));
    expect(
      lazy.some((f) => /SignedInShell-/.test(f)),
      lazy.join(', '),
    ).toBe(true);
    expect(initial).toBeLessThan(INITIAL_GZIP_BYTES);
    expect(all).toBeLessThanOrEqual(BUDGET_GZIP_BYTES);
  });

  it('loads nothing from another origin and keeps its strict CSP', () => {
    const html = readFileSync(path.join(dir, 'index.html'), 'utf8');
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    const csp = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1] ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'self'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
    for (const file of readdirSync(assets).filter((f) => f.endsWith('.css'))) {
      expect(readFileSync(path.join(assets, file), 'utf8'), file).not.toMatch(/url\(\s*['"]?(https?:)?\/\//);
    }
  });
});
