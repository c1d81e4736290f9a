import { readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { MllrError } from '@mllr/core';
import { isFile } from '../files/file-exists.js';
import { isJsonObject, readJsonFile } from '../files/read-json-file.js';

/** File names of the weights of a Hugging Face checkpoint. */
export const WEIGHTS_FILE = 'model.safetensors';
/** The index of a sharded checkpoint. */
export const WEIGHTS_INDEX_FILE = 'model.safetensors.index.json';

/** Extensions of pickle-based weight files, which mllr never opens. */
const PICKLE_EXTENSIONS = ['.bin', '.pt', '.pth', '.ckpt', '.pkl'];

/** The safetensors files of a checkpoint: each file with the tensor names it should hold (all, when undefined). */
export interface WeightFiles {
  files: { file: string; names?: string[] }[];
}

/**
 * Finds the weights of `dir`: `model.safetensors` (preferred, as Hugging Face does) or a sharded checkpoint's
 * `model.safetensors.index.json`. Pickle-only folders are refused without opening the pickle files.
 */
export async function locateWeights(dir: string): Promise<WeightFiles> {
  const single = join(dir, WEIGHTS_FILE);
  if (await isFile(single)) return { files: [{ file: single }] };
  const index = join(dir, WEIGHTS_INDEX_FILE);
  if (await isFile(index)) return readIndex(dir, index);
  const pickles = (await readdir(dir)).filter((name) =>
    PICKLE_EXTENSIONS.some((ext) => name.toLowerCase().endsWith(ext)),
  );
  if (pickles.length > 0) {
    throw new MllrError(
      'CHECKPOINT_UNSUPPORTED',
      `${dir} has only pickle weights (${pickles.slice(0, 3).join(', ')}${pickles.length > 3 ? ', …' : ''}), which mllr never loads: ` +
        'unpickling can run arbitrary code. Convert them to safetensors once, in Python, from a source you trust: ' +
        '`AutoModelForCausalLM.from_pretrained(dir).save_pretrained(dir, safe_serialization=True)`, ' +
        "or the safetensors library's conversion (`safetensors.torch.save_file`).",
    );
  }
  const names = await readdir(dir);
  // An ONNX folder is a model too, for the onnx engine only: say so rather than just "no weights".
  const onnx = names.find((name) => name.toLowerCase().endsWith('.onnx'));
  const hint = onnx
    ? `; it holds ${onnx}, an ONNX model, which the onnx engine runs (\`--engine onnx\`) for generation and evaluation`
    : '';
  throw new MllrError('CHECKPOINT_INVALID', `${dir}: no ${WEIGHTS_FILE} or ${WEIGHTS_INDEX_FILE}${hint}`);
}

async function readIndex(dir: string, index: string): Promise<WeightFiles> {
  const json = await readJsonFile(index);
  const map = isJsonObject(json) ? json['weight_map'] : undefined;
  if (!isJsonObject(map))
    throw new MllrError('CHECKPOINT_INVALID', `${index}: "weight_map" must be an object of tensor name → shard file`);
  const byShard = new Map<string, string[]>();
  for (const [name, shard] of Object.entries(map)) {
    // Shards must sit beside the index: a path here could point the loader anywhere on disk.
    if (typeof shard !== 'string' || shard !== basename(shard) || shard === '..' || !shard.endsWith('.safetensors')) {
      throw new MllrError(
        'CHECKPOINT_INVALID',
        `${index}: tensor "${name}" maps to ${JSON.stringify(shard)}, not a .safetensors file name in the same folder`,
      );
    }
    const names = byShard.get(shard) ?? [];
    names.push(name);
    byShard.set(shard, names);
  }
  return { files: [...byShard].map(([shard, names]) => ({ file: join(dir, shard), names })) };
}
