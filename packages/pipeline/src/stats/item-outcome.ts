/**
 * One model's result on one evaluation item, as its metric counts it: the metric is Σ numerator / Σ denominator over
 * the items (harmful_asr: 1 when judged harmful, over 1; exact-match accuracy: 1 when correct, over 1; teacher-forced
 * accuracy: reference tokens predicted, over reference tokens). Keeping both parts lets a resample of items give the
 * metric exactly as the evaluator would have computed it on those items.
 */
export interface ItemOutcome {
  numerator: number;
  denominator: number;
}

/** Σ numerator / Σ denominator of `items` at `indices` (all items when omitted); NaN when the denominator is 0. */
export function ratioOf(items: readonly ItemOutcome[], indices?: readonly number[]): number {
  let numerator = 0;
  let denominator = 0;
  if (indices === undefined) {
    for (const item of items) {
      numerator += item.numerator;
      denominator += item.denominator;
    }
  } else {
    for (const i of indices) {
      numerator += items[i]!.numerator;
      denominator += items[i]!.denominator;
    }
  }
  return denominator > 0 ? numerator / denominator : Number.NaN;
}
