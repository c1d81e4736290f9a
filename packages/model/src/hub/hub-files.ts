import { WEIGHTS_FILE, WEIGHTS_INDEX_FILE } from '../checkpoint/locate-weights.js';

/**
 * The files of a model repo mllr reads or passes on beside the weights: the config, generation settings, every
 * tokenizer file and the chat template files. Repo-root files only; anything else in a repo (pickle weights, ONNX
 * exports, GGUF, images) is never downloaded.
 */
export const HUB_METADATA_FILES = [
  'config.json',
  'generation_config.json',
  'tokenizer.json',
  'tokenizer_config.json',
  'special_tokens_map.json',
  'added_tokens.json',
  'vocab.json',
  'merges.txt',
  'tokenizer.model',
  'chat_template.jinja',
  'chat_template.json',
] as const;

/** Pickle-based weight files: named in messages, never downloaded (unpickling can run arbitrary code). */
const PICKLE = /\.(bin|pt|pth|ckpt|pkl)$/i;

/** What to download from a repo's root listing, before the shards of a sharded checkpoint are known. */
export interface HubFilePlan {
  /** Metadata files present in the repo, then `model.safetensors` or the shard index. */
  files: string[];
  /** `index` when the weights are sharded: the shards the index names come next. */
  weights: 'single' | 'index';
}

/**
 * Chooses the files to fetch from a repo's root file names, as {@link locateWeights} reads them: `model.safetensors`
 * when present, else `model.safetensors.index.json` (its shards follow). A repo with neither is explained: only
 * pickle weights, or no weights mllr can read.
 */
export function planHubFiles(names: readonly string[]): HubFilePlan | { problem: string } {
  const present = new Set(names);
  const metadata = HUB_METADATA_FILES.filter((f) => present.has(f));
  if (present.has(WEIGHTS_FILE)) return { files: [...metadata, WEIGHTS_FILE], weights: 'single' };
  if (present.has(WEIGHTS_INDEX_FILE)) return { files: [...metadata, WEIGHTS_INDEX_FILE], weights: 'index' };
  const pickles = names.filter((n) => PICKLE.test(n));
  if (pickles.length > 0) {
    return {
      problem:
        `it has only pickle weights (${pickles.slice(0, 3).join(', ')}${pickles.length > 3 ? ', …' : ''}), which mllr never downloads or loads: ` +
        'unpickling can run arbitrary code; use a repo with safetensors weights',
    };
  }
  return {
    problem: `it has no ${WEIGHTS_FILE} or ${WEIGHTS_INDEX_FILE} (files: ${names.slice(0, 8).join(', ')}${names.length > 8 ? ', …' : ''})`,
  };
}
