import type { ModelArchitecture } from '@mllr/core';
import { architectureToConfig } from '@mllr/model';

/**
 * tiny-chat's architecture: the reference shape of DESIGN.md (llama family, d_model 128, 4 layers, 4 heads, SwiGLU
 * 352, context 128, tied embeddings). The vocabulary size comes from the world's tokenizer.
 */
export function tinyChatArchitecture(vocabSize: number): ModelArchitecture {
  return {
    family: 'llama',
    vocabSize,
    hiddenSize: 128,
    numLayers: 4,
    numHeads: 4,
    numKvHeads: 4,
    headDim: 32,
    intermediateSize: 352,
    maxPositionEmbeddings: 128,
    ropeTheta: 10000,
    rmsNormEps: 1e-5,
    qkvBias: false,
    tieWordEmbeddings: true,
    bosTokenId: 1,
    eosTokenIds: [2],
    padTokenId: 0,
  };
}

/** config.json of tiny-chat. */
export function tinyChatConfig(vocabSize: number): Record<string, unknown> {
  return architectureToConfig(tinyChatArchitecture(vocabSize));
}
