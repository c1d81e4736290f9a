import type { ModelArchitecture, NamedTensor } from '@mllr/core';

/**
 * A model in memory: what @mllr/model's loadCheckpoint returns, or an architecture with weights taken from another
 * engine (for example a tfjs engine's getWeights after fine-tuning).
 */
export interface ModelSource {
  architecture: ModelArchitecture;
  tensors: ReadonlyMap<string, NamedTensor> | readonly NamedTensor[];
  /** config.json as read; written back by exportOnnx (derived from the architecture when absent). */
  config?: Record<string, unknown>;
  /** The checkpoint folder, whose tokenizer files exportOnnx copies. */
  dir?: string;
}

/** The tensors of a source by name. */
export function tensorMap(tensors: ModelSource['tensors']): Map<string, NamedTensor> {
  if (tensors instanceof Map) return new Map(tensors);
  return new Map((tensors as readonly NamedTensor[]).map((t) => [t.name, t] as const));
}
