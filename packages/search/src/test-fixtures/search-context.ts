import { allModuleIds, type ModuleId, type ModuleScore, type SearchContext } from '@mllr/core';

/** Scores every module of a `numLayers`-layer model with `score(id, canonicalIndex)`. */
export function scoresFor(numLayers: number, score: (id: ModuleId, index: number) => number): ModuleScore[] {
  return allModuleIds(numLayers).map((module, i) => ({ module, score: score(module, i) }));
}

/** A search context whose evaluateSet fails the test if called; override what a test needs. */
export function contextFor(
  overrides: Partial<SearchContext> & Pick<SearchContext, 'scores' | 'numLayers'>,
): SearchContext {
  return {
    seed: 1,
    evaluateSet: () => Promise.reject(new Error('evaluateSet must not be called')),
    throwIfStopped: () => {},
    ...overrides,
  };
}

/** The synthetic probe of the tests: 1 − the summed harm of the perturbed modules (default harm for unlisted ones). */
export function additiveProbe(harm: Partial<Record<ModuleId, number>>, defaultHarm: number) {
  const calls: ModuleId[][] = [];
  const evaluateSet = async (modules: readonly ModuleId[]): Promise<number> => {
    calls.push([...modules]);
    return 1 - modules.reduce((sum, m) => sum + (harm[m] ?? defaultHarm), 0);
  };
  return { evaluateSet, calls };
}
