/**
 * Renderer JavaScript, gzipped (level 9). Needs `npm run build` first. Two figures:
 * - what the first screen loads (index.html's module script and modulepreload links and their
 *   static imports; tools/support/renderer-bundle.ts): target under 100 KB, since the start pays
 *   for every byte of it (fetch, compile, run);
 * - every .js the renderer ships, lazily loaded chunks included: the 150 KB budget.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { gzippedBytes, rendererScripts } from '../support/renderer-bundle';
import type { BenchFigure } from './figure';

const INITIAL_TARGET_KB = 100;
const BUDGET_KB = 150;

export async function run(): Promise<BenchFigure[]> {
  const dir = path.resolve(import.meta.dirname, '../../out/renderer');
  if (!existsSync(path.join(dir, 'index.html'))) {
    throw new Error('out/renderer is missing: run npm run build before npm run bench');
  }
  const scripts = rendererScripts(dir);
  const initial = gzippedBytes(dir, scripts.initial) / 1024;
  const all = gzippedBytes(dir, scripts.all) / 1024;
  return [
    {
      name: `renderer JS the first screen loads, gzipped (${scripts.initial.length} of ${scripts.all.length} files; lower is better)`,
      value: Number(initial.toFixed(1)),
      unit: 'KB',
      baselineName: 'target',
      baselineValue: INITIAL_TARGET_KB,
      ratio: Number((initial / INITIAL_TARGET_KB).toFixed(4)),
      target: '< 1',
    },
    {
      name: 'renderer JS in total (lazily loaded chunks included), gzipped (lower is better)',
      value: Number(all.toFixed(1)),
      unit: 'KB',
      baselineName: 'budget',
      baselineValue: BUDGET_KB,
      ratio: Number((all / BUDGET_KB).toFixed(4)),
      target: '<= 1',
    },
  ];
}
