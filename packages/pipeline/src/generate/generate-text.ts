import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MllrError } from '@mllr/core';
import { encodeChatPrompt, loadTokenizer, stopTokenIds, type HfTokenizer } from '@mllr/model';
import { loadEngineProvider } from '../engines/load-engine-provider.js';

/** What to continue: text (through the chat template, or as is with `raw`) or token ids. */
export type GenerationInput = { prompt: string; raw?: boolean } | { ids: number[] };

/** What `mllr generate` asks for. */
export interface GenerateRequest {
  /** The model folder (already resolved: a Hub id or tiny-chat is the caller's to turn into a folder). */
  dir: string;
  input: GenerationInput;
  maxNewTokens: number;
  engine: string;
  device?: string;
  /** Sampling; greedy without a temperature. */
  temperature?: number;
  topP?: number;
  seed?: number;
  /** Called once the engine is open, before generating (the command names the engine and device on stderr). */
  onEngineOpen?: (engine: { name: string; device: string }) => void;
}

/** One continuation: the prompt's ids, the generated ids, and their text (null for a model without a tokenizer). */
export interface GeneratedText {
  promptIds: number[];
  outputIds: number[];
  text: string | null;
}

/**
 * Continues one prompt on an inference engine: encodes a text prompt with the model's tokenizer (the chat template's
 * user turn and generation prompt, or the raw text with special tokens), refuses ids outside the vocabulary, and stops
 * at any of the tokenizer's end-of-generation ids (config.json's without a tokenizer).
 */
export async function generateText(request: GenerateRequest): Promise<GeneratedText> {
  const { dir } = request;
  const tokenizer = existsSync(join(dir, 'tokenizer.json')) ? await loadTokenizer(dir) : undefined;
  const promptIds =
    'ids' in request.input
      ? request.input.ids
      : encodePrompt(request.input.prompt, tokenizer, request.input.raw ?? false, dir);
  const provider = await loadEngineProvider({ name: request.engine, options: {} });
  const engine = await provider.openInference(dir, request.device ? { device: request.device } : {});
  request.onEngineOpen?.({ name: engine.name, device: engine.device });
  try {
    const vocab = engine.architecture.vocabSize;
    const bad = promptIds.find((id) => id >= vocab);
    if (bad !== undefined)
      throw new MllrError('ARGUMENT_INVALID', `token id ${bad} is outside the model's vocabulary of ${vocab}`);
    const [outputIds] = await engine.generate([promptIds], {
      maxNewTokens: request.maxNewTokens,
      ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
      ...(request.topP !== undefined ? { topP: request.topP } : {}),
      ...(request.seed !== undefined ? { seed: request.seed } : {}),
      // The tokenizer's eos ids too (generation_config.json may list several); without one, config.json's.
      ...(tokenizer ? { stopTokenIds: stopTokenIds(tokenizer, engine.architecture) } : {}),
    });
    return {
      promptIds,
      outputIds: outputIds!,
      text: tokenizer ? tokenizer.decode(outputIds!, { skipSpecialTokens: true }) : null,
    };
  } finally {
    await engine.dispose();
  }
}

function encodePrompt(prompt: string, tokenizer: HfTokenizer | undefined, raw: boolean, dir: string): number[] {
  if (!tokenizer)
    throw new MllrError(
      'CHECKPOINT_INVALID',
      `${join(dir, 'tokenizer.json')} is missing; give --ids instead of --prompt`,
    );
  if (raw) return tokenizer.encode(prompt, { addSpecialTokens: true });
  return encodeChatPrompt(tokenizer, prompt);
}
