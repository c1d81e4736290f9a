/**
 * What the non-module tensors (embeddings, norms, head: not one of the paper's seven matrices per layer) train at.
 * The paper defines rates for modules only, so this is our choice, made explicit: `robust` (default) trains them
 * with Mods_Robust, `rest` like the non-robust modules, `frozen` keeps them at 0, a number is an explicit rate.
 */
export type NonModuleRule = 'rest' | 'robust' | 'frozen' | number;

/**
 * The default rule: non-module tensors follow Mods_Robust. Under `rest` a new domain's word embeddings barely move and
 * fine-tuning learns little (measured in the package README).
 */
export const DEFAULT_NON_MODULE_RULE: NonModuleRule = 'robust';

/** The non-module rate under `rule`, given the robust and rest rates of the same step (before the shape). */
export function nonModuleRate(rule: NonModuleRule, rates: { robust: number; rest: number }): number {
  if (typeof rule === 'number') return rule;
  if (rule === 'frozen') return 0;
  return rates[rule];
}
