import { MllrError } from '@mllr/core';
import { encodeChatPrompt, loadTokenizer, stopTokenIds, type HfTokenizer } from '@mllr/model';
import { loadEngineProvider } from '@mllr/pipeline';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
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

/** `mllr generate`: continues one prompt (text through the chat template, or token ids); greedy by default. */
export async function generateCommand(options: GenerateCommandOptions, io: CliIo): Promise<number> {
  const model = (await commandModel(options.model, options.download, io)).dir;
  if ((options.prompt === undefined) === (options.ids === undefined)) {
    throw new MllrError('ARGUMENT_INVALID', 'give exactly one of --prompt TEXT or --ids 1,2,3');
  }
  const tokenizer = existsSync(join(model, 'tokenizer.json')) ? await loadTokenizer(model) : undefined;
  const promptIds = options.ids ?? encodePrompt(options.prompt!, tokenizer, options.raw ?? false, model);
  const provider = await loadEngineProvider({ name: options.engine, options: {} });
  const engine = await provider.openInference(model, options.device ? { device: options.device } : {});
  if (!options.json) io.stderr.write(`mllr: ${engine.name} on ${engine.device}\n`);
  try {
    const vocab = engine.architecture.vocabSize;
    const bad = promptIds.find((id) => id >= vocab);
    if (bad !== undefined) throw new MllrError('ARGUMENT_INVALID', `token id ${bad} is outside the model's vocabulary of ${vocab}`);
    const [outputIds] = await engine.generate([promptIds], {
      maxNewTokens: options.maxNewTokens,
      ...(options.temperature !== undefined ? { temperature: options.temperature } : {}),
      ...(options.topP !== undefined ? { topP: options.topP } : {}),
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
      // The tokenizer's eos ids too (generation_config.json may list several); without one, config.json's.
      ...(tokenizer ? { stopTokenIds: stopTokenIds(tokenizer, engine.architecture) } : {}),
    });
    const text = tokenizer ? tokenizer.decode(outputIds!, { skipSpecialTokens: true }) : null;
    if (options.json) {
      io.stdout.write(`${JSON.stringify({ prompt_ids: promptIds, output_ids: outputIds, text })}\n`);
    } else {
      io.stdout.write(`${text ?? outputIds!.join(' ')}\n`);
    }
    return 0;
  } finally {
    await engine.dispose();
  }
}

function encodePrompt(prompt: string, tokenizer: HfTokenizer | undefined, raw: boolean, model: string): number[] {
  if (!tokenizer) throw new MllrError('CHECKPOINT_INVALID', `${join(model, 'tokenizer.json')} is missing; give --ids instead of --prompt`);
  if (raw) return tokenizer.encode(prompt, { addSpecialTokens: true });
  return encodeChatPrompt(tokenizer, prompt);
}
