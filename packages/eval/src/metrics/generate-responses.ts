import { MllrError, type InferenceEngine, type Tokenizer } from '@mllr/core';
import { stopTokenIds } from '@mllr/model';
import { encodePrompt } from './encode-prompt.js';

/** How {@link generateResponses} runs. */
export interface GenerateResponsesOptions {
  maxNewTokens: number;
  /** Prompts per engine call. */
  batchSize: number;
  /** After each batch: prompts done so far, of all. */
  onProgress?: (done: number, total: number) => void;
  /** Called before each batch; throws to stop (the pipeline's safe point). */
  throwIfStopped?: () => void;
  /** Called with each batch's prompt indices and responses as soon as they exist (to judge them right away). */
  afterBatch?: (indices: number[], responses: string[]) => void | Promise<void>;
  /**
   * Prompts encoded and length-sorted at a time (default {@link STREAM_WINDOW}): memory holds one window's token ids,
   * so 10,000 prompts cost no more than 512 do.
   */
  window?: number;
  /** False: return no responses (`afterBatch` sees them all), so memory stays flat however many prompts there are. */
  keepResponses?: boolean;
}

/** Default number of prompts encoded and sorted by length at a time. */
export const STREAM_WINDOW = 512;

/** Responses in prompt order, and how many prompts had to be cut to fit the context. */
export interface GeneratedResponses {
  /** Empty when `keepResponses` is false. */
  responses: string[];
  truncated: number;
}

/**
 * Greedy responses of `engine` to `prompts`: each prompt is rendered through the chat template as a user message with
 * the generation prompt ({@link encodePrompt}; prompts longer than the context minus `maxNewTokens` keep the start of
 * their content), generated in batches of similar length (order restored) and decoded without special tokens, trimmed.
 */
export async function generateResponses(
  engine: InferenceEngine,
  tokenizer: Tokenizer,
  prompts: readonly string[],
  options: GenerateResponsesOptions,
): Promise<GeneratedResponses> {
  const { maxNewTokens, batchSize } = options;
  if (!Number.isInteger(maxNewTokens) || maxNewTokens < 1)
    throw new MllrError('ARGUMENT_INVALID', `maxNewTokens must be a positive integer, got ${maxNewTokens}`);
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new MllrError('ARGUMENT_INVALID', `batchSize must be a positive integer, got ${batchSize}`);
  const context = engine.architecture.maxPositionEmbeddings;
  const budget = context - maxNewTokens;
  if (budget < 1) {
    throw new MllrError(
      'ARGUMENT_INVALID',
      `maxNewTokens (${maxNewTokens}) leaves no room for a prompt in the model's context of ${context} tokens`,
    );
  }

  const window = options.window ?? STREAM_WINDOW;
  if (!Number.isInteger(window) || window < 1)
    throw new MllrError('ARGUMENT_INVALID', `window must be a positive integer, got ${window}`);
  // Every eos id of the tokenizer (generation_config.json may list several) ends a response, not only config.json's.
  const stop = stopTokenIds(tokenizer, engine.architecture);
  const keep = options.keepResponses ?? true;
  const responses = keep ? new Array<string>(prompts.length) : [];
  let truncated = 0;
  let done = 0;
  // Prompts stream through in windows: each is encoded, sorted by length and generated before the next is read.
  for (let from = 0; from < prompts.length; from += window) {
    const encoded = prompts.slice(from, from + window).map((prompt) => encodePrompt(tokenizer, prompt, budget));
    truncated += encoded.filter((e) => e.truncated).length;
    // Similar lengths in one batch waste less on padding; a stable sort keeps equal lengths in prompt order.
    const order = encoded.map((_, i) => i).sort((a, b) => encoded[a]!.ids.length - encoded[b]!.ids.length);
    for (let start = 0; start < order.length; start += batchSize) {
      options.throwIfStopped?.();
      const local = order.slice(start, start + batchSize);
      const generated = await engine.generate(
        local.map((i) => encoded[i]!.ids),
        { maxNewTokens, temperature: 0, stopTokenIds: stop },
      );
      if (generated.length !== local.length) {
        throw new MllrError(
          'INTERNAL',
          `the ${engine.name} engine returned ${generated.length} continuations for ${local.length} prompts`,
        );
      }
      const texts = generated.map((ids) => tokenizer.decode(ids, { skipSpecialTokens: true }).trim());
      const indices = local.map((i) => from + i);
      if (keep) indices.forEach((index, k) => (responses[index] = texts[k]!));
      await options.afterBatch?.(indices, texts);
      done += local.length;
      options.onProgress?.(done, prompts.length);
    }
  }
  return { responses, truncated };
}
