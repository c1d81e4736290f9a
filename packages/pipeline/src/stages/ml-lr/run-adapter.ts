import {
  MODULE_TYPES,
  isLoraTarget,
  loraTensorNames,
  type LoraSettings,
  type ModelArchitecture,
  type ModuleId,
  type RunConfig,
} from '@mllr/core';
import { loraShapes } from '@mllr/model';

/** The LoRA settings of a run's `training.adapter`, or undefined when the run fine-tunes the weights. */
export function runAdapter(config: Pick<RunConfig, 'training'>): LoraSettings | undefined {
  const adapter = config.training.adapter;
  if (!adapter) return undefined;
  return {
    r: adapter.r,
    alpha: adapter.alpha,
    dropout: adapter.dropout,
    targets: MODULE_TYPES.filter((t) => adapter.targets.includes(t)),
    rslora: adapter.rslora,
  };
}

/**
 * What a run's schedules group: the trained tensors and each module's share of them. Full fine-tuning: every tensor
 * of the model, a module's being its weight (and bias). LoRA: the adapter tensors only, a module's being its A and B.
 */
export function trainedTensors(
  architecture: ModelArchitecture,
  adapter: LoraSettings | undefined,
  fullTensors: readonly string[],
  moduleTensors: (m: ModuleId) => string[],
): { tensors: string[]; tensorsOf: (m: ModuleId) => string[] } {
  if (!adapter) return { tensors: [...fullTensors], tensorsOf: moduleTensors };
  return {
    tensors: [...loraShapes(architecture, adapter).keys()],
    tensorsOf: (m) => (isLoraTarget(m, adapter) ? loraTensorNames(m) : []),
  };
}
