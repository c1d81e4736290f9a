import {
  MllrError,
  createRng,
  shuffled,
  sortModuleIds,
  type SearchContext,
  type SearchResult,
  type SearchStrategy,
} from '@mllr/core';
import { checkScores, matchedSize, moduleUniverse } from './modules.js';
import { RandomOptionsSchema, parseOptions, type RandomOptions } from './options.js';

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
    const size = matchedSize(this.options, context, this.name);
    if (size > universe.length) {
      throw new MllrError('ARGUMENT_INVALID', `random asks for ${size} modules, but there are only ${universe.length}`);
    }
    return { modules: sortModuleIds(shuffled(universe, createRng(context.seed)).slice(0, size)) };
  }
}
