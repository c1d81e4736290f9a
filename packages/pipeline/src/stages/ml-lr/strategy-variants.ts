import type { PluginRef, RunConfig } from '@mllr/core';

/**
 * One strategy entry of the comparison after `count` and `sweep` are expanded: what one run per seed trains. A
 * configured strategy without either is one variant with the strategy's own id, so such configs read as before.
 */
export interface StrategyVariant {
  /** `ml-lr`; `ml-lr@0.05` (sweep value); `random-control~2` (set 2 of count); `random-control@0.05~2`. */
  id: string;
  /** The configured strategy's id (the family a sweep's curve belongs to). */
  strategy: string;
  /** Index of the configured strategy in `strategies`, for error paths. */
  index: number;
  /** The schedule, with the swept option set to this variant's value. */
  schedule: PluginRef;
  search?: PluginRef;
  /** 1-based set number when the strategy draws `count` > 1 sets per seed. */
  set?: number;
  /** The swept schedule option and this variant's value. */
  sweep?: { option: string; value: number };
}

/** The id of a variant of `strategyId`: `@value` for a sweep value, then `~set` for a set of count > 1. */
export function variantIdOf(strategyId: string, sweepValue?: number, set?: number): string {
  return `${strategyId}${sweepValue !== undefined ? `@${sweepValue}` : ''}${set !== undefined ? `~${set}` : ''}`;
}

/**
 * Every strategy variant of a config, in config order: per strategy, sweep value by sweep value, and within a value
 * set by set. `@` and `~` cannot occur in a configured id, so variant ids never collide with one.
 */
export function strategyVariants(config: Pick<RunConfig, 'strategies'>): StrategyVariant[] {
  const variants: StrategyVariant[] = [];
  for (const [index, strategy] of config.strategies.entries()) {
    const [option, values] = Object.entries(strategy.sweep ?? {})[0] ?? [undefined, [undefined]];
    const count = strategy.count ?? 1;
    for (const value of values) {
      for (let set = 1; set <= count; set++) {
        const schedule: PluginRef =
          option !== undefined && value !== undefined
            ? { ...strategy.schedule, options: { ...strategy.schedule.options, [option]: value } }
            : strategy.schedule;
        variants.push({
          id: variantIdOf(strategy.id, option !== undefined ? value : undefined, count > 1 ? set : undefined),
          strategy: strategy.id,
          index,
          schedule,
          ...(strategy.search ? { search: strategy.search } : {}),
          ...(count > 1 ? { set } : {}),
          ...(option !== undefined && value !== undefined ? { sweep: { option, value } } : {}),
        });
      }
    }
  }
  return variants;
}

/**
 * What a run's results depend on from its strategy: the configured strategy itself when it expands to one variant
 * (as before variants existed, so earlier run folders resume), else the variant's schedule, search and set.
 */
export function variantHashInput(config: Pick<RunConfig, 'strategies'>, variant: StrategyVariant): unknown {
  const configured = config.strategies[variant.index]!;
  if (variant.set === undefined && variant.sweep === undefined) return configured;
  return { id: variant.id, schedule: variant.schedule, search: variant.search ?? null, set: variant.set ?? null };
}

/**
 * The seed the strategy's own search draws set `set` with under run seed `seed`: the run seed itself for the first
 * (or only) set, so `count: 1` draws what a strategy without count draws; far-apart offsets for later sets, so the
 * sets of one seed never repeat another seed's. The training seed stays the run seed: the sets of a seed differ only
 * in their modules.
 */
export function searchSeedOf(seed: number, set: number | undefined): number {
  return set === undefined || set === 1 ? seed : seed + (set - 1) * 1_000_003;
}
