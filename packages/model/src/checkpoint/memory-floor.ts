import type { ModelArchitecture } from '@mllr/core';
import { parameterCount } from './expected-shapes.js';

/** What an engine holds per parameter, in float32 values: the weights, and for training also gradients and AdamW's two moments. */
const VALUES_PER_PARAMETER = { inference: 1, training: 4 } as const;

/**
 * The least memory an engine needs for a model, before any activation: float32 weights (inference), or weights,
 * gradients and AdamW's two moments (full fine-tuning). Activations come on top and grow with batch × sequence, so
 * a model whose floor nearly fills a memory limit fails at its first step.
 */
export function memoryFloorBytes(arch: ModelArchitecture, use: 'inference' | 'training'): number {
  return parameterCount(arch) * 4 * VALUES_PER_PARAMETER[use];
}

/** Bytes as people read them (GiB with one decimal, or MiB below 1 GiB). */
export function formatBytes(bytes: number): string {
  const gib = bytes / 2 ** 30;
  return gib >= 1 ? `${gib.toFixed(1)} GiB` : `${(bytes / 2 ** 20).toFixed(0)} MiB`;
}
