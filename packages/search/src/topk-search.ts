import { MllrError, sortModuleIds, type SearchContext, type SearchResult, type SearchStrategy } from '@mllr/core';
import { checkScores, moduleUniverse, rankByScore, requireScores, sizeCap } from './modules.js';
import { DEFAULT_MAX_FRACTION, TopKOptionsSchema, parseOptions, type TopKOptions } from './options.js';

/**
 * Control: the k highest-scoring modules, with no joint check. Comparing it with greedy shows what the joint
 * re-check adds over trusting the per-module scores alone.
 */
export class TopKSearch implements SearchStrategy {
  readonly name = 'topk';
  private readonly options;

  constructor(options: TopKOptions = {}) {
    this.options = parseOptions(TopKOptionsSchema, options, 'the topk search');
  }

  async search(context: SearchContext): Promise<SearchResult> {
    requireScores(context.scores, this.name);
    checkScores(context.scores, context.numLayers);
    const total = moduleUniverse(context.scores, context.numLayers).length;
    const { k, maxFraction } = this.options;
    // An explicit k is an exact size: more than there are modules is an error, not a silent "all of them".
    if (k !== undefined && k > total) {
      throw new MllrError('ARGUMENT_INVALID', `topk asks for k = ${k} modules, but only ${total} are scored`);
    }
    const size = sizeCap(total, maxFraction ?? DEFAULT_MAX_FRACTION, k);
    return {
      modules: sortModuleIds(
        rankByScore(context.scores)
          .slice(0, size)
          .map((s) => s.module),
      ),
    };
  }
}
