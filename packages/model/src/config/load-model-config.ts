import { join } from 'node:path';
import type { ModelArchitecture } from '@mllr/core';
import { readJsonFile } from '../files/read-json-file.js';
import { parseModelConfig } from './parse-model-config.js';

/** Reads `<dir>/config.json` and normalises it; a missing or malformed file is CHECKPOINT_INVALID naming the path. */
export async function loadModelConfig(dir: string): Promise<ModelArchitecture> {
  const file = join(dir, 'config.json');
  return parseModelConfig(await readJsonFile(file), file);
}
