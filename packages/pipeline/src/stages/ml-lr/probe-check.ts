import { MllrError, type RunConfig } from '@mllr/core';

/** What the proxy stage learned about its probe: the layer it reads, its clean validation accuracy, and a baseline. */
export interface ProbeQuality {
  layer: number;
  accuracy: number;
  /**
   * The validation accuracy of the best rule that sees only each prompt's token count (lengthOnlyAccuracy): what a
   * probe gets from prompt length alone, with no security feature at all (a model that reads every word as `<unk>`
   * still sees lengths).
   */
  lengthOnlyAccuracy: number;
}

/**
 * The best accuracy any single length threshold reaches on labelled prompts (label 1 above or below the cut, every
 * cut tried). It is fitted on the very prompts it scores, so it is an optimistic baseline: a probe must beat it
 * clearly to show it reads more than length.
 */
export function lengthOnlyAccuracy(lengths: readonly number[], labels: readonly number[]): number {
  const n = lengths.length;
  if (n === 0) return 0;
  const order = lengths.map((length, i) => ({ length, label: labels[i]! })).sort((a, b) => a.length - b.length);
  const positives = order.filter((o) => o.label === 1).length;
  // Cut after position i (prompts 0..i predicted 0): correct = negatives at or below + positives above.
  let best = Math.max(positives, n - positives);
  let negativesBelow = 0;
  let positivesBelow = 0;
  for (let i = 0; i < n; i++) {
    if (order[i]!.label === 1) positivesBelow++;
    else negativesBelow++;
    if (i + 1 < n && order[i + 1]!.length === order[i]!.length) continue; // equal lengths cannot be split
    const correct = negativesBelow + (positives - positivesBelow);
    best = Math.max(best, correct, n - correct);
  }
  return best / n;
}

/** A weak probe the user chose to go on with: the warning the log and the report show. */
export interface WeakProbeWarning {
  warning: string;
}

/**
 * Whether the probe is good enough to guide the analysis. A probe at chance makes every robustness score noise, so
 * the run stops (ANALYSIS_DEGENERATE, exit 2) naming the accuracy, the layer and the likely causes, unless
 * `probe.on_weak` is `continue`, which returns the warning instead. Returns undefined for a probe above the threshold.
 */
export function checkProbeQuality(quality: ProbeQuality, settings: RunConfig['probe']): WeakProbeWarning | undefined {
  const floor = quality.lengthOnlyAccuracy + settings.min_gain_over_length;
  if (quality.accuracy >= settings.min_accuracy && quality.accuracy >= floor) return undefined;
  const accuracy = `clean validation accuracy ${quality.accuracy.toFixed(3)} on layer ${quality.layer}`;
  const what =
    quality.accuracy < settings.min_accuracy
      ? `the security probe is too weak to guide the analysis: ${accuracy}, below probe.min_accuracy ${settings.min_accuracy} (0.5 is chance)`
      : `the security probe reads little beyond prompt length: ${accuracy}, while prompt length alone reaches ` +
        `${quality.lengthOnlyAccuracy.toFixed(3)} (probe.min_gain_over_length asks for ${settings.min_gain_over_length} more)`;
  const causes =
    'Likely causes: the tokenizer maps much of the text to unknown tokens (check that tokenizer.json belongs to the model), ' +
    'the probe prompts do not separate harmful from benign requests (data.probe), or the model carries no security feature ' +
    '(random or unaligned weights).';
  if (settings.on_weak === 'continue') return { warning: `${what}; going on because probe.on_weak is continue, so module scores may be noise` };
  throw new MllrError('ANALYSIS_DEGENERATE', `${what}. ${causes} Set probe.on_weak: continue to go on anyway.`);
}
