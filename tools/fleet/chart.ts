import { writeFileSync } from 'node:fs';
import type { FleetReport } from './fleet';

/**
 * The fleet chart: token-endpoint requests per second over time, one panel per scenario, one line
 * per client model, and the quota as a dashed line. Plain SVG, no chart library.
 */
const W = 760;
const PANEL_H = 220;
const PAD = { left: 56, right: 16, top: 28, bottom: 34 };
const COLOURS: Record<string, string> = {
  naive: '#c0392b',
  'aws-sdk': '#e67e22',
  engine: '#8e8e8e',
  'engine-fleet': '#1f6feb',
};

export function renderFleetSvg(report: FleetReport): string {
  const scenarios = [...new Set(report.results.map((r) => r.scenario))];
  const height = scenarios.length * (PANEL_H + 20) + 40;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${height}" viewBox="0 0 ${W} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="${PAD.left}" y="18" font-size="14" font-weight="bold">Token-endpoint requests per second: ${report.options.clients} clients, quota ${report.options.quotaPerSecond} rps</text>`,
  );
  scenarios.forEach((scenario, index) => {
    const top = 30 + index * (PANEL_H + 20);
    const runs = report.results.filter((r) => r.scenario === scenario);
    const maxT = Math.max(10, ...runs.flatMap((r) => r.timeline.map((b) => b.t)));
    const maxY = Math.max(
      report.options.quotaPerSecond * 1.5,
      ...runs.flatMap((r) => r.timeline.map((b) => b.requests)),
    );
    const x = (t: number) => PAD.left + (t / maxT) * (W - PAD.left - PAD.right);
    const y = (v: number) => top + PAD.top + (1 - v / maxY) * (PANEL_H - PAD.top - PAD.bottom);
    parts.push(`<text x="${PAD.left}" y="${top + 16}" font-weight="bold">${scenario}</text>`);
    parts.push(`<line x1="${x(0)}" y1="${y(0)}" x2="${x(maxT)}" y2="${y(0)}" stroke="#888"/>`);
    parts.push(`<line x1="${x(0)}" y1="${y(0)}" x2="${x(0)}" y2="${y(maxY)}" stroke="#888"/>`);
    for (const tick of [0, Math.round(maxY / 2), Math.round(maxY)]) {
      parts.push(`<text x="${PAD.left - 6}" y="${y(tick) + 4}" text-anchor="end">${tick}</text>`);
    }
    for (let t = 0; t <= maxT; t += Math.max(10, Math.round(maxT / 8 / 10) * 10)) {
      parts.push(`<text x="${x(t)}" y="${y(0) + 16}" text-anchor="middle">${t} s</text>`);
    }
    const q = report.options.quotaPerSecond;
    parts.push(
      `<line x1="${x(0)}" y1="${y(q)}" x2="${x(maxT)}" y2="${y(q)}" stroke="#555" stroke-dasharray="6 4"/>`,
    );
    parts.push(`<text x="${x(maxT)}" y="${y(q) - 4}" text-anchor="end" fill="#555">quota ${q} rps</text>`);
    runs.forEach((run, i) => {
      const points = run.timeline.map((b) => `${x(b.t).toFixed(1)},${y(b.requests).toFixed(1)}`).join(' ');
      const colour = COLOURS[run.model] ?? '#333';
      parts.push(`<polyline fill="none" stroke="${colour}" stroke-width="1.5" points="${points}"/>`);
      parts.push(
        `<text x="${W - PAD.right - 260}" y="${top + 16 + i * 14}" fill="${colour}">${run.model}: peak ${run.peakRequestsPerSecond} rps, ${run.tokenRequestsPerClient.toFixed(2)} req/client</text>`,
      );
    });
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

export function writeFleetChart(report: FleetReport, file: string): string {
  writeFileSync(file, renderFleetSvg(report));
  return file;
}
