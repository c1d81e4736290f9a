import type { ModelArchitecture } from '@mllr/core';
import { randomTensors } from '@mllr/model';
import type { ModelSource } from '../tfjs-engine.js';

/** A tiny llama architecture for tests. */
export function tinyArchitecture(overrides: Partial<ModelArchitecture> = {}): ModelArchitecture {
  return {
    family: 'llama',
    vocabSize: 40,
    hiddenSize: 16,
    numLayers: 2,
    numHeads: 4,
    numKvHeads: 2,
    headDim: 4,
    intermediateSize: 24,
    maxPositionEmbeddings: 32,
    ropeTheta: 10000,
    rmsNormEps: 1e-6,
    qkvBias: false,
    tieWordEmbeddings: false,
    bosTokenId: 1,
    eosTokenIds: [2],
    padTokenId: 0,
    ...overrides,
  };
}

/** Seeded random weights of every tensor the architecture needs (norm weights near 1). */
export function randomModel(architecture: ModelArchitecture, seed: number): ModelSource {
  return { architecture, config: { model_type: architecture.family }, tensors: randomTensors(architecture, seed) };
}
