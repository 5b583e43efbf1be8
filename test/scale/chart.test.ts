import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { renderPerformanceSvg, writePerformanceChart } from '../../tools/bench/chart';
import type { BenchResultsFile } from '../../tools/bench/chart';

const tag = 'peer (500 concurrent callers, expired token)';
function peerFigures(peer: string, tokens: number, ok: number, calls: number): BenchResultsFile['figures'] {
  const base = { baselineName: peer, bench: 'peer-refresh', ratio: 0 };
  return [
    {
      ...base,
      name: `${tag}: token requests, this project`,
      value: 1,
      unit: 'requests',
      baselineValue: tokens,
    },
    {
      ...base,
      name: `${tag}: requests that succeeded, this project`,
      value: 500,
      unit: 'requests',
      baselineValue: ok,
    },
    { ...base, name: `${tag}: API calls, this project`, value: 500, unit: 'calls', baselineValue: calls },
  ];
}

const results: BenchResultsFile = {
  date: '2026-11-26T12:00:00.000Z',
  node: 'v20.20.2',
  figures: [
    ...peerFigures('axios-auth-refresh 5 default', 32, 32, 532),
    ...peerFigures('axios-auth-refresh 5 deduplicateRefresh:false', 57, 500, 1000),
    {
      name: 'load (20000 requests): p50 latency <through> the IPC handler path (lower is better)',
      value: 10.9,
      unit: 'ms',
      baselineName: 'bare axios',
      baselineValue: 10.95,
      ratio: 0.995,
      target: '<= 1.15',
      bench: 'load',
    },
  ],
};

it('draws the peer bars and the key ratios from bench-results.json, escaping text', () => {
  const svg = renderPerformanceSvg(results);
  expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
  // One bar per series per metric, each titled with its value.
  expect(svg.match(/<rect [^>]*><title>/g)).toHaveLength(9);
  for (const label of [
    'this project: 1',
    'axios-auth-refresh 5 (default): 32',
    'deduplicateRefresh: false): 1,000',
  ]) {
    expect(svg).toContain(label);
  }
  expect(svg).toContain('&#60;through&#62;');
  expect(svg).not.toContain('<through>');
  expect(svg).toContain('×0.995');
});

it('leaves the peer panel out when the peer bench did not run, and writes the file', () => {
  const svg = renderPerformanceSvg({
    ...results,
    figures: results.figures.filter((f) => f.bench !== 'peer-refresh'),
  });
  expect(svg).not.toContain('500 concurrent callers');
  expect(svg).toContain('Key figures');

  const dir = mkdtempSync(path.join(tmpdir(), 'chart-'));
  try {
    const input = path.join(dir, 'bench-results.json');
    writeFileSync(input, JSON.stringify(results));
    const out = writePerformanceChart(input, path.join(dir, 'performance.svg'));
    expect(readFileSync(out, 'utf8')).toBe(renderPerformanceSvg(results));
    writeFileSync(input, '{"date":"x"}');
    expect(() => writePerformanceChart(input, path.join(dir, 'bad.svg'))).toThrow(/no "figures" array/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
