import type { RunConfig } from '@mllr/core';

/**
 * One compared fine-tuning run: a strategy under one seed. With `seeds: N` every strategy runs N times; the first
 * seed keeps the strategy's id (`uniform`), later ones get `#k` (`uniform#2`, …, 1-based), so single-seed run folders
 * and summaries read exactly as before.
 */
export interface SeedRun {
  /** Key of the run in ift/, models/, eval.json and metric series: `uniform`, `uniform#2`. */
  runId: string;
  strategyId: string;
  /** 0-based index of the seed. */
  seedIndex: number;
  /** The seed of this run: the config's seed + seedIndex. */
  seed: number;
}

/** Every compared run of a config, strategy by strategy, seed by seed. */
export function seedRuns(config: Pick<RunConfig, 'seed' | 'seeds' | 'strategies'>): SeedRun[] {
  const runs: SeedRun[] = [];
  for (let k = 0; k < config.seeds; k++) {
    for (const s of config.strategies) runs.push({ runId: runIdOf(s.id, k), strategyId: s.id, seedIndex: k, seed: config.seed + k });
  }
  return runs;
}

/** The run id of a strategy under its k-th seed (0-based). */
export function runIdOf(strategyId: string, seedIndex: number): string {
  return seedIndex === 0 ? strategyId : `${strategyId}#${seedIndex + 1}`;
}

/** The strategy (or `base`) a run id or metric series belongs to: `uniform#2` → `uniform`. */
export function strategyOfRun(runId: string): string {
  const hash = runId.indexOf('#');
  return hash < 0 ? runId : runId.slice(0, hash);
}
