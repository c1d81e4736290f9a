import type { ModelArchitecture } from '@mllr/core';
import { TRAINED_SPECIAL_TOKENS } from '../tokenizer/tokenizer-files.js';

/** What a from-scratch model's config chooses (tiny-chat's fixed shape, a run's `model.pretrain.architecture`). */
export interface TrainedModelShape {
  vocabSize: number;
  hiddenSize: number;
  numLayers: number;
  numHeads: number;
  /** Grouped-query attention; default: `numHeads`. */
  numKvHeads?: number;
  intermediateSize: number;
  maxPositionEmbeddings: number;
  ropeTheta: number;
}

const tokenId = (token: (typeof TRAINED_SPECIAL_TOKENS)[number]) => TRAINED_SPECIAL_TOKENS.indexOf(token);

/**
 * The llama-family architecture of a model mllr trains from scratch: the given shape, tied embeddings, no q/k/v
 * bias, RMSNorm ε 1e-5, and the bos/eos/pad ids of mllr's trained tokenizers ({@link TRAINED_SPECIAL_TOKENS}).
 */
export function trainedLlamaArchitecture(shape: TrainedModelShape): ModelArchitecture {
  return {
    family: 'llama',
    vocabSize: shape.vocabSize,
    hiddenSize: shape.hiddenSize,
    numLayers: shape.numLayers,
    numHeads: shape.numHeads,
    numKvHeads: shape.numKvHeads ?? shape.numHeads,
    headDim: shape.hiddenSize / shape.numHeads,
    intermediateSize: shape.intermediateSize,
    maxPositionEmbeddings: shape.maxPositionEmbeddings,
    ropeTheta: shape.ropeTheta,
    rmsNormEps: 1e-5,
    qkvBias: false,
    tieWordEmbeddings: true,
    bosTokenId: tokenId('<s>'),
    eosTokenIds: [tokenId('</s>')],
    padTokenId: tokenId('<pad>'),
  };
}
