import type { ModuleId, ModuleType } from '../module-id.js';
import type { TrainingEngine } from './training-engine.js';

/**
 * A LoRA adapter's settings (`training.adapter`, `mllr finetune --lora-r`): each targeted module's output becomes
 * y = x·Wᵀ + s·(x·Aᵀ)·Bᵀ with W frozen, A [r, in] and B [out, r] trained, and s = alpha/r (alpha/√r with rslora).
 */
export interface LoraSettings {
  /** Rank of the adapter (rows of A, columns of B). */
  r: number;
  alpha: number;
  /** Dropout on the adapter's input; mllr trains with 0 only (PEFT's lora_dropout is recorded, not applied). */
  dropout: number;
  /** Module types that get an adapter, in canonical order. */
  targets: ModuleType[];
  /** Rank-stabilised scaling alpha/√r instead of alpha/r. */
  rslora: boolean;
}

/** How to open a LoRA training engine: the adapter's settings, the seed of A's initialisation, or a PEFT adapter to start from. */
export interface LoraOpenOptions {
  settings: LoraSettings;
  /** Seeds A's Kaiming-uniform initialisation (the run's seed). */
  seed: number;
  /** A PEFT LoRA adapter folder to start from instead of a fresh adapter (its r, alpha and targets must match `settings`). */
  init?: string;
}

/** What a saved adapter records about its base model. */
export interface AdapterSaveInfo {
  /** `base_model_name_or_path` of adapter_config.json. */
  baseModel: string;
}

/**
 * A training engine that trains LoRA adapters on a frozen model. Its `tensorNames()` are the adapter tensors (the
 * only trainable ones: every parameter group names adapter tensors); `getWeights`/`setWeights` also reach the frozen
 * base weights by their Hugging Face names; `save` writes the merged model (W + s·B·A) in Hugging Face layout.
 */
export interface LoraTrainingEngine extends TrainingEngine {
  readonly lora: LoraSettings;
  /** The adapter tensors of a module (A then B), empty when its type is not targeted: what a schedule groups by module. */
  tensorsOf(module: ModuleId): string[];
  /** Writes the adapter in PEFT's format: adapter_config.json and adapter_model.safetensors. */
  saveAdapter(dir: string, info: AdapterSaveInfo): Promise<void>;
}
