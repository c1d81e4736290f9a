import { strategyOfRun } from '../stages/ml-lr/seed-runs.js';
import { METRICS, type MetricName, type RunMetrics } from './report-data.js';

/** Runs grouped by strategy: the mean over seeds, the spread and every seed's own numbers. */
export interface AggregatedRuns {
  /** `base` and each strategy: the mean over its seeds (one seed: its numbers). In first-seen order. */
  mean: Record<string, RunMetrics>;
  /** Sample standard deviation over seeds per strategy and metric; 0 where a strategy ran under one seed. */
  sd: Record<string, RunMetrics>;
  /** Number of seeds (runs) behind each entry of `mean`. */
  n: Record<string, number>;
  /** The run ids of each strategy, in order. */
  runIds: Record<string, string[]>;
}

/** Arithmetic mean; NaN for no values. Summed as offsets from the first value, so equal values give exactly it. */
export function mean(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const first = values[0]!;
  return first + values.reduce((a, v) => a + (v - first), 0) / values.length;
}

/** Sample standard deviation (n − 1 in the denominator); 0 for fewer than two values. */
export function sampleSd(values: readonly number[]): number {
  if (values.length < 2 || values.every((v) => v === values[0])) return 0;
  const m = mean(values);
  return Math.sqrt(values.reduce((a, v) => a + (v - m) ** 2, 0) / (values.length - 1));
}

/**
 * Groups per-run metrics (eval.json keys: `base`, `uniform`, `uniform#2`, …) by strategy and reduces each metric
 * over seeds to its mean and sample standard deviation.
 */
export function aggregateRuns(perRun: Record<string, RunMetrics>): AggregatedRuns {
  const groups = new Map<string, string[]>();
  for (const runId of Object.keys(perRun)) {
    const strategy = strategyOfRun(runId);
    const ids = groups.get(strategy) ?? [];
    ids.push(runId);
    groups.set(strategy, ids);
  }
  const result: AggregatedRuns = { mean: {}, sd: {}, n: {}, runIds: {} };
  for (const [strategy, ids] of groups) {
    const of = (metric: MetricName) => ids.map((id) => perRun[id]![metric]);
    result.mean[strategy] = Object.fromEntries(METRICS.map((m) => [m, mean(of(m))])) as RunMetrics;
    result.sd[strategy] = Object.fromEntries(METRICS.map((m) => [m, sampleSd(of(m))])) as RunMetrics;
    result.n[strategy] = ids.length;
    result.runIds[strategy] = ids;
  }
  return result;
}
