import {
  MllrError,
  allModuleIds,
  parseModuleId,
  sortModuleIds,
  type ModuleId,
  type ModuleScore,
  type SearchContext,
} from '@mllr/core';
import { DEFAULT_SIZE_OF } from './options.js';

/**
 * Checks scores before any search uses them: known module ids inside the model, finite scores, each module once.
 * A NaN score would sort unpredictably and a duplicate would be tried twice, so both are errors, not quirks.
 */
export function checkScores(scores: readonly ModuleScore[], numLayers: number): void {
  const seen = new Set<ModuleId>();
  for (const { module, score } of scores) {
    const { layer } = parseModuleId(module);
    if (layer >= numLayers) {
      throw new MllrError(
        'ARGUMENT_INVALID',
        `module ${module} has a score, but the model has layers 0-${numLayers - 1}`,
      );
    }
    if (!Number.isFinite(score))
      throw new MllrError('ARGUMENT_INVALID', `module ${module} has a non-finite score (${score})`);
    if (seen.has(module)) throw new MllrError('ARGUMENT_INVALID', `module ${module} is scored more than once`);
    seen.add(module);
  }
}

/** Scores best first: higher score first, ties in canonical module order (layer, then q k v o gate up down). */
export function rankByScore(scores: readonly ModuleScore[]): ModuleScore[] {
  const canonical = new Map(sortModuleIds(scores.map((s) => s.module)).map((id, i) => [id, i]));
  return [...scores].sort((a, b) => b.score - a.score || canonical.get(a.module)! - canonical.get(b.module)!);
}

/** The modules a search chooses from: the scored ones, or every module of the model when nothing was scored. */
export function moduleUniverse(scores: readonly ModuleScore[], numLayers: number): ModuleId[] {
  return scores.length > 0 ? sortModuleIds(scores.map((s) => s.module)) : allModuleIds(numLayers);
}

/**
 * The size cap of greedy and topk out of `total` modules: `absolute` when given (at most `total`), else
 * `fraction · total` rounded down but at least 1, so a small model still gets a set.
 */
export function sizeCap(total: number, fraction: number, absolute?: number): number {
  if (absolute !== undefined) return Math.min(absolute, total);
  return Math.min(total, Math.max(1, Math.floor(fraction * total)));
}

/** Throws ARGUMENT_INVALID when a strategy that ranks modules was given no scores. */
export function requireScores(scores: readonly ModuleScore[], strategy: string): void {
  if (scores.length === 0) {
    throw new MllrError(
      'ARGUMENT_INVALID',
      `the ${strategy} search needs module scores, but the robustness stage produced none`,
    );
  }
}

/**
 * The size of a control set that matches another: `options.size` when given, else the size of the earlier search
 * result named by `options.sizeOf`, which the search stage hands over in `context.previous`. Without sizeOf: greedy's
 * result, or the only earlier result there is (the run's main search, whatever its name, third-party included).
 */
export function matchedSize(
  options: { size?: number | undefined; sizeOf?: string | undefined },
  context: SearchContext,
  strategy: string,
): number {
  if (options.size !== undefined) return options.size;
  const earlier = Object.keys(context.previous ?? {});
  const sizeOf =
    options.sizeOf ?? (earlier.length === 1 && !earlier.includes(DEFAULT_SIZE_OF) ? earlier[0]! : DEFAULT_SIZE_OF);
  const previous = context.previous?.[sizeOf];
  if (previous === undefined) {
    const have = Object.keys(context.previous ?? {});
    throw new MllrError(
      'ARGUMENT_INVALID',
      `the ${strategy} search copies the size of the "${sizeOf}" result, but no earlier search result has that name` +
        ` (${have.length > 0 ? `available: ${have.join(', ')}` : 'none is available'}); set options.sizeOf to one of them or give options.size`,
    );
  }
  return previous.length;
}
