import type { TrainExample } from '../contracts/training-engine.js';
import { MllrError } from '../errors.js';

// Which positions of a training example count in the causal-LM loss, shared by every training engine so they agree:
// position t predicts token t+1, and counts when token t+1 lies in a response span. Token 0 is never predicted.

/** The [start, end) token ranges of `example` that are trained on: its `responseSpans`, else [promptLength, ids.length). */
export function responseSpans(example: TrainExample): ReadonlyArray<readonly [number, number]> {
  return example.responseSpans ?? [[example.promptLength, example.ids.length]];
}

/**
 * Checks the loss targets of example `index` of a batch: `promptLength` leaves at least one response token; spans
 * are whole numbers inside the sequence, non-empty, in order and not overlapping, the first starting at
 * `promptLength`. A bad example is ARGUMENT_INVALID naming it.
 */
export function checkLossTargets(example: TrainExample, index: number): void {
  const { ids, promptLength, responseSpans: spans } = example;
  if (promptLength < 0 || promptLength >= ids.length) {
    throw new MllrError(
      'ARGUMENT_INVALID',
      `training example ${index} has no response tokens (prompt ${promptLength} of ${ids.length} tokens)`,
    );
  }
  if (spans === undefined) return;
  const bad = (why: string) =>
    new MllrError(
      'ARGUMENT_INVALID',
      `training example ${index}: responseSpans ${JSON.stringify(spans)} ${why} (${ids.length} tokens)`,
    );
  if (spans.length === 0) throw bad('is empty, so no token is trained on');
  let previousEnd = 0;
  for (const [start, end] of spans) {
    if (
      !Number.isSafeInteger(start) ||
      !Number.isSafeInteger(end) ||
      start < previousEnd ||
      end <= start ||
      end > ids.length
    ) {
      throw bad('must be non-empty [start, end) ranges inside the sequence, in order and not overlapping');
    }
    previousEnd = end;
  }
  if (spans[0]![0] !== promptLength) throw bad(`must start at promptLength ${promptLength}`);
}

/**
 * Sets `mask[offset + t] = 1` for every position t of `example` whose next token is trained on, and returns how many
 * positions that is. The example should have passed {@link checkLossTargets}.
 */
export function markLossPositions(example: TrainExample, mask: { [position: number]: number }, offset = 0): number {
  let count = 0;
  for (const [start, end] of responseSpans(example)) {
    for (let token = Math.max(start, 1); token < end; token++) {
      mask[offset + token - 1] = 1;
      count++;
    }
  }
  return count;
}
