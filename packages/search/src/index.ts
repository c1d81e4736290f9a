// Public API of @mllr/search: the Mods_Robust search strategies (greedy, topk, pattern, random, inverse) and the plugin entry.

/** The paper's proxy-guided greedy search. */
export { GreedySearch } from './greedy-search.js';
/** A greedy decision, the greedy result and why it stopped. */
export type { GreedySearchResult, GreedyStep, GreedyStopReason } from './greedy-search.js';
/** The top-k control. */
export { TopKSearch } from './topk-search.js';
/** The module-type × depth pattern control. */
export { PatternSearch } from './pattern-search.js';
/** The seeded random-subset control. */
export { RandomSearch } from './random-search.js';
/** The lowest-scoring-modules control. */
export { InverseSearch } from './inverse-search.js';

/** Score checks, ranking, the module universe and the size cap the strategies share. */
export { checkScores, matchedSize, moduleUniverse, rankByScore, requireScores, sizeCap } from './modules.js';

/** Option schemas, their defaults, and the validation helper. */
export {
  DEFAULT_MAX_CONSECUTIVE_REJECTS,
  DEFAULT_MAX_FRACTION,
  DEFAULT_SIZE_OF,
  DEFAULT_THRESHOLD,
  GreedyOptionsSchema,
  InverseOptionsSchema,
  PatternOptionsSchema,
  RandomOptionsSchema,
  TopKOptionsSchema,
  parseOptions,
} from './options.js';
/** Options of each strategy as written in a config. */
export type { GreedyOptions, InverseOptions, PatternOptions, RandomOptions, TopKOptions } from './options.js';

/** Plugin entry points. */
export { optionsSchema, register } from './plugin.js';
