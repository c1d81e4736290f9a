// The study of issue 17 on a run folder: strategy-against-control comparisons from per-prompt judgments.
export { compareStrategies } from './comparisons.js';
export type { Comparison } from './comparisons.js';
export { itemOutcomesOf } from './item-outcomes.js';
export { pairGroups, variantGroups } from './variant-groups.js';
export type { GroupPair, VariantGroup } from './variant-groups.js';
