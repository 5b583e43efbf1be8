/** Renderer JavaScript, gzipped, against the 150 KB budget. Needs `npm run build` first. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { BenchFigure } from './figure';

const BUDGET_KB = 150;

export async function run(): Promise<BenchFigure[]> {
  const dir = path.resolve(import.meta.dirname, '../../out/renderer/assets');
  if (!existsSync(dir)) throw new Error('out/renderer is missing: run npm run build before npm run bench');
  const kb =
    readdirSync(dir)
      .filter((f) => f.endsWith('.js'))
      .reduce((n, f) => n + gzipSync(readFileSync(path.join(dir, f)), { level: 9 }).length, 0) / 1024;
  return [
    {
      name: 'renderer JS gzipped (lower is better)',
      value: kb,
      unit: 'KB',
      baselineName: 'budget',
      baselineValue: BUDGET_KB,
      ratio: kb / BUDGET_KB,
      target: '<= 1',
    },
  ];
}
