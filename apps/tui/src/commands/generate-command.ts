import { MllrError } from '@mllr/core';
import { generateText } from '@mllr/pipeline';
import type { CliIo } from '../cli-io.js';
import { commandModel } from './model-option.js';

/** Options of `mllr generate`. */
export interface GenerateCommandOptions {
  model: string;
  prompt?: string;
  ids?: number[];
  maxNewTokens: number;
  engine: string;
  device?: string;
  temperature?: number;
  topP?: number;
  seed?: number;
  raw?: boolean;
  json?: boolean;
  /** Download a Hub id the cache lacks. */
  download?: boolean;
}

/**
 * `mllr generate`: continues one prompt (text through the chat template, or token ids); greedy by default. The
 * pipeline's generateText does the work; this command resolves --model, checks the flags and formats.
 */
export async function generateCommand(options: GenerateCommandOptions, io: CliIo): Promise<number> {
  const model = (await commandModel(options.model, options.download, io)).dir;
  if ((options.prompt === undefined) === (options.ids === undefined)) {
    throw new MllrError('ARGUMENT_INVALID', 'give exactly one of --prompt TEXT or --ids 1,2,3');
  }
  const result = await generateText({
    dir: model,
    input: options.ids !== undefined ? { ids: options.ids } : { prompt: options.prompt!, raw: options.raw ?? false },
    maxNewTokens: options.maxNewTokens,
    engine: options.engine,
    ...(options.device ? { device: options.device } : {}),
    ...(options.temperature !== undefined ? { temperature: options.temperature } : {}),
    ...(options.topP !== undefined ? { topP: options.topP } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    onEngineOpen: (engine) => {
      if (!options.json) io.stderr.write(`mllr: ${engine.name} on ${engine.device}\n`);
    },
  });
  if (options.json) {
    io.stdout.write(
      `${JSON.stringify({ prompt_ids: result.promptIds, output_ids: result.outputIds, text: result.text })}\n`,
    );
  } else {
    io.stdout.write(`${result.text ?? result.outputIds.join(' ')}\n`);
  }
  return 0;
}
