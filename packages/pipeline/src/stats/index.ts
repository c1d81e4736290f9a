// Pure statistics of the study (issue 17): bootstrap intervals, the paired bootstrap over prompts and seeds, the
// rank (permutation) test among random sets, and Spearman's ρ. No I/O; every random draw is seeded.
export {
  DEFAULT_LEVEL,
  DEFAULT_RESAMPLES,
  bootstrapInterval,
  percentileInterval,
  resampleIndices,
} from './bootstrap.js';
export type { BootstrapOptions } from './bootstrap.js';
export { ratioOf } from './item-outcome.js';
export type { ItemOutcome } from './item-outcome.js';
export { pairedBootstrap } from './paired-bootstrap.js';
export { normalQuantile, tQuantile } from './quantiles.js';
export type { PairedDifference, SideRuns } from './paired-bootstrap.js';
export { rankTest } from './rank-test.js';
export type { RankTest } from './rank-test.js';
export { averageRanks, pearson, spearman, spearmanWithInterval } from './spearman.js';
