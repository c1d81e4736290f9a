import { MllrError, type InferenceEngine, type MetricValue, type Tokenizer } from '@mllr/core';
import { encodePrompt } from './encode-prompt.js';
import { ratio } from './metric-value.js';

/** A prompt with the reference response the model should produce. */
export interface ReferenceSample {
  prompt: string;
  answer: string;
}

/** How {@link teacherForcedAccuracy} runs. */
export interface TeacherForcedOptions {
  /** Sequences per logits call (default 8). */
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
  throwIfStopped?: () => void;
  /** Called with each sample's index and its reference tokens predicted / scored, as soon as its batch is scored. */
  onItem?: (index: number, correct: number, total: number) => void | Promise<void>;
}

/**
 * Share of reference-response tokens that the model predicts exactly (argmax; ties to the lowest id) when fed the
 * prompt and every earlier reference token. The sequence is the prompt as {@link encodePrompt} renders it followed by
 * the reference encoded alone (no special tokens; no end-of-turn token is scored). References are capped at half the
 * context and prompts cut (start kept) to fit the rest.
 */
export async function teacherForcedAccuracy(
  engine: InferenceEngine,
  tokenizer: Tokenizer,
  samples: readonly ReferenceSample[],
  options: TeacherForcedOptions = {},
): Promise<MetricValue> {
  const batchSize = options.batchSize ?? 8;
  const context = engine.architecture.maxPositionEmbeddings;
  let truncated = 0;
  const items = samples.map(({ prompt, answer }) => {
    const reference = tokenizer.encode(answer, { addSpecialTokens: false }).slice(0, Math.floor(context / 2));
    const encoded = encodePrompt(tokenizer, prompt, context - reference.length);
    if (encoded.truncated) truncated++;
    const promptIds = encoded.ids;
    if (promptIds.length === 0)
      throw new MllrError(
        'DATA_INVALID',
        'the chat template rendered a prompt with no tokens; nothing predicts the first reference token',
      );
    return { promptLength: promptIds.length, reference, sequence: [...promptIds, ...reference] };
  });
  const order = items.map((_, i) => i).sort((a, b) => items[a]!.sequence.length - items[b]!.sequence.length);

  let correct = 0;
  let total = 0;
  for (let start = 0; start < order.length; start += batchSize) {
    options.throwIfStopped?.();
    const indices = order.slice(start, start + batchSize);
    const batch = indices.map((i) => items[i]!);
    const { data, vocabSize } = await engine.logits({ sequences: batch.map((item) => item.sequence) });
    for (const [b, item] of batch.entries()) {
      const logits = data[b];
      if (!logits || logits.length < item.sequence.length * vocabSize) {
        throw new MllrError(
          'INTERNAL',
          `the ${engine.name} engine returned logits of the wrong size for a sequence of ${item.sequence.length} tokens`,
        );
      }
      let hits = 0;
      item.reference.forEach((token, j) => {
        // Position p's logits predict token p + 1, so the j-th reference token is predicted at promptLength + j − 1.
        if (argmaxAt(logits, item.promptLength + j - 1, vocabSize) === token) hits++;
      });
      correct += hits;
      total += item.reference.length;
      await options.onItem?.(indices[b]!, hits, item.reference.length);
    }
    options.onProgress?.(Math.min(start + batchSize, order.length), order.length);
  }
  return { ...ratio(correct, total, 'teacher-forced accuracy'), truncated };
}

/** The highest-scoring id at one position of a [length, vocab] row-major logits array; ties go to the lowest id. */
function argmaxAt(logits: Float32Array, position: number, vocabSize: number): number {
  const offset = position * vocabSize;
  let best = 0;
  for (let v = 1; v < vocabSize; v++) if (logits[offset + v]! > logits[offset + best]!) best = v;
  return best;
}
