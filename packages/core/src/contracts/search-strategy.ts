import { serviceToken } from '../di.js';
import type { ModuleId } from '../module-id.js';
import type { ModuleScore } from './robustness-proxy.js';

/** What a search strategy sees. */
export interface SearchContext {
  scores: readonly ModuleScore[];
  numLayers: number;
  seed: number;
  /** Probe value with the given set perturbed jointly, relative to clean (1 = unchanged). */
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
  search(context: SearchContext): Promise<SearchResult>;
}

/** DI token for {@link SearchStrategy}. */
export const SearchStrategy = serviceToken('SearchStrategy');
