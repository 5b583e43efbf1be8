/**
 * `npx tsx tools/bench/chart.ts [bench-results.json] [docs/performance.svg]`: draws the README
 * chart from the figures `npm run bench` wrote. Top: this project vs axios-auth-refresh 5 on
 * 500 concurrent callers with an expired token (token requests, requests that succeeded, API
 * calls). Bottom: the key ratios of the other benches with their targets. Plain SVG, no
 * dependencies; missing figures are left out rather than drawn as zero.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BenchFigure } from './figure';

export interface BenchResultsFile {
  date: string;
  node: string;
  figures: Array<BenchFigure & { bench?: string; line?: string }>;
}

type Figure = BenchResultsFile['figures'][number];

const ROOT = path.resolve(import.meta.dirname, '../..');
const SERIES = [
  { key: 'ours', label: 'this project', color: '#2563eb' },
  { key: 'default', label: 'axios-auth-refresh 5 (default)', color: '#f59e0b' },
  { key: 'nodedup', label: 'axios-auth-refresh 5 (deduplicateRefresh: false)', color: '#dc2626' },
] as const;
type SeriesKey = (typeof SERIES)[number]['key'];
const METRICS = [
  { match: 'token requests', title: 'Token requests', better: 'lower is better' },
  { match: 'requests that succeeded', title: 'Requests that succeeded', better: 'higher is better' },
  { match: 'API calls', title: 'API calls', better: 'lower is better' },
] as const;

function esc(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function fmt(n: number): string {
  if (Number.isInteger(n)) return n.toLocaleString('en-US');
  return Math.abs(n) >= 100 ? n.toFixed(0) : n.toPrecision(3);
}

/** value per series for one metric of the peer comparison, from the peer-refresh figures. */
function peerValues(figures: Figure[], match: string): Partial<Record<SeriesKey, number>> {
  const out: Partial<Record<SeriesKey, number>> = {};
  for (const f of figures) {
    if (f.bench !== 'peer-refresh' || !f.name.includes(match)) continue;
    out.ours = f.value;
    if (/deduplicateRefresh/i.test(f.baselineName)) out.nodedup = f.baselineValue;
    else out.default = f.baselineValue;
  }
  return out;
}

/** The figures whose ratio is the headline of their bench (everything but the peer bars). */
function keyRatios(figures: Figure[]): Figure[] {
  return figures.filter((f) => f.bench !== 'peer-refresh' && f.bench !== '_prof').slice(0, 14);
}

/** A short label for a ratio row: the figure's name without its long run description. */
function shortName(f: Figure): string {
  const name = f.name
    .replace(/^load \([^)]*\): /, 'load: ')
    .replace(/\s*\((lower|higher) is better[^)]*\)/, '');
  return name.length > 78 ? `${name.slice(0, 77)}…` : name;
}

export function renderPerformanceSvg(results: BenchResultsFile): string {
  const width = 960;
  const parts: string[] = [];
  let y = 28;
  parts.push(
    `<text x="20" y="${y}" class="h1">Performance and reliability (npm run bench, ${esc(results.date.slice(0, 10))}, Node ${esc(results.node)})</text>`,
  );
  y += 26;

  const panels = METRICS.map((m) => ({ ...m, values: peerValues(results.figures, m.match) })).filter(
    (p) => p.values.ours !== undefined,
  );
  if (panels.length > 0) {
    parts.push(`<text x="20" y="${y}" class="h2">500 concurrent callers on an expired access token</text>`);
    y += 18;
    let lx = 20;
    for (const s of SERIES) {
      parts.push(`<rect x="${lx}" y="${y - 10}" width="12" height="12" fill="${s.color}"/>`);
      parts.push(`<text x="${lx + 17}" y="${y}" class="small">${esc(s.label)}</text>`);
      lx += 17 + s.label.length * 6.4 + 24;
    }
    y += 16;
    const panelWidth = (width - 40) / panels.length;
    const chartHeight = 150;
    // Room for the two-line panel title and the value label above the tallest bar.
    const top = y + 40;
    panels.forEach((panel, i) => {
      const x0 = 20 + i * panelWidth;
      const max = Math.max(1, ...Object.values(panel.values).filter((v) => v !== undefined));
      parts.push(`<text x="${x0 + 20}" y="${y + 4}" class="label">${esc(panel.title)}</text>`);
      parts.push(`<text x="${x0 + 20}" y="${y + 18}" class="small muted">${esc(panel.better)}</text>`);
      const barWidth = (panelWidth - 60) / SERIES.length;
      SERIES.forEach((s, j) => {
        const value = panel.values[s.key];
        if (value === undefined) return;
        const h = Math.max(1, (value / max) * chartHeight);
        const bx = x0 + 20 + j * barWidth;
        parts.push(
          `<rect x="${bx.toFixed(1)}" y="${(top + chartHeight - h).toFixed(1)}" width="${(barWidth - 8).toFixed(1)}" height="${h.toFixed(1)}" fill="${s.color}"><title>${esc(`${s.label}: ${fmt(value)}`)}</title></rect>`,
        );
        parts.push(
          `<text x="${(bx + (barWidth - 8) / 2).toFixed(1)}" y="${(top + chartHeight - h - 4).toFixed(1)}" class="value" text-anchor="middle">${fmt(value)}</text>`,
        );
      });
      parts.push(
        `<line x1="${x0 + 14}" y1="${top + chartHeight}" x2="${x0 + panelWidth - 30}" y2="${top + chartHeight}" stroke="#9ca3af"/>`,
      );
    });
    y = top + chartHeight + 30;
  }

  const ratios = keyRatios(results.figures);
  if (ratios.length > 0) {
    parts.push(`<text x="20" y="${y}" class="h2">Key figures (value vs same-run baseline)</text>`);
    y += 20;
    for (const f of ratios) {
      parts.push(`<text x="20" y="${y}" class="small">${esc(shortName(f))}</text>`);
      parts.push(
        `<text x="600" y="${y}" class="small mono">${esc(`${fmt(f.value)} ${f.unit} vs ${fmt(f.baselineValue)} → ×${fmt(f.ratio)}`)}</text>`,
      );
      if (f.target)
        parts.push(
          `<text x="800" y="${y}" class="small muted">${esc(`target ${f.target}`.slice(0, 26))}</text>`,
        );
      y += 17;
    }
  }
  const height = y + 10;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="Performance: this project compared with axios-auth-refresh">`,
    '<style>text{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;fill:#111827}.h1{font-size:16px;font-weight:600}.h2{font-size:14px;font-weight:600}.label{font-size:12px;font-weight:600}.small{font-size:11px}.value{font-size:11px;font-weight:600}.mono{font-family:ui-monospace,monospace}.muted{fill:#6b7280}</style>',
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}

/** Reads the results file and writes the SVG; returns the SVG path. */
export function writePerformanceChart(
  resultsPath = path.join(ROOT, 'bench-results.json'),
  svgPath = path.join(ROOT, 'docs/performance.svg'),
): string {
  const results = JSON.parse(readFileSync(resultsPath, 'utf8')) as BenchResultsFile;
  if (!Array.isArray(results.figures)) throw new Error(`${resultsPath}: no "figures" array`);
  writeFileSync(svgPath, renderPerformanceSvg(results));
  return svgPath;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const written = writePerformanceChart(process.argv[2], process.argv[3]);
  console.log(`chart: wrote ${path.relative(process.cwd(), written)}`);
}
