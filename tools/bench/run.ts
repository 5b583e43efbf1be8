/**
 * `npm run bench [-- name-filter] [--update-docs]`: runs every tools/bench/*.bench.ts, prints one
 * line per figure (`name: value unit (baseline name: value; ratio r) [target …: met|MISSED]`),
 * writes the same to bench-results.json (untracked), and ends with `targets: N met, N missed`,
 * each missed target printed again with its figure. Exit code 1 when a target is missed or a bench
 * could not run. Ratios, not absolute times: baselines are measured in the same run because these
 * machines are noisy. A plain run leaves the work tree clean; `--update-docs` (full runs only)
 * also redraws the tracked docs/performance.svg.
 *
 * Works on a fresh clone after `npm ci`: when a renderer bench (they read the build) is
 * selected, builds out/ first if it is missing or older than the sources (the check `npm start`
 * uses). A bench that cannot run (a missing tool, a failing start-up) prints
 * `<bench>: could not run: <why>`, is recorded as such in bench-results.json, and the others
 * still run; the exit code is then 1.
 * Each bench runs in a child process of its own (this file again, with BENCH_ONE set): process-wide
 * state one bench sets up (keytar's D-Bus connection to its private keyring, undici's global
 * dispatcher, the session engine's discovery cache) cannot leak into the next, and a bench that
 * crashes or hangs (BENCH_TIMEOUT_MS, default 10 min) is reported like any other failure.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildIsStale } from '../start/build-freshness';
import { writePerformanceChart } from './chart';
import { checkTarget, formatFigure, summariseTargets, type BenchFigure, type BenchModule } from './figure';

const FIGURES_MARK = 'bench-figures: ';
const ERROR_MARK = 'bench-error: ';

// Child mode: run one bench, hand its figures (or its error) to the parent on stdout.
const one = process.env['BENCH_ONE'];
if (one !== undefined) {
  try {
    const mod = (await import(pathToFileURL(one).href)) as BenchModule;
    const figures = await mod.run();
    process.stdout.write(`\n${FIGURES_MARK}${JSON.stringify(figures)}\n`);
    process.exit(0);
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    process.stdout.write(`\n${ERROR_MARK}${JSON.stringify(error)}\n`);
    process.exit(1);
  }
}

const dir = import.meta.dirname;
const root = path.resolve(dir, '../..');
const args = process.argv.slice(2);
const updateDocs = args.includes('--update-docs');
const filter = args.find((a) => !a.startsWith('--'));
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => !filter || f.includes(filter))
  .sort();

let buildError: string | undefined;
// Only the renderer benches read out/; the others import the sources.
const readsBuild = ['renderer-size.bench.ts', 'renderer-start.bench.ts'];
if (files.some((f) => readsBuild.includes(f)) && buildIsStale(root)) {
  console.log('bench: building the app first (electron-vite build)...');
  const build = spawnSync(
    process.execPath,
    [path.join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'],
    {
      cwd: root,
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  if (build.status !== 0) buildError = `electron-vite build failed (exit ${build.status ?? build.signal})`;
}

const tsxCli = path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const timeoutMs = Number(process.env['BENCH_TIMEOUT_MS'] ?? 10 * 60_000);

/** Runs one bench in a child process: its figures, or why it could not run. */
function runChild(file: string): Promise<BenchFigure[]> {
  const child = spawn(process.execPath, [tsxCli, import.meta.filename], {
    cwd: root,
    env: { ...process.env, BENCH_ONE: path.join(dir, file) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const lines = out.split('\n');
      const figures = lines.find((l) => l.startsWith(FIGURES_MARK));
      const error = lines.find((l) => l.startsWith(ERROR_MARK));
      // Whatever else the bench printed is shown as it was.
      const rest = lines.filter((l) => l !== figures && l !== error && l.trim() !== '');
      if (rest.length > 0) console.log(rest.join('\n'));
      if (code === 0 && figures) resolve(JSON.parse(figures.slice(FIGURES_MARK.length)) as BenchFigure[]);
      else if (error) reject(new Error(JSON.parse(error.slice(ERROR_MARK.length)) as string));
      else
        reject(
          new Error(
            signal === 'SIGKILL'
              ? `no result within ${timeoutMs} ms (BENCH_TIMEOUT_MS)`
              : `the bench process ended (exit ${code ?? signal}) without a result`,
          ),
        );
    });
  });
}

const results: Array<BenchFigure & { line: string; bench: string }> = [];
const failures: Array<{ bench: string; error: string }> = [];
for (const file of files) {
  const bench = file.replace(/\.bench\.ts$/, '');
  try {
    if (buildError !== undefined && readsBuild.includes(file)) throw new Error(buildError);
    const figures = await runChild(file);
    for (const figure of figures) {
      const line = formatFigure(figure);
      console.log(line);
      results.push({ ...figure, line, bench, ...(figure.target ? { met: checkTarget(figure)?.met } : {}) });
    }
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    console.log(`${bench}: could not run: ${error.split('\n')[0]}`);
    failures.push({ bench, error });
  }
}
const resultsPath = path.resolve(root, 'bench-results.json');
const targets = summariseTargets(results, failures.length);
writeFileSync(
  resultsPath,
  JSON.stringify(
    {
      date: new Date().toISOString(),
      node: process.version,
      figures: results,
      failures,
      targets: { met: targets.met, missed: targets.missed },
    },
    null,
    2,
  ) + '\n',
);
// The chart is a tracked file: redrawn only on request, from a full run with no failure.
if (updateDocs) {
  if (!filter && failures.length === 0) {
    console.log(`chart: wrote ${path.relative(process.cwd(), writePerformanceChart(resultsPath))}`);
  } else console.log('chart: not redrawn (--update-docs needs a full run in which every bench ran)');
}
if (failures.length > 0) console.log(`bench: ${failures.length} of ${files.length} benches could not run`);
for (const line of targets.missedLines) console.log(`missed: ${line}`);
console.log(targets.line);
process.exit(failures.length > 0 || targets.missed > 0 ? 1 : 0);
