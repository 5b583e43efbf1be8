/** One line of `npm run bench`: a figure measured against a baseline from the same run. */
export interface BenchFigure {
  name: string;
  value: number;
  unit: string;
  baselineName: string;
  baselineValue: number;
  /** value / baseline (or the inverse where lower is better: say so in the name). */
  ratio: number;
  /** Optional target, e.g. '>= 0.7' — printed after the line. */
  target?: string;
}

/** A bench module: tools/bench/<area>.bench.ts exporting `run`. Bounded: finishes within ~60 s. */
export type BenchModule = { run: () => Promise<BenchFigure[]> };

export function formatFigure(f: BenchFigure): string {
  const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toPrecision(4));
  const target = f.target ? ` [target ${f.target}]` : '';
  return `${f.name}: ${fmt(f.value)} ${f.unit} (baseline ${f.baselineName}: ${fmt(f.baselineValue)}; ratio ${fmt(f.ratio)})${target}`;
}
