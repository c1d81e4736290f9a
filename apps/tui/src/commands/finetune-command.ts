import { StoppedError } from '@mllr/core';
import {
  BUILTIN_PLUGINS,
  finetuneSettings,
  hubRecord,
  loadRunConfig,
  runFinetune,
  type FinetuneFlags,
  type FinetuneResult,
  type LoraFlags,
} from '@mllr/pipeline';
import { resolve } from 'node:path';
import type { CliIo } from '../cli-io.js';
import { renderFinetuneJson, renderFinetuneLines, type FinetuneRenderer } from '../render/finetune-output.js';
import { commandModel } from './model-option.js';

/** Options of `mllr finetune` as commander parses them: the pipeline's numeric and LoRA flags plus the command's own. */
export interface FinetuneCommandOptions extends FinetuneFlags, LoraFlags {
  model: string;
  data: string;
  out: string;
  /** Download a Hub id the cache lacks. */
  download?: boolean;
  preset?: string;
  plan?: string;
  /** False for --no-shuffle. */
  shuffle: boolean;
  engine?: string;
  force?: boolean;
  json?: boolean;
}

/**
 * `mllr finetune`: one fine-tuning run of a model on a data file, uniform or by a plan, through the pipeline's
 * runFinetune; defaults come from the shipped run config (its `training` section, `seed`, `engine.training` and
 * `data.on_invalid`).
 */
export async function finetuneCommand(options: FinetuneCommandOptions, io: CliIo): Promise<number> {
  const { config } = await loadRunConfig(undefined, BUILTIN_PLUGINS);
  // Flags left out are undefined, which finetuneSettings fills from the default config.
  const settings = finetuneSettings(options, config);
  const engine = options.engine !== undefined ? { name: options.engine, options: {} } : config.engine.training;
  const renderer: FinetuneRenderer = options.json
    ? renderFinetuneJson(io.stdout)
    : io.isTTY
      ? // Loaded only for TTYs so other commands and runs never pay for React and Ink at start-up.
        (await import('../render/render-finetune-progress.js')).renderFinetuneProgress()
      : renderFinetuneLines(io.stdout);
  const source = await commandModel(options.model, options.download, io);
  const hub = hubRecord(source);
  let result: FinetuneResult | undefined;
  // Ctrl-C stops after the step in progress (nothing is written to --out); a second one ends the process at once.
  let stopRequested = false;
  const onSigint = () => {
    if (stopRequested) process.exit(130);
    stopRequested = true;
    if (!options.json && !io.isTTY) io.stderr.write('mllr: stopping after this step (Ctrl-C again to stop at once)\n');
  };
  process.on('SIGINT', onSigint);
  try {
    result = await runFinetune({
      model: source.dir,
      ...(hub ? { hub } : {}),
      data: resolve(io.cwd, options.data),
      out: resolve(io.cwd, options.out),
      ...(options.preset !== undefined ? { preset: options.preset } : {}),
      ...(options.plan !== undefined ? { plan: resolve(io.cwd, options.plan) } : {}),
      engine,
      settings,
      lora: {
        loraR: options.loraR,
        loraAlpha: options.loraAlpha,
        loraTargets: options.loraTargets,
        loraRslora: options.loraRslora,
        adapterInit: options.adapterInit,
      },
      onInvalid: config.data.on_invalid,
      force: options.force ?? false,
      cwd: io.cwd,
      onStart: (start) => renderer.start(start),
      onStep: (step) => renderer.step(step),
      throwIfStopped: () => {
        if (stopRequested) throw new StoppedError(`stopped by the user; ${options.out} was left as it was`);
      },
    });
  } finally {
    process.off('SIGINT', onSigint);
    await renderer.finish(result);
  }
  return 0;
}
