import type { RunConfig } from '@mllr/core';

/** What a configured strategy is, in words, from its schedule and search plugins (for the verdict sentences). */
function describe(strategy: RunConfig['strategies'][number]): string | undefined {
  const search = strategy.search?.name;
  if (search === 'random') return 'random modules';
  if (search === 'inverse') return 'the lowest-scoring modules';
  if (search !== undefined) return undefined;
  if (strategy.schedule.name === 'ml-lr') return 'ML-LR';
  if (strategy.schedule.name === 'uniform') return 'plain fine-tuning';
  return undefined;
}

/**
 * Words for the strategy ids and sweep points a run compares: `ml-lr` → `ML-LR`, `random-control@0.05` → `random
 * modules (alpha 0.05)`. Ids the config does not describe are left out (sentences then show the id itself).
 */
export function strategyLabels(config: Pick<RunConfig, 'strategies'>): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const strategy of config.strategies) {
    const words = describe(strategy);
    if (words === undefined) continue;
    labels[strategy.id] = words;
    for (const [option, values] of Object.entries(strategy.sweep ?? {})) {
      for (const value of values) labels[`${strategy.id}@${value}`] = `${words} (${option} ${value})`;
    }
  }
  return labels;
}
