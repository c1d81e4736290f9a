import { createRng, type ModelArchitecture, type NamedTensor } from '@mllr/core';
import { expectedTensorShapes } from '@mllr/model';
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
  return { architecture, config: { model_type: architecture.family }, tensors };
}
