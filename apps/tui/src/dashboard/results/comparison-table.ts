import { strategyOfRun } from '@mllr/pipeline';

/** Which way a metric improves. */
export type Better = 'lower' | 'higher';

/** The headline metrics of the eval stage, in table order, and which way each improves. */
export const HEADLINE_METRICS: ReadonlyArray<{ name: string; better: Better }> = [
  { name: 'harmful_asr', better: 'lower' },
  { name: 'over_refusal', better: 'lower' },
  { name: 'usability', better: 'higher' },
  { name: 'expertise', better: 'higher' },
];

/** The run every other strategy is compared with: plain fine-tuning. */
export const REFERENCE_STRATEGY = 'uniform';

/** A metric over a strategy's seeds. */
export interface MetricSummary {
  mean: number;
  /** Sample standard deviation; only with two or more seeds. */
  sd?: number;
  n: number;
}

/** One table row: `base` or a strategy, its metrics, and (strategies other than the reference) the difference. */
export interface ComparisonRow {
  model: string;
  /** How many runs (seeds) the means are over. */
  runs: number;
  cells: Record<string, MetricSummary | undefined>;
  /** mean − the reference's mean, per metric; absent for base, the reference and when there is no reference. */
  deltas?: Record<string, number | undefined>;
}

/** The comparison table: metric columns and rows base, the reference, then the other strategies as they arrived. */
export interface ComparisonTable {
  metrics: string[];
  rows: ComparisonRow[];
  hasReference: boolean;
}

/** Groups `model id → metric → value` by strategy and summarises each metric over seeds. */
export function comparisonTable(
  evaluation: Readonly<Record<string, Readonly<Record<string, number>>>>,
): ComparisonTable {
  const byStrategy = new Map<string, Array<Readonly<Record<string, number>>>>();
  const extraMetrics: string[] = [];
  for (const [modelId, metrics] of Object.entries(evaluation)) {
    const strategy = strategyOfRun(modelId);
    byStrategy.set(strategy, [...(byStrategy.get(strategy) ?? []), metrics]);
    for (const name of Object.keys(metrics)) {
      if (!HEADLINE_METRICS.some((m) => m.name === name) && !extraMetrics.includes(name)) extraMetrics.push(name);
    }
  }
  const metrics = [...HEADLINE_METRICS.map((m) => m.name), ...extraMetrics];
  const order = [...byStrategy.keys()].sort((a, b) => rank(a) - rank(b));
  const rows: ComparisonRow[] = order.map((model) => {
    const runs = byStrategy.get(model)!;
    const cells: Record<string, MetricSummary | undefined> = {};
    for (const name of metrics)
      cells[name] = summarise(runs.map((r) => r[name]).filter((v): v is number => v !== undefined));
    return { model, runs: runs.length, cells };
  });
  const reference = rows.find((r) => r.model === REFERENCE_STRATEGY);
  if (reference) {
    for (const row of rows) {
      if (row.model === 'base' || row === reference) continue;
      row.deltas = {};
      for (const name of metrics) {
        const mine = row.cells[name];
        const theirs = reference.cells[name];
        row.deltas[name] = mine && theirs ? mine.mean - theirs.mean : undefined;
      }
    }
  }
  return { metrics, rows, hasReference: reference !== undefined };
}

/** Whether a difference from the reference is an improvement; `same` within rounding, `unknown` for other metrics. */
export function deltaVerdict(metric: string, delta: number): 'better' | 'worse' | 'same' | 'unknown' {
  const better = HEADLINE_METRICS.find((m) => m.name === metric)?.better;
  if (better === undefined) return 'unknown';
  if (Math.abs(delta) < 5e-4) return 'same';
  return delta < 0 === (better === 'lower') ? 'better' : 'worse';
}

/** `0.123`, `0.123±0.010` with several seeds. */
export function formatSummary(summary: MetricSummary | undefined): string {
  if (!summary) return '–';
  return `${summary.mean.toFixed(3)}${summary.sd !== undefined ? `±${summary.sd.toFixed(3)}` : ''}`;
}

/** `+0.050`, `-0.120`. */
export function formatDelta(delta: number | undefined): string {
  if (delta === undefined) return '–';
  return `${delta >= 0 ? '+' : ''}${delta.toFixed(3)}`;
}

function summarise(values: number[]): MetricSummary | undefined {
  if (values.length === 0) return undefined;
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  if (values.length < 2) return { mean, n: 1 };
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1);
  return { mean, sd: Math.sqrt(variance), n: values.length };
}

// base first, then the reference, then the rest in arrival order (Array.sort is stable).
function rank(model: string): number {
  return model === 'base' ? 0 : model === REFERENCE_STRATEGY ? 1 : 2;
}
