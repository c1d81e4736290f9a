import { join } from 'node:path';
import { MllrError, type ModelArchitecture, type NamedTensor } from '@mllr/core';
import { parseModelConfig } from '../config/parse-model-config.js';
import { isDirectory } from '../files/file-exists.js';
import { readJsonFile } from '../files/read-json-file.js';
import { readSafetensors, readSafetensorsHeader } from '../safetensors/read-safetensors.js';
import { checkTensorShapes } from './check-tensor-shapes.js';
import { WEIGHTS_INDEX_FILE, locateWeights } from './locate-weights.js';
import { buildModuleMap, type ModuleMap } from './module-map.js';

/** A Hugging Face checkpoint in memory: architecture, raw config, float32 tensors and module map. */
export interface Checkpoint {
  dir: string;
  architecture: ModelArchitecture;
  /** config.json exactly as read, for writing it back or for fields mllr does not interpret. */
  config: Record<string, unknown>;
  /** Every tensor the architecture needs, in Hugging Face order. */
  tensors: Map<string, NamedTensor>;
  moduleMap: ModuleMap;
}

/**
 * Loads `<dir>/config.json` and its safetensors weights (single file or sharded). Headers are checked against the
 * architecture before any tensor data is read, so a mismatched checkpoint fails fast, whatever its size.
 */
export async function loadCheckpoint(dir: string): Promise<Checkpoint> {
  if (!(await isDirectory(dir)))
    throw new MllrError('CHECKPOINT_INVALID', `${dir}: no such folder (expected a Hugging Face checkpoint folder)`);
  const configFile = join(dir, 'config.json');
  const config = await readJsonFile(configFile);
  const architecture = parseModelConfig(config, configFile);

  const { files } = await locateWeights(dir);
  const shapes = new Map<string, number[]>();
  const fileOf = new Map<string, string>();
  for (const { file, names } of files) {
    const header = await readSafetensorsHeader(file);
    for (const name of names ?? []) {
      if (!header.tensors.has(name)) {
        throw new MllrError(
          'CHECKPOINT_INVALID',
          `${file}: no tensor "${name}", though ${WEIGHTS_INDEX_FILE} places it here`,
        );
      }
    }
    for (const [name, entry] of header.tensors) {
      const other = fileOf.get(name);
      if (other !== undefined)
        throw new MllrError('CHECKPOINT_INVALID', `tensor "${name}" appears in both ${other} and ${file}`);
      shapes.set(name, entry.shape);
      fileOf.set(name, file);
    }
  }
  const wanted = checkTensorShapes(architecture, shapes, dir, (name) => fileOf.get(name) ?? dir);

  const loaded = new Map<string, NamedTensor>();
  for (const { file } of files) {
    const names = wanted.filter((name) => fileOf.get(name) === file);
    if (names.length > 0) for (const [name, t] of await readSafetensors(file, { names })) loaded.set(name, t);
  }
  const tensors = new Map(wanted.map((name) => [name, loaded.get(name)!] as const));
  return {
    dir,
    architecture,
    config: config as Record<string, unknown>,
    tensors,
    moduleMap: buildModuleMap(architecture, tensors.keys()),
  };
}
