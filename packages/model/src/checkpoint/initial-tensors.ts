import { createRng, type ModelArchitecture, type NamedTensor } from '@mllr/core';
import { expectedTensorShapes } from './expected-shapes.js';

/**
 * Seeded initial weights for training from scratch, in the GPT-2 style: normal(0, 0.02), output projections (o, down)
 * scaled by 1/√(2·layers) so the residual stream does not grow with depth, norm weights 1. The same seed gives the
 * same weights on every machine (tiny-chat's trainer and the `pretrain` stage both start here).
 */
export function initialTensors(architecture: ModelArchitecture, seed: number): Map<string, NamedTensor> {
  const rng = createRng(seed);
  const normal = (): number => {
    // Box–Muller on the seeded uniform source.
    const u = Math.max(rng.next(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
  };
  const residualScale = 1 / Math.sqrt(2 * architecture.numLayers);
  const tensors = new Map<string, NamedTensor>();
  for (const [name, shape] of expectedTensorShapes(architecture)) {
    const size = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(size);
    if (name.endsWith('norm.weight')) data.fill(1);
    else {
      const std = 0.02 * (/o_proj|down_proj/.test(name) ? residualScale : 1);
      for (let i = 0; i < size; i++) data[i] = std * normal();
    }
    tensors.set(name, { name, shape, data });
  }
  return tensors;
}
