import type { LoraSettings } from './contracts/lora.js';
import { MODULE_TYPES, moduleTensorNames, parseModuleId, type ModuleType } from './module-id.js';

/** Default LoRA targets: all seven module types. */
export const DEFAULT_LORA_TARGETS: readonly ModuleType[] = MODULE_TYPES;

/**
 * The adapter tensor names of a module, A then B: its weight's Hugging Face name with `.weight` replaced by
 * `.lora_A.weight` / `.lora_B.weight` (`L3.q` → `model.layers.3.self_attn.q_proj.lora_A.weight`). These are PEFT's
 * saved names without the `base_model.model.` prefix PEFT adds.
 */
export function loraTensorNames(module: string): [string, string] {
  const weight = moduleTensorNames(module)[0]!;
  const prefix = weight.slice(0, -'.weight'.length);
  return [`${prefix}.lora_A.weight`, `${prefix}.lora_B.weight`];
}

/** Whether `module`'s type is a target of `settings`. */
export function isLoraTarget(module: string, settings: Pick<LoraSettings, 'targets'>): boolean {
  return settings.targets.includes(parseModuleId(module).type);
}

/** The factor s of the adapter's output: alpha/r, or alpha/√r with rslora (as PEFT computes `scaling`). */
export function loraScaling(settings: Pick<LoraSettings, 'r' | 'alpha' | 'rslora'>): number {
  return settings.rslora ? settings.alpha / Math.sqrt(settings.r) : settings.alpha / settings.r;
}
