import type { TrainExample } from '@mllr/core';

/**
 * `example` cut to its first `maxTokens` tokens, its response spans with it: spans past the cut are dropped and the
 * one across it is shortened. Undefined when no response token is left (the prompt alone fills `maxTokens`), since
 * nothing of it would be trained on. A single span that ends at the cut is the simple case again (`promptLength`).
 */
export function cutTrainExample(example: TrainExample, maxTokens: number): TrainExample | undefined {
  if (example.ids.length <= maxTokens) return example;
  if (example.promptLength >= maxTokens) return undefined;
  const ids = example.ids.slice(0, maxTokens);
  if (!example.responseSpans) return { ids, promptLength: example.promptLength };
  const spans = example.responseSpans
    .filter(([start]) => start < maxTokens)
    .map(([start, end]) => [start, Math.min(end, maxTokens)] as [number, number]);
  return spans.length === 1 && spans[0]![1] === maxTokens
    ? { ids, promptLength: example.promptLength }
    : { ids, promptLength: example.promptLength, responseSpans: spans };
}
