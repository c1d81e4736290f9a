/**
 * What the non-module tensors (embeddings, norms, head: not one of the paper's seven matrices per layer) train at.
 * The paper defines rates for modules only, so this is our choice, made explicit: `rest` (default) treats them like
 * the non-robust modules, `robust` like Mods_Robust, `frozen` keeps them at 0, a number is an explicit rate.
 */
export type NonModuleRule = 'rest' | 'robust' | 'frozen' | number;

/** The default rule: non-module tensors follow the non-robust modules. */
export const DEFAULT_NON_MODULE_RULE: NonModuleRule = 'rest';

/** The non-module rate under `rule`, given the robust and rest rates of the same step (before the shape). */
export function nonModuleRate(rule: NonModuleRule, rates: { robust: number; rest: number }): number {
  if (typeof rule === 'number') return rule;
  if (rule === 'frozen') return 0;
  return rates[rule];
}
