import type { ModelArchitecture } from '@mllr/core';
import { randomTensors } from '@mllr/model';
import type { ModelSource } from '../tfjs-engine.js';

/** The tiny test architecture, shared with the other engine's tests through @mllr/model. */
export { tinyArchitecture } from '@mllr/model';

/** Seeded random weights of every tensor the architecture needs (norm weights near 1). */
export function randomModel(architecture: ModelArchitecture, seed: number): ModelSource {
  return { architecture, config: { model_type: architecture.family }, tensors: randomTensors(architecture, seed) };
}
