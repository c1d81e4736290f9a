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

/** Labelled prompt lengths: token counts and 1 (harmful) / 0 (benign). */
export interface LengthSample {
  lengths: readonly number[];
  labels: readonly number[];
}

/** A rule on length alone: label 1 for prompts longer than `cut` (or not longer, when `longerIs` is 0). */
interface LengthRule {
  cut: number;
  longerIs: 0 | 1;
}

/**
 * The length rule with the best accuracy on `sample`: every cut between two distinct lengths (and one below all),
 * in both directions; ties keep the first found, so the result is deterministic.
 */
function bestLengthRule(sample: LengthSample): LengthRule {
  const cuts = [Number.NEGATIVE_INFINITY, ...new Set(sample.lengths)].sort((a, b) => a - b);
  let best: LengthRule = { cut: Number.NEGATIVE_INFINITY, longerIs: 1 };
  let bestCorrect = -1;
  for (const cut of cuts) {
    for (const longerIs of [1, 0] as const) {
      const correct = countCorrect({ cut, longerIs }, sample);
      if (correct > bestCorrect) [best, bestCorrect] = [{ cut, longerIs }, correct];
    }
  }
  return best;
}

function countCorrect(rule: LengthRule, sample: LengthSample): number {
  let correct = 0;
  sample.lengths.forEach((length, i) => {
    const predicted = length > rule.cut ? rule.longerIs : 1 - rule.longerIs;
    if (predicted === sample.labels[i]) correct++;
  });
  return correct;
}

/**
 * The validation accuracy of the best length-only rule fitted on the probe's training prompts: what a probe could
 * score from prompt length alone, with no security feature at all. Fitted and scored like the probe itself (train
 * split, then validation split), so it is a fair baseline, neither optimistic nor pessimistic.
 */
export function lengthOnlyAccuracy(train: LengthSample, validation: LengthSample): number {
  if (validation.lengths.length === 0) return 0;
  return countCorrect(bestLengthRule(train), validation) / validation.lengths.length;
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
  if (settings.on_weak === 'continue')
    return { warning: `${what}; going on because probe.on_weak is continue, so module scores may be noise` };
  throw new MllrError('ANALYSIS_DEGENERATE', `${what}. ${causes} Set probe.on_weak: continue to go on anyway.`);
}
