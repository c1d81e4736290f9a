import type { RunConfig } from '@mllr/core';
import { strategyVariants, variantIdOf, type StrategyVariant } from '../stages/ml-lr/strategy-variants.js';

/**
 * The variants of one configured strategy at one sweep value: its `count` sets (one variant when it has no count).
 * A comparison puts one group of the strategy against one group of the control, seed by seed.
 */
export interface VariantGroup {
  /** `ml-lr`, `ml-lr@0.05`, `random-control` (all its sets), `random-control@0.05`. */
  id: string;
  strategy: string;
  sweep?: { option: string; value: number };
  variants: StrategyVariant[];
}

/** The groups of configured strategy `strategyId`, in sweep order; empty when the config has no such strategy. */
export function variantGroups(config: Pick<RunConfig, 'strategies'>, strategyId: string): VariantGroup[] {
  const groups: VariantGroup[] = [];
  for (const variant of strategyVariants(config)) {
    if (variant.strategy !== strategyId) continue;
    const id = variantIdOf(strategyId, variant.sweep?.value);
    const group = groups.find((g) => g.id === id);
    if (group) group.variants.push(variant);
    else
      groups.push({
        id,
        strategy: strategyId,
        ...(variant.sweep ? { sweep: variant.sweep } : {}),
        variants: [variant],
      });
  }
  return groups;
}

/** A strategy group and the control group it is compared with; `expertiseGap` when matched on expertise. */
export interface GroupPair {
  strategy: VariantGroup;
  control: VariantGroup;
  /** Control's mean expertise − the strategy's (match: expertise). */
  expertiseGap?: number;
}

/**
 * Pairs every group of the strategy with a group of the control. `sweep`: the control's group at the same sweep
 * option and value, or its only group when it is not swept; a strategy group without a counterpart is left out (returned in
 * `unpaired`). `expertise`: the control group whose mean expertise is closest to the strategy group's (ties: the
 * first in sweep order). Matching picks a measured sweep point rather than interpolating between two: a point between
 * sweep values has no per-prompt outcomes to bootstrap, and the gap is reported instead.
 */
export function pairGroups(
  strategy: readonly VariantGroup[],
  control: readonly VariantGroup[],
  match: 'sweep' | 'expertise',
  meanExpertise: (group: VariantGroup) => number,
): { pairs: GroupPair[]; unpaired: VariantGroup[] } {
  const pairs: GroupPair[] = [];
  const unpaired: VariantGroup[] = [];
  for (const group of strategy) {
    if (match === 'expertise') {
      const own = meanExpertise(group);
      let best: { group: VariantGroup; gap: number } | undefined;
      for (const candidate of control) {
        const gap = meanExpertise(candidate) - own;
        // A point without an expertise (not evaluated) cannot be the closest one.
        if (Number.isFinite(gap) && (best === undefined || Math.abs(gap) < Math.abs(best.gap)))
          best = { group: candidate, gap };
      }
      if (best) pairs.push({ strategy: group, control: best.group, expertiseGap: best.gap });
      else unpaired.push(group);
      continue;
    }
    const counterpart =
      control.length === 1
        ? control[0]
        : control.find((c) => c.sweep?.option === group.sweep?.option && c.sweep?.value === group.sweep?.value);
    if (counterpart) pairs.push({ strategy: group, control: counterpart });
    else unpaired.push(group);
  }
  return { pairs, unpaired };
}
