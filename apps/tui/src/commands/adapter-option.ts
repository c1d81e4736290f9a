import { resolve } from 'node:path';
import { mergedAdapterModel } from '@mllr/pipeline';
import type { CliIo } from '../cli-io.js';
import { commandModel } from './model-option.js';

/** Options of a command that takes `--model` and `--adapter`. */
export interface AdapterOption {
  model: string;
  /** `--adapter DIR`: a PEFT LoRA adapter folder applied to --model. */
  adapter?: string;
  /** `--download`: fetch a Hub id --model names when the cache lacks it. */
  download?: boolean;
}

/**
 * Runs a model command with `--adapter` applied: --model with the PEFT LoRA adapter merged in, written to a temporary
 * folder that `run` gets as its --model and that is removed afterwards. Without --adapter, `run` gets the options as
 * they are.
 */
export async function withAdapter<T extends AdapterOption>(
  options: T,
  io: CliIo,
  run: (options: T) => Promise<number>,
): Promise<number> {
  if (options.adapter === undefined) return run(options);
  // --model may be a Hub id (downloaded first with --download): the adapter is merged into its snapshot.
  const base = await commandModel(options.model, options.download, io);
  const merged = await mergedAdapterModel(base.dir, resolve(io.cwd, options.adapter));
  try {
    return await run({ ...options, model: merged.dir });
  } finally {
    await merged.dispose();
  }
}
