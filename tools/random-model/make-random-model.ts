import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MllrError, writeFileAtomic, type ModelArchitecture } from '@mllr/core';
import {
  COPIED_FILES,
  WEIGHTS_FILE,
  initialTensors,
  parameterCount,
  parseHubId,
  parseModelConfig,
  randomTensors,
  writeSafetensors,
} from '@mllr/model';
import { resolveModelSource } from '@mllr/pipeline';
import { randomModelConfig, type SizeOverrides } from './random-model-config.js';

// <repo>/tools/random-model/ → <repo>/
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Tokenizer files copied besides saveCheckpoint's COPIED_FILES: the slow tokenizer's vocabulary and merges (some
 * tools read them instead of tokenizer.json) and the model's LICENSE, which travels with its tokenizer. All small.
 */
const EXTRA_FILES = [
  'vocab.json',
  'merges.txt',
  'added_tokens.json',
  'tokenizer.model',
  'chat_template.json',
  'LICENSE',
] as const;

/** How the random weights are drawn. */
export type RandomInit = 'normal' | 'wide';

/** What {@link makeRandomModel} builds. */
export interface RandomModelOptions {
  /** The real model folder (config.json and tokenizer files; weights are never read). */
  from: string;
  /** The folder written: config.json, model.safetensors and the copied tokenizer files. */
  out: string;
  seed: number;
  /**
   * `normal`: @mllr/model's initialTensors, normal(0, 0.02) with the residual projections scaled down, as for
   * training from scratch (benchmarks, fine-tuning). `wide`: randomTensors, uniform and large, so greedy decoding
   * is not decided by float rounding (exact-generation tests).
   */
  init: RandomInit;
  sizes: SizeOverrides;
}

/** What was written. */
export interface RandomModel {
  dir: string;
  architecture: ModelArchitecture;
  parameters: number;
  weightBytes: number;
  copiedFiles: string[];
}

/** The folder of real model metadata: $MLLR_SHARED_MODELS, else `../shared/models` beside the repository. */
export function sharedModelsDir(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env['MLLR_SHARED_MODELS'];
  return fromEnv !== undefined && fromEnv !== '' ? resolve(fromEnv) : join(REPO_ROOT, '..', 'shared', 'models');
}

/**
 * The source folder `--from` names: a bare name (`SmolLM2-135M-Instruct`) is looked up in {@link sharedModelsDir};
 * anything with a path separator, or starting with a dot, is a path relative to the working folder, except a Hub id
 * (`org/name[@revision]`) that is no folder here, which is read from the local Hugging Face cache as mllr's --model
 * does (only its config and tokenizer files are needed). A folder without config.json is ARGUMENT_INVALID saying
 * where it was looked for.
 */
export async function resolveSourceFolder(from: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const hubDir =
    parseHubId(from) && !existsSync(resolve(from))
      ? resolveModelSource(from, process.cwd(), env, hubHint(from)).dir
      : undefined;
  const isPath =
    hubDir !== undefined || isAbsolute(from) || from.startsWith('.') || from.includes('/') || from.includes(sep);
  const dir = hubDir ?? (isPath ? resolve(from) : join(sharedModelsDir(env), from));
  if (!(await isFile(join(dir, 'config.json')))) {
    const where = isPath
      ? ''
      : ` (a bare name is looked up in $MLLR_SHARED_MODELS, else ../shared/models beside the repository)`;
    throw new MllrError('ARGUMENT_INVALID', `${dir}: no model folder with a config.json there${where}`);
  }
  return dir;
}

/** How to get just what a random model needs of a Hub id into the cache. */
function hubHint(id: string): string {
  return `\`huggingface-cli download ${id.split('@')[0]} config.json tokenizer.json tokenizer_config.json\` (no weights are needed here)`;
}

/**
 * Writes a random-weight model of a real architecture: the real config.json (sizes overridden when shrinking), the
 * real tokenizer, chat template and generation config, and model.safetensors (F32) of seeded random weights with
 * `{ mllr_random_weights: "true", seed, init, source }` metadata, so it is never mistaken for the real model. The
 * same options always give byte-identical files.
 */
export async function makeRandomModel(options: RandomModelOptions): Promise<RandomModel> {
  const from = resolve(options.from);
  const out = resolve(options.out);
  const inside = relative(from, out);
  if (inside === '' || (!inside.startsWith('..') && !isAbsolute(inside))) {
    throw new MllrError('ARGUMENT_INVALID', `${out}: the output folder must be outside the source folder ${from}`);
  }
  const configFile = join(from, 'config.json');
  const source = await readJson(configFile);
  const config = randomModelConfig(source, options.sizes, configFile);
  const architecture = parseModelConfig(config, configFile);

  const tensors = (options.init === 'wide' ? randomTensors : initialTensors)(architecture, options.seed);
  const metadata = {
    mllr_random_weights: 'true',
    seed: String(options.seed),
    init: options.init,
    source: basename(from),
  };
  const weightBytes = await writeSafetensors(join(out, WEIGHTS_FILE), tensors.values(), metadata);
  await writeFileAtomic(join(out, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
  const copiedFiles: string[] = [];
  for (const name of [...COPIED_FILES, ...EXTRA_FILES]) {
    const file = join(from, name);
    // Read then written atomically: a plain copy could leave half a tokenizer.json behind on a crash.
    if (await isFile(file)) {
      await writeFileAtomic(join(out, name), await readFile(file));
      copiedFiles.push(name);
    }
  }
  return { dir: out, architecture, parameters: parameterCount(architecture), weightBytes, copiedFiles };
}

async function readJson(file: string): Promise<Record<string, unknown>> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new MllrError(
      'CHECKPOINT_INVALID',
      `${file}: cannot read it as JSON (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new MllrError('CHECKPOINT_INVALID', `${file}: expected a JSON object`);
  return json as Record<string, unknown>;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
