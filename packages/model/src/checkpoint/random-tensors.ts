import { createRng, type ModelArchitecture, type NamedTensor } from '@mllr/core';
import { expectedTensorShapes } from './expected-shapes.js';

/**
 * Seeded random weights for every tensor an architecture needs: uniform in ±1.7/√fan-in for projections and
 * embeddings, 1 ± 0.17 for norm weights. Large enough that logits are well separated, which tests of exact greedy
 * decoding need; not an initialisation for training from scratch.
 */
export function randomTensors(architecture: ModelArchitecture, seed: number): Map<string, NamedTensor> {
  const rng = createRng(seed);
  const tensors = new Map<string, NamedTensor>();
  for (const [name, shape] of expectedTensorShapes(architecture)) {
    const size = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(size);
    const isNorm = name.endsWith('norm.weight');
    const scale = isNorm ? 0.1 : 1 / Math.sqrt(shape[shape.length - 1] ?? 1);
    for (let i = 0; i < size; i++) data[i] = (isNorm ? 1 : 0) + scale * (rng.next() * 2 - 1) * 1.7;
    tensors.set(name, { name, shape, data });
  }
  return tensors;
}

/**
 * A tiny llama architecture for tests and experiments (2 layers, hidden 16, grouped-query attention: 4 query heads
 * over 2 key/value heads): a few milliseconds per step on any engine.
 */
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
