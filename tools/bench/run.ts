/**
 * `npm run bench [-- name-filter]`: runs every tools/bench/*.bench.ts, prints one line per figure
 * (`name: value unit (baseline name: value; ratio r)`) and writes the same to bench-results.json.
 * Ratios, not absolute times: baselines are measured in the same run because these machines are noisy.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { writePerformanceChart } from './chart';
import { formatFigure, type BenchFigure, type BenchModule } from './figure';

const dir = import.meta.dirname;
const filter = process.argv[2];
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => !filter || f.includes(filter))
  .sort();

const results: Array<BenchFigure & { line: string; bench: string }> = [];
for (const file of files) {
  const mod = (await import(pathToFileURL(path.join(dir, file)).href)) as BenchModule;
  const figures = await mod.run();
  for (const figure of figures) {
    const line = formatFigure(figure);
    console.log(line);
    results.push({ ...figure, line, bench: file.replace(/\.bench\.ts$/, '') });
  }
}
const resultsPath = path.resolve(dir, '../../bench-results.json');
writeFileSync(
  resultsPath,
  JSON.stringify({ date: new Date().toISOString(), node: process.version, figures: results }, null, 2) + '\n',
);
// A filtered run has only some figures: redraw the chart from full runs only.
if (!filter) console.log(`chart: wrote ${path.relative(process.cwd(), writePerformanceChart(resultsPath))}`);
process.exit(0);
