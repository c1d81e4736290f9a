import { MllrError, createRng, shuffled, sortModuleIds, type SearchContext, type SearchResult, type SearchStrategy } from '@mllr/core';
import { checkScores, moduleUniverse } from './modules.js';
import { DEFAULT_SIZE_OF, RandomOptionsSchema, parseOptions, type RandomOptions } from './options.js';

/**
 * Control: a seeded, uniform random subset of the modules, as large as another strategy's set (greedy's by default).
 * It separates "training fewer modules at the full rate" from "choosing the right ones". The draw is over all
 * modules, so it may overlap the set it matches in size; the same seed always gives the same subset.
 */
export class RandomSearch implements SearchStrategy {
  readonly name = 'random';
  private readonly options;

  constructor(options: RandomOptions = {}) {
    this.options = parseOptions(RandomOptionsSchema, options, 'the random search');
  }

  async search(context: SearchContext): Promise<SearchResult> {
    checkScores(context.scores, context.numLayers);
    // Canonical order before shuffling, so the subset depends on the seed only, not on how scores were listed.
    const universe = moduleUniverse(context.scores, context.numLayers);
    const size = this.size(context);
    if (size > universe.length) {
      throw new MllrError('ARGUMENT_INVALID', `random asks for ${size} modules, but there are only ${universe.length}`);
    }
    return { modules: sortModuleIds(shuffled(universe, createRng(context.seed)).slice(0, size)) };
  }

  private size(context: SearchContext): number {
    if (this.options.size !== undefined) return this.options.size;
    const sizeOf = this.options.sizeOf ?? DEFAULT_SIZE_OF;
    const previous = context.previous?.[sizeOf];
    if (previous === undefined) {
      const have = Object.keys(context.previous ?? {});
      throw new MllrError(
        'ARGUMENT_INVALID',
        `the random search copies the size of the "${sizeOf}" result, but no earlier search result has that name` +
          ` (${have.length > 0 ? `available: ${have.join(', ')}` : 'none is available'}); set options.sizeOf to one of them or give options.size`,
      );
    }
    return previous.length;
  }
}
