import { serviceToken } from '../di.js';
import type { ModuleId } from '../module-id.js';
import type { ModuleScore } from './robustness-proxy.js';

/** What a search strategy sees. */
export interface SearchContext {
  scores: readonly ModuleScore[];
  numLayers: number;
  seed: number;
  /**
   * Probe value with the given set perturbed jointly, relative to clean (1 = unchanged): the configured proxy's
   * `RobustnessProxy.evaluateSet`, so the joint check uses the same perturbation as the module scores.
   */
  evaluateSet: (modules: readonly ModuleId[]) => Promise<number>;
  /** Other strategies' results, for controls such as a random subset of equal size. */
  previous?: Readonly<Record<string, readonly ModuleId[]>>;
  onStep?: (step: { candidate: ModuleId; accepted: boolean; value: number; size: number }) => void;
  throwIfStopped: () => void;
}

/** The chosen robust set and how it was reached. */
export interface SearchResult {
  modules: ModuleId[];
  trace?: Array<{ candidate: ModuleId; accepted: boolean; value: number }>;
}

/** Picks Mods_Robust from module scores. */
export interface SearchStrategy {
  readonly name: string;
  /**
   * The value a candidate set must keep (`evaluateSet` ≥ threshold) to be accepted, for a strategy that has one
   * (greedy's `threshold` option). The dashboard draws it from the start, search.json records it and the report
   * shows each decision against it; a strategy without one leaves it undefined.
   */
  readonly threshold?: number;
  search(context: SearchContext): Promise<SearchResult>;
}

/** DI token for {@link SearchStrategy}. */
export const SearchStrategy = serviceToken('SearchStrategy');
