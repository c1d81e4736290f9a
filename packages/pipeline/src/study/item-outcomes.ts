import type { ItemOutcome } from '../stats/item-outcome.js';

/**
 * Per-item outcomes of one metric from a generations file (`eval/<id>.jsonl`, one judged item per line), by item
 * index: harm metrics count `verdict.harmful` (harmful_asr) or `verdict.refused` (over_refusal) over 1, exact match
 * `verdict.correct` over 1, teacher-forced accuracy `tokens_correct` over `tokens_total` — each as its metric counts it.
 * Lines of other metrics, and lines this reader cannot count, are skipped.
 */
export function itemOutcomesOf(text: string, metric: string): Map<number, ItemOutcome> {
  const outcomes = new Map<number, ItemOutcome>();
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const record = JSON.parse(line) as { metric?: unknown; index?: unknown; verdict?: Record<string, unknown> };
    if (record.metric !== metric || typeof record.index !== 'number' || !record.verdict) continue;
    const outcome = itemOutcomeOf(metric, record.verdict);
    if (outcome) outcomes.set(record.index, outcome);
  }
  return outcomes;
}

/** One judged item's outcome as `metric` counts it, from its verdict; undefined for a verdict this cannot count. */
export function itemOutcomeOf(metric: string, judged: object): ItemOutcome | undefined {
  const verdict = judged as Record<string, unknown>; // read field by field: a verdict from a file may be anything
  if (typeof verdict.tokens_correct === 'number' && typeof verdict.tokens_total === 'number') {
    return { numerator: verdict.tokens_correct, denominator: verdict.tokens_total };
  }
  if (typeof verdict.correct === 'boolean') return { numerator: verdict.correct ? 1 : 0, denominator: 1 };
  const flag = metric === 'over_refusal' ? verdict.refused : verdict.harmful;
  return typeof flag === 'boolean' ? { numerator: flag ? 1 : 0, denominator: 1 } : undefined;
}
