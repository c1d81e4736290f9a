/** The shape `mllr bench` measures (DESIGN.md's reference shape on the tiny-chat config). */
export interface BenchShape {
  /** Sequences per training step and per forward. */
  batch: number;
  /** Tokens per sequence in training and forward. */
  sequence: number;
  /** Prompts generated at once. */
  generateBatch: number;
  /** Tokens per prompt. */
  promptLength: number;
  /** New tokens per prompt (no stop token ends a sequence early). */
  newTokens: number;
}

/** Batch 16 × 128 tokens; generation: 16 prompts of 32 tokens, 32 new tokens each, with the KV cache. */
export const REFERENCE_SHAPE: BenchShape = {
  batch: 16,
  sequence: 128,
  generateBatch: 16,
  promptLength: 32,
  newTokens: 32,
};

/**
 * `count` sequences of `length` token ids, seeded and spread over the vocabulary above the first `reserved` ids
 * (the special tokens), so every run and the PyTorch peer see the same numbers for the same seed.
 */
export function syntheticSequences(
  count: number,
  length: number,
  vocabSize: number,
  seed = 1,
  reserved = 3,
): number[][] {
  let state = seed >>> 0;
  const next = () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state >>> 8;
  };
  const span = Math.max(1, vocabSize - reserved);
  return Array.from({ length: count }, () => Array.from({ length }, () => reserved + (next() % span)));
}
