import type { ModelArchitecture } from '@mllr/core';
import { architectureToConfig, trainedLlamaArchitecture } from '@mllr/model';

/**
 * tiny-chat's architecture: the reference shape of DESIGN.md (llama family, d_model 128, 4 layers, 4 heads, SwiGLU
 * 352, context 128, tied embeddings). The vocabulary size comes from the world's tokenizer.
 */
export function tinyChatArchitecture(vocabSize: number): ModelArchitecture {
  return trainedLlamaArchitecture({
    vocabSize,
    hiddenSize: 128,
    numLayers: 4,
    numHeads: 4,
    intermediateSize: 352,
    maxPositionEmbeddings: 128,
    ropeTheta: 10000,
  });
}

/** config.json of tiny-chat. */
export function tinyChatConfig(vocabSize: number): Record<string, unknown> {
  return architectureToConfig(tinyChatArchitecture(vocabSize));
}
