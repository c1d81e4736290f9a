import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { writeFileAtomic, type NamedTensor } from '@mllr/core';
import { parseModelConfig } from '../config/parse-model-config.js';
import { isFile } from '../files/file-exists.js';
import { writeSafetensors } from '../safetensors/write-safetensors.js';
import { checkTensorShapes } from './check-tensor-shapes.js';
import { WEIGHTS_FILE } from './locate-weights.js';

/** The tokenizer and generation files a saved checkpoint takes over from its source folder. */
export const COPIED_FILES = [
  'tokenizer.json',
  'tokenizer_config.json',
  'special_tokens_map.json',
  'generation_config.json',
  'chat_template.jinja',
] as const;

/** What {@link saveCheckpoint} writes. */
export interface SaveCheckpointOptions {
  /** The raw config.json object (for example `Checkpoint.config`). */
  config: Record<string, unknown>;
  /** The tensors, written as F32 in the order given. */
  tensors: Iterable<NamedTensor> | ReadonlyMap<string, NamedTensor>;
  /** A checkpoint folder whose tokenizer and generation files (COPIED_FILES) are copied when present. */
  copyFrom?: string;
}

/**
 * Writes a checkpoint that {@link loadCheckpoint} reads back identically: config.json and model.safetensors (F32),
 * each atomically, plus the tokenizer files of `copyFrom`. The config and the tensors are checked against each
 * other first, so nothing is written for a checkpoint that could not be loaded.
 */
export async function saveCheckpoint(dir: string, options: SaveCheckpointOptions): Promise<void> {
  const configFile = join(dir, 'config.json');
  const arch = parseModelConfig(options.config, configFile);
  const list = [...(isMap(options.tensors) ? options.tensors.values() : options.tensors)];
  checkTensorShapes(arch, new Map(list.map((t) => [t.name, t.shape])), dir, () => join(dir, WEIGHTS_FILE));

  await writeSafetensors(join(dir, WEIGHTS_FILE), list);
  await writeFileAtomic(configFile, `${JSON.stringify(options.config, null, 2)}\n`);
  if (options.copyFrom !== undefined && resolve(options.copyFrom) !== resolve(dir)) {
    for (const name of COPIED_FILES) {
      const source = join(options.copyFrom, name);
      // Read then written atomically: a plain copy could leave half a tokenizer.json behind on a crash.
      if (await isFile(source)) await writeFileAtomic(join(dir, name), await readFile(source));
    }
  }
}

function isMap(value: SaveCheckpointOptions['tensors']): value is ReadonlyMap<string, NamedTensor> {
  return value instanceof Map;
}
