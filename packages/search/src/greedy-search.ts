import {
  MllrError,
  sortModuleIds,
  type ModuleId,
  type SearchContext,
  type SearchResult,
  type SearchStrategy,
} from '@mllr/core';
import { checkScores, moduleUniverse, rankByScore, requireScores, sizeCap } from './modules.js';
import { DEFAULT_MAX_FRACTION, GreedyOptionsSchema, parseOptions, type GreedyOptions } from './options.js';

/** One decision of the greedy search: the candidate, whether it stayed, the joint probe value, the set size after. */
export interface GreedyStep {
  candidate: ModuleId;
  accepted: boolean;
  value: number;
  size: number;
}

/** Why the greedy search stopped. */
export type GreedyStopReason = 'size-cap' | 'consecutive-rejects' | 'no-candidates';

/** The greedy result: the set, every decision in order, why it stopped and the cap it ran under. */
export interface GreedySearchResult extends SearchResult {
  trace: GreedyStep[];
  stopped: GreedyStopReason;
  cap: number;
}

/**
 * The paper's proxy-guided search: walk the modules from most to least robust and keep each one only if the probe,
 * with the whole set so far plus the candidate perturbed together, stays at or above `threshold` of clean. Checking
 * the set jointly matters because robustness measured one module at a time does not add up: two individually
 * harmless changes can together move the security features.
 *
 * The set may come back empty (every candidate tried failed); `stopped` and the all-rejected trace say so, and the
 * caller decides whether that is acceptable.
 */
export class GreedySearch implements SearchStrategy {
  readonly name = 'greedy';
  private readonly options;

  constructor(options: GreedyOptions = {}) {
    this.options = parseOptions(GreedyOptionsSchema, options, 'the greedy search');
  }

  /** The share of clean that the grown set must keep: the `threshold` option (0.95 by default). */
  get threshold(): number {
    return this.options.threshold;
  }

  async search(context: SearchContext): Promise<GreedySearchResult> {
    const { threshold, maxFraction, maxModules, maxConsecutiveRejects, minScore } = this.options;
    requireScores(context.scores, this.name);
    checkScores(context.scores, context.numLayers);
    const cap = sizeCap(
      moduleUniverse(context.scores, context.numLayers).length,
      maxFraction ?? DEFAULT_MAX_FRACTION,
      maxModules,
    );
    // Ranked best first, so a minScore filter only trims the tail.
    const candidates = rankByScore(context.scores).filter((s) => minScore === undefined || s.score >= minScore);

    const chosen: ModuleId[] = [];
    const trace: GreedyStep[] = [];
    let rejectsInARow = 0;
    for (const { module: candidate } of candidates) {
      if (chosen.length >= cap) return { modules: sortModuleIds(chosen), trace, stopped: 'size-cap', cap };
      if (rejectsInARow >= maxConsecutiveRejects) {
        return { modules: sortModuleIds(chosen), trace, stopped: 'consecutive-rejects', cap };
      }
      context.throwIfStopped();
      const value = await context.evaluateSet(sortModuleIds([...chosen, candidate]));
      if (!Number.isFinite(value)) {
        throw new MllrError(
          'ARGUMENT_INVALID',
          `the probe value for the set with ${candidate} is not a number (${value})`,
        );
      }
      const accepted = value >= threshold;
      if (accepted) chosen.push(candidate);
      rejectsInARow = accepted ? 0 : rejectsInARow + 1;
      const step: GreedyStep = { candidate, accepted, value, size: chosen.length };
      trace.push(step);
      context.onStep?.({ ...step });
    }
    // The loop checks the stop rules before each candidate, so a cap or reject limit reached on the last one counts.
    const stopped: GreedyStopReason =
      chosen.length >= cap
        ? 'size-cap'
        : rejectsInARow >= maxConsecutiveRejects
          ? 'consecutive-rejects'
          : 'no-candidates';
    return { modules: sortModuleIds(chosen), trace, stopped, cap };
  }
}
