import type { RunEvent } from '@mllr/core';
import { appendToCurve, emptyCurve, type BoundedCurve } from './bounded-curve.js';

/** Validation accuracy of the probe trained on one layer. */
export interface ProbeLayer {
  layer: number;
  accuracy: number;
}

/** One greedy decision: the set size after it, the joint probe value, whether the candidate stayed, and which it was. */
export interface SearchDecision {
  size: number;
  value: number;
  kept: boolean;
  candidate?: string;
}

/** The search as it grows. */
export interface SearchProgress {
  threshold?: number;
  /** The newest decisions (at most {@link DECISION_CAPACITY}). */
  decisions: SearchDecision[];
  kept: number;
  dropped: number;
  /** Candidate named by the decision's log line, waiting for its metric. */
  pending?: { candidate: string; kept: boolean };
}

/** The live result of each ML-LR stage, built from its metric (and decision log) events alone. */
export interface StageResults {
  /** Stage `proxy`: per-layer probe accuracy, sorted by layer. */
  probe: ProbeLayer[];
  /** Stage `robustness`: module id → score (higher = more robust). */
  robustness: Record<string, number>;
  /** Stage `search`. */
  search: SearchProgress;
  /** Stage `ift`: run id → loss curve. */
  losses: Record<string, BoundedCurve>;
  /** Stage `eval`: model id (`base` or a run id) → metric → value. */
  evaluation: Record<string, Record<string, number>>;
  /** Stage `validate`: module run id → rise in harmful_asr when fine-tuned alone. */
  validation: Record<string, number>;
  /** Stage `validate`: Spearman's ρ of robustness against minus the rise, and its interval, once known. */
  spearman: { value?: number; low?: number; high?: number };
  /** Stage `report`: `<strategy> vs <control>` → the harmful_asr difference and its interval. */
  verdicts: Record<string, { delta?: number; low?: number; high?: number }>;
}

/** The stages that have a result panel, by the names the ML-LR stage set gives them. */
export const RESULT_STAGES = ['proxy', 'robustness', 'search', 'ift', 'eval', 'validate', 'report'] as const;

/** Search decisions kept for the panel (greedy stops long before this on real models). */
export const DECISION_CAPACITY = 500;

/** No results yet. */
export function initialStageResults(): StageResults {
  return {
    probe: [],
    robustness: {},
    search: { decisions: [], kept: 0, dropped: 0 },
    losses: {},
    evaluation: {},
    validation: {},
    spearman: {},
    verdicts: {},
  };
}

// The validate stage's correlation and the report stage's comparisons, metric by metric (see their stages).
const SPEARMAN_FIELD: Record<string, 'value' | 'low' | 'high'> = {
  spearman: 'value',
  spearman_low: 'low',
  spearman_high: 'high',
};
const VERDICT_FIELD: Record<string, 'delta' | 'low' | 'high'> = {
  delta_harmful_asr: 'delta',
  delta_harmful_asr_low: 'low',
  delta_harmful_asr_high: 'high',
};

// The search stage logs `keep L3.q (probe 0.9876) → 3 modules` just before the decision's metric, which has no room
// for the module id.
const DECISION_LOG = /^(keep|drop) (L\d+\.[a-z]+) \(probe /;

/** Applies one event; returns `results` itself when the event is not a result, so unchanged state stays identical. */
export function reduceStageResults(results: StageResults, event: RunEvent): StageResults {
  if (event.type === 'log' && event.stage === 'search') {
    const m = DECISION_LOG.exec(event.message);
    return m
      ? { ...results, search: { ...results.search, pending: { candidate: m[2]!, kept: m[1] === 'keep' } } }
      : results;
  }
  if (event.type !== 'metric') return results;
  const { stage, name, value, step, series } = event;
  if (stage === 'proxy' && name === 'probe_accuracy' && step !== undefined) {
    const probe = [...results.probe.filter((p) => p.layer !== step), { layer: step, accuracy: value }].sort(
      (a, b) => a.layer - b.layer,
    );
    return { ...results, probe };
  }
  if (stage === 'robustness' && name === 'robustness' && series !== undefined) {
    return { ...results, robustness: { ...results.robustness, [series]: value } };
  }
  if (stage === 'search' && name === 'threshold')
    return { ...results, search: { ...results.search, threshold: value } };
  if (stage === 'search' && name === 'set_value')
    return { ...results, search: addDecision(results.search, value, step ?? 0, series === 'kept') };
  if (stage === 'ift' && name === 'loss' && series !== undefined) {
    const curve = results.losses[series] ?? emptyCurve();
    return {
      ...results,
      losses: { ...results.losses, [series]: appendToCurve(curve, { x: step ?? curve.seen, y: value }) },
    };
  }
  if (stage === 'eval' && series !== undefined) {
    return {
      ...results,
      evaluation: { ...results.evaluation, [series]: { ...results.evaluation[series], [name]: value } },
    };
  }
  if (stage === 'validate' && name === 'asr_rise' && series !== undefined)
    return { ...results, validation: { ...results.validation, [series]: value } };
  const spearman = SPEARMAN_FIELD[name];
  if (stage === 'validate' && spearman) return { ...results, spearman: { ...results.spearman, [spearman]: value } };
  const verdict = VERDICT_FIELD[name];
  if (stage === 'report' && verdict && series !== undefined) {
    return {
      ...results,
      verdicts: { ...results.verdicts, [series]: { ...results.verdicts[series], [verdict]: value } },
    };
  }
  return results;
}

function addDecision(search: SearchProgress, value: number, size: number, kept: boolean): SearchProgress {
  const candidate = search.pending && search.pending.kept === kept ? search.pending.candidate : undefined;
  const decision: SearchDecision = { size, value, kept, ...(candidate !== undefined ? { candidate } : {}) };
  const decisions = [...search.decisions.slice(-(DECISION_CAPACITY - 1)), decision];
  const { pending: _pending, ...rest } = search;
  return { ...rest, decisions, kept: search.kept + (kept ? 1 : 0), dropped: search.dropped + (kept ? 0 : 1) };
}
