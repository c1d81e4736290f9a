import type { RunConfig } from '@mllr/core';
import { strategyVariants, type StrategyVariant } from './strategy-variants.js';

/**
 * One compared fine-tuning run: a strategy variant under one seed. With `seeds: N` every variant runs N times; the
 * first seed keeps the variant's id (`uniform`), later ones get `#k` (`uniform#2`, …, 1-based), so single-seed run
 * folders and summaries read exactly as before.
 */
export interface SeedRun {
  /** Key of the run in ift/, models/, eval.json and metric series: `uniform`, `uniform#2`, `ml-lr@0.05#2`. */
  runId: string;
  /** The strategy variant's id (the configured strategy's id unless it has `count` or `sweep`). */
  strategyId: string;
  /** The strategy variant: its configured strategy, schedule (sweep value set), search and set. */
  variant: StrategyVariant;
  /** 0-based index of the seed. */
  seedIndex: number;
  /** The seed of this run: the config's seed + seedIndex. */
  seed: number;
}

/** Every compared run of a config, seed by seed, strategy variant by variant. */
export function seedRuns(config: Pick<RunConfig, 'seed' | 'seeds' | 'strategies'>): SeedRun[] {
  const variants = strategyVariants(config);
  const runs: SeedRun[] = [];
  for (let k = 0; k < config.seeds; k++) {
    for (const variant of variants)
      runs.push({
        runId: runIdOf(variant.id, k),
        strategyId: variant.id,
        variant,
        seedIndex: k,
        seed: config.seed + k,
      });
  }
  return runs;
}

/** The run id of a strategy under its k-th seed (0-based). */
export function runIdOf(strategyId: string, seedIndex: number): string {
  return seedIndex === 0 ? strategyId : `${strategyId}#${seedIndex + 1}`;
}

/** The strategy variant (or `base`) a run id or metric series belongs to: `uniform#2` → `uniform`, `ml-lr@0.05#2` → `ml-lr@0.05`. */
export function strategyOfRun(runId: string): string {
  const hash = runId.indexOf('#');
  return hash < 0 ? runId : runId.slice(0, hash);
}
