import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { builtRendererCopy } from './built-renderer';

const BUDGET_GZIP_BYTES = 150 * 1024;

describe('the built renderer', () => {
  const build = builtRendererCopy();
  afterAll(() => build.dispose());
  const dir = build.dir;
  const assets = path.join(dir, 'assets');
  const scripts = readdirSync(assets).filter((f) => f.endsWith('.js'));

  it('ships at most 150 KB of gzipped JavaScript, production React, minified', () => {
    expect(scripts.length).toBeGreaterThan(0);
    let gzipped = 0;
    for (const file of scripts) {
      const code = readFileSync(path.join(assets, file));
      gzipped += gzipSync(code, { level: 9 }).length;
      const text = code.toString('utf8');
      expect(text, file).not.toContain('react-dom.development');
      // Unminified output keeps one statement per line; minified output has very long lines.
      expect(text.split('\n').length, file).toBeLessThan(50);
    }
    console.log(`renderer JS gzipped: ${(gzipped / 1024).toFixed(1)} KB (${scripts.length} file(s))`);
    expect(gzipped).toBeLessThanOrEqual(BUDGET_GZIP_BYTES);
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
