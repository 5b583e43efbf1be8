import { describe, expect, it } from 'vitest';
import { checkTarget, formatFigure, summariseTargets, type BenchFigure } from '../../tools/bench/figure';

const figure = (over: Partial<BenchFigure>): BenchFigure => ({
  name: 'cold start',
  value: 200,
  unit: 'ms',
  baselineName: 'bare client',
  baselineValue: 176,
  ratio: 1.136,
  ...over,
});

describe('bench targets can fail', () => {
  it('judges the ratio by default and the value when the target says so', () => {
    expect(checkTarget(figure({ target: '<= 1.10' }))?.met).toBe(false);
    expect(checkTarget(figure({ ratio: 1.09, target: '<= 1.10' }))?.met).toBe(true);
    expect(checkTarget(figure({ target: '>= 0.95', ratio: 0.92 }))?.met).toBe(false);
    expect(checkTarget(figure({ target: 'value = 0', value: 1 }))?.met).toBe(false);
    expect(checkTarget(figure({ target: 'value = 500', value: 500 }))?.met).toBe(true);
    expect(checkTarget(figure({ target: '< 1', ratio: 1 }))?.met).toBe(false);
    expect(checkTarget(figure({}))).toBeUndefined();
  });

  it('counts a figure that did not finish (NaN) as missed, and refuses a target it cannot read', () => {
    expect(checkTarget(figure({ ratio: Number.NaN, target: '<= 1.2' }))?.met).toBe(false);
    expect(() => checkTarget(figure({ target: 'about 1' }))).toThrow(/unreadable target/);
  });

  it('prints each figure with its verdict and sums them in one line, each miss with its figure', () => {
    const figures = [
      figure({ target: '<= 1.10' }),
      figure({ name: 'ipc p50', ratio: 1.02, target: '<= 1.05' }),
      figure({ name: 'report only' }),
    ];
    expect(formatFigure(figures[0]!)).toBe(
      'cold start: 200 ms (baseline bare client: 176; ratio 1.136) [target <= 1.10: MISSED]',
    );
    const summary = summariseTargets(figures);
    expect(summary.line).toBe('targets: 1 met, 1 missed');
    expect(summary.missedLines).toEqual([formatFigure(figures[0]!)]);
    expect(summariseTargets(figures, 2).line).toBe('targets: 1 met, 1 missed (2 could not run)');
  });
});
