import type { InferenceEngine, Tokenizer } from '@mllr/core';
import { encodeChatPrompt } from '@mllr/model';

/**
 * Token ids of prompts as the model sees them right before it answers: a user turn rendered through the chat
 * template with the generation prompt. The last token's hidden state is where the model decides to refuse, so
 * that is where the security feature is read.
 */
export function encodeProbePrompts(tokenizer: Tokenizer, prompts: readonly string[]): number[][] {
  return prompts.map((p) => encodeChatPrompt(tokenizer, p));
}

/** Last-token hidden states of `layers` for every sequence, in batches: result[layerIndex][sequence]. */
export async function extractFeatures(
  engine: InferenceEngine,
  sequences: readonly number[][],
  layers: number[],
  batchSize = 64,
): Promise<Float32Array[][]> {
  const out: Float32Array[][] = layers.map(() => []);
  for (let i = 0; i < sequences.length; i += batchSize) {
    const states = await engine.lastTokenHiddenStates({ sequences: sequences.slice(i, i + batchSize) }, layers);
    states.layers.forEach((rows, l) => out[l]!.push(...rows));
  }
  return out;
}
