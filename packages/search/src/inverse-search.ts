import { MllrError, sortModuleIds, type SearchContext, type SearchResult, type SearchStrategy } from '@mllr/core';
import { checkScores, matchedSize, rankByScore, requireScores } from './modules.js';
import { InverseOptionsSchema, parseOptions, type InverseOptions } from './options.js';

/**
 * Control: the lowest-scoring modules — the proxy's own worst picks — as many as another strategy's set (greedy's
 * by default). If the proxy's ranking carries information, training these at the full rate should protect worst of
 * all sets of that size; if it does as well as Mods_Robust, the choice of modules is not what protects.
 */
export class InverseSearch implements SearchStrategy {
  readonly name = 'inverse';
  private readonly options;

  constructor(options: InverseOptions = {}) {
    this.options = parseOptions(InverseOptionsSchema, options, 'the inverse search');
  }

  async search(context: SearchContext): Promise<SearchResult> {
    requireScores(context.scores, this.name);
    checkScores(context.scores, context.numLayers);
    const size = matchedSize(this.options, context, this.name);
    if (size > context.scores.length) {
      throw new MllrError(
        'ARGUMENT_INVALID',
        `inverse asks for ${size} modules, but only ${context.scores.length} are scored`,
      );
    }
    // Lowest first; among equal scores the last in canonical order goes first, so inverse is topk's ranking reversed.
    return {
      modules: sortModuleIds(
        rankByScore(context.scores)
          .reverse()
          .slice(0, size)
          .map((s) => s.module),
      ),
    };
  }
}
