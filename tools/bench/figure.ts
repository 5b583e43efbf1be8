/**
 * One line of `npm run bench` (and of `npm run fleet`'s targets): a figure measured against a
 * baseline from the same run, with an optional target that can be met or missed.
 *
 * Target grammar: `[ratio|value] <op> <number>`, op one of `<=`, `>=`, `<`, `>`, `=`; the subject
 * is the ratio unless it says `value`. `=` compares with a relative tolerance of 1e-9, so `value =
 * 500` means exactly 500 requests. A figure whose value is not a finite number misses its target
 * (a run that did not finish is not a pass).
 */
export interface BenchFigure {
  name: string;
  value: number;
  unit: string;
  baselineName: string;
  baselineValue: number;
  /** value / baseline (or the inverse where lower is better: say so in the name). */
  ratio: number;
  /** Optional target, e.g. '<= 1.10' (on the ratio) or 'value = 0'. No target: reported only. */
  target?: string;
}

/** A bench module: tools/bench/<area>.bench.ts exporting `run`. Bounded: finishes within minutes. */
export type BenchModule = { run: () => Promise<BenchFigure[]> };

export interface TargetCheck {
  subject: 'ratio' | 'value';
  op: '<=' | '>=' | '<' | '>' | '=';
  limit: number;
  met: boolean;
}

const TARGET = /^\s*(ratio|value)?\s*(<=|>=|<|>|=)\s*(-?\d+(?:\.\d+)?)\s*$/;

/** Whether a figure meets its target; undefined when it has none. Throws on a target it cannot read. */
export function checkTarget(figure: BenchFigure): TargetCheck | undefined {
  if (figure.target === undefined) return undefined;
  const match = TARGET.exec(figure.target);
  if (!match) throw new Error(`${figure.name}: unreadable target "${figure.target}"`);
  const subject = (match[1] ?? 'ratio') as TargetCheck['subject'];
  const op = match[2] as TargetCheck['op'];
  const limit = Number(match[3]);
  const x = subject === 'ratio' ? figure.ratio : figure.value;
  const met =
    Number.isFinite(x) &&
    (op === '<='
      ? x <= limit
      : op === '>='
        ? x >= limit
        : op === '<'
          ? x < limit
          : op === '>'
            ? x > limit
            : Math.abs(x - limit) <= 1e-9 * Math.max(1, Math.abs(limit)));
  return { subject, op, limit, met };
}

const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toPrecision(4));

/** `name: value unit (baseline name: value; ratio r) [target …: met|MISSED]` */
export function formatFigure(f: BenchFigure): string {
  const check = checkTarget(f);
  const target = f.target ? ` [target ${f.target.trim()}: ${check?.met ? 'met' : 'MISSED'}]` : '';
  return `${f.name}: ${fmt(f.value)} ${f.unit} (baseline ${f.baselineName}: ${fmt(f.baselineValue)}; ratio ${fmt(f.ratio)})${target}`;
}

export interface TargetSummary {
  met: number;
  missed: number;
  /** The missed figures' lines, each with its figure. */
  missedLines: string[];
  /** `targets: N met, N missed` */
  line: string;
}

export function summariseTargets(figures: readonly BenchFigure[], couldNotRun = 0): TargetSummary {
  let met = 0;
  const missedLines: string[] = [];
  for (const f of figures) {
    const check = checkTarget(f);
    if (!check) continue;
    if (check.met) met += 1;
    else missedLines.push(formatFigure(f));
  }
  const missed = missedLines.length;
  const extra = couldNotRun > 0 ? ` (${couldNotRun} could not run)` : '';
  return { met, missed, missedLines, line: `targets: ${met} met, ${missed} missed${extra}` };
}
