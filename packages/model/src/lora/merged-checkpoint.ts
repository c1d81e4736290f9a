import type { NamedTensor } from '@mllr/core';
import { loadCheckpoint } from '../checkpoint/load-checkpoint.js';
import { saveCheckpoint } from '../checkpoint/save-checkpoint.js';
import { mergeLora } from './lora-tensors.js';
import { readPeftAdapter } from './peft-adapter.js';

/**
 * Writes `outDir` as a Hugging Face checkpoint of `modelDir` with the PEFT LoRA adapter of `adapterDir` merged in
 * (W + s·B·A, what PEFT's merge_and_unload gives), tokenizer files copied: how `--adapter` is evaluated and
 * generated from by any engine.
 */
export async function saveMergedCheckpoint(modelDir: string, adapterDir: string, outDir: string): Promise<void> {
  const checkpoint = await loadCheckpoint(modelDir);
  const adapter = await readPeftAdapter(adapterDir, checkpoint.architecture);
  const weights = new Map([...checkpoint.tensors].map(([name, t]) => [name, t.data] as const));
  const merged = mergeLora(checkpoint.architecture, adapter.settings, weights, adapter.tensors);
  const tensors: NamedTensor[] = [...checkpoint.tensors.values()].map((t) => ({
    name: t.name,
    shape: t.shape,
    data: merged.get(t.name)!,
  }));
  await saveCheckpoint(outDir, { config: checkpoint.config, tensors, copyFrom: modelDir });
}
