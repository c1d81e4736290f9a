import { resolveModuleSelectors, type SearchContext, type SearchResult, type SearchStrategy } from '@mllr/core';
import { PatternOptionsSchema, parseOptions, type PatternOptions } from './options.js';

/**
 * Control: a fixed module-type × depth pattern (for example the attention projections of the first layers), the kind
 * of rule the paper's robustness heatmaps suggest. Ignores scores; resolved against the model's layer count, and a
 * pattern that matches nothing or names a missing layer is a SELECTOR_EMPTY error (core's selector rules).
 */
export class PatternSearch implements SearchStrategy {
  readonly name = 'pattern';
  /** The core module selectors this pattern stands for. */
  readonly selectors: readonly string[];

  constructor(options: PatternOptions) {
    const { types, layers, selectors } = parseOptions(PatternOptionsSchema, options, 'the pattern search');
    this.selectors = selectors ?? [`L${layers ?? '*'}.${types === undefined ? '*' : [...new Set(types)].join('|')}`];
  }

  async search(context: SearchContext): Promise<SearchResult> {
    return { modules: resolveModuleSelectors(this.selectors, context.numLayers) };
  }
}
