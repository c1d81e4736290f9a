import type { RunConfig } from '@mllr/core';
import type { ParetoData, ParetoPoint } from '../charts/pareto-chart.js';
import { seedRuns } from '../../stages/ml-lr/seed-runs.js';
import type { RunMetrics } from '../report-data.js';

/** The strategy whose runs are plain fine-tuning: marked on the Pareto chart, at its configured rate. */
const PLAIN_FINE_TUNING = 'uniform';

/**
 * The Pareto chart's data from a run's metrics (eval.json by run id): per configured strategy (a family) and sweep
 * value, the mean expertise and harmful_asr over its seeds and sets; the base model and plain fine-tuning (`uniform`,
 * or its sweep point at scale 1) marked. Runs not evaluated are left out. Undefined when no strategy is swept: one
 * point per strategy is the results table, not a curve.
 */
export function paretoData(
  config: Pick<RunConfig, 'seed' | 'seeds' | 'strategies'>,
  evaluation: Readonly<Record<string, RunMetrics>>,
): ParetoData | undefined {
  if (!config.strategies.some((s) => s.sweep !== undefined)) return undefined;
  const groups = new Map<string, { family: string; sweep?: number; expertise: number[]; harmful: number[] }>();
  for (const run of seedRuns(config)) {
    const metrics = evaluation[run.runId];
    if (!metrics) continue;
    const family = run.variant.strategy;
    const sweep = run.variant.sweep?.value;
    const key = `${family}\u0000${sweep ?? ''}`;
    let group = groups.get(key);
    if (!group)
      groups.set(key, (group = { family, ...(sweep !== undefined ? { sweep } : {}), expertise: [], harmful: [] }));
    group.expertise.push(metrics.expertise);
    group.harmful.push(metrics.harmful_asr);
  }
  const points: ParetoPoint[] = [...groups.values()].map((g) => ({
    family: g.family,
    ...(g.sweep !== undefined ? { sweep: g.sweep } : {}),
    expertise: mean(g.expertise),
    harmful_asr: mean(g.harmful),
  }));
  const swept: Record<string, string> = {};
  for (const s of config.strategies) {
    const option = Object.keys(s.sweep ?? {})[0];
    if (option !== undefined) swept[s.id] = option;
  }
  const marks: ParetoData['marks'] = [];
  const base = evaluation.base;
  if (base) marks.push({ label: 'base', expertise: base.expertise, harmful_asr: base.harmful_asr });
  const plain = points.find((p) => p.family === PLAIN_FINE_TUNING && (p.sweep === undefined || p.sweep === 1));
  if (plain) marks.push({ label: PLAIN_FINE_TUNING, expertise: plain.expertise, harmful_asr: plain.harmful_asr });
  return { swept, points, marks };
}

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}
