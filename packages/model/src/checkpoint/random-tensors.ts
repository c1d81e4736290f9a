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
