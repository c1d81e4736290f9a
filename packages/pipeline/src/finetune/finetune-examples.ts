import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MllrError, type ModelArchitecture, type TrainExample } from '@mllr/core';
import { isTokenExampleFile, readAll, readTokenExamples } from '@mllr/data';
import { loadTokenizer } from '@mllr/model';
import { fitTrainExamples } from '../stages/ml-lr/train-examples.js';

/** The examples of `--data`, and which kind of file gave them. */
export interface FinetuneExamples {
  examples: TrainExample[];
  /** `tokenized`: `{ids, prompt_length}` records used as they are; `dataset`: text samples through the chat template. */
  kind: 'tokenized' | 'dataset';
}

/**
 * Reads `--data`: pre-tokenized JSON Lines (`{"ids": [...], "prompt_length": n}`) as they are, in file order, checked
 * against the model's vocabulary and context; any other file as a dataset of a run config (CSV, JSON, JSON Lines;
 * presets found by column names), rendered with the model's chat template and cut to `maxTokens` (at most the
 * context), as the pipeline's fine-tuning stage does.
 */
export async function loadFinetuneExamples(file: string, modelDir: string, architecture: ModelArchitecture, maxTokens?: number): Promise<FinetuneExamples> {
  const context = architecture.maxPositionEmbeddings;
  if (await isTokenExampleFile(file)) {
    return { kind: 'tokenized', examples: await readTokenExamples(file, { vocabSize: architecture.vocabSize, maxLength: context }) };
  }
  if (!existsSync(join(modelDir, 'tokenizer.json'))) {
    throw new MllrError('CHECKPOINT_INVALID', `${join(modelDir, 'tokenizer.json')} is missing, so the text of ${file} cannot be tokenized; give pre-tokenized {"ids", "prompt_length"} JSON Lines instead`);
  }
  const tokenizer = await loadTokenizer(modelDir);
  const max = Math.min(maxTokens ?? context, context);
  const samples = await readAll({ path: file });
  if (samples.length === 0) throw new MllrError('DATA_INVALID', `${file}: has no samples`);
  return { kind: 'dataset', examples: fitTrainExamples(samples, tokenizer, max, `${file} with training.max_tokens and the model's context`) };
}
