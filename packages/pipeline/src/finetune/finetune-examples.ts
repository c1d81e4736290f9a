import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MllrError, type InvalidRecord, type ModelArchitecture, type TrainExample } from '@mllr/core';
import { chatPresetFor, firstRecord, isTokenExampleFile, readAll, readTokenExamples } from '@mllr/data';
import { loadTokenizer } from '@mllr/model';
import { DataLedger } from '../stages/ml-lr/data-ledger.js';
import { fitTrainExamples } from '../stages/ml-lr/train-examples.js';

/** The examples of `--data`, and which kind of file gave them. */
export interface FinetuneExamples {
  examples: TrainExample[];
  /** `tokenized`: `{ids, prompt_length}` records used as they are; `dataset`: text samples through the chat template. */
  kind: 'tokenized' | 'dataset';
  /** Records of a dataset file that could not be used and were skipped, by reason (none for pre-tokenized files). */
  skipped: Record<string, number>;
}

/**
 * Reads `--data`: pre-tokenized JSON Lines (`{"ids": [...], "prompt_length": n}`) as they are, in file order, checked
 * against the model's vocabulary and context; any other file as a dataset of a run config (CSV, JSON, JSON Lines;
 * `preset`'s layout; without one, a chat preset when the first record is a conversation (`messages` or ShareGPT
 * `conversations`), else `generic`), rendered with the model's chat template and cut to `maxTokens` (at most the
 * context), as the pipeline's fine-tuning stage does, skipping unusable records under `onInvalid: 'skip'` (a file
 * more than half unusable is still an error).
 */
export async function loadFinetuneExamples(
  file: string,
  modelDir: string,
  architecture: ModelArchitecture,
  options: { maxTokens?: number; preset?: string; onInvalid?: 'fail' | 'skip' } = {},
): Promise<FinetuneExamples> {
  const context = architecture.maxPositionEmbeddings;
  const { maxTokens, preset, onInvalid = 'fail' } = options;
  if (await isTokenExampleFile(file)) {
    if (preset !== undefined)
      throw new MllrError(
        'ARGUMENT_INVALID',
        `--preset ${preset}: ${file} holds pre-tokenized examples, which are used as they are; leave out --preset`,
      );
    return {
      kind: 'tokenized',
      examples: await readTokenExamples(file, { vocabSize: architecture.vocabSize, maxLength: context }),
      skipped: {},
    };
  }
  if (!existsSync(join(modelDir, 'tokenizer.json'))) {
    throw new MllrError(
      'CHECKPOINT_INVALID',
      `${join(modelDir, 'tokenizer.json')} is missing, so the text of ${file} cannot be tokenized; give pre-tokenized {"ids", "prompt_length"} JSON Lines instead`,
    );
  }
  const tokenizer = await loadTokenizer(modelDir);
  const max = Math.min(maxTokens ?? context, context);
  const layout = preset ?? chatPresetFor(await firstRecord(file));
  // As a run's data.on_invalid: skip passes over a few unusable records (counted), fail stops at the first.
  const skip = onInvalid === 'skip';
  const ledger = new DataLedger();
  const unread: InvalidRecord[] = [];
  const samples = await readAll(
    { path: file, ...(layout !== undefined ? { preset: layout } : {}) },
    skip ? { onInvalid: (record) => unread.push(record) } : {},
  );
  ledger.read(file, samples.length, unread);
  if (samples.length === 0) throw new MllrError('DATA_INVALID', `${file}: has no samples`);
  const examples = fitTrainExamples(
    samples,
    tokenizer,
    max,
    `${file} with training.max_tokens and the model's context`,
    skip ? (record) => ledger.skip(file, record) : undefined,
  );
  ledger.check(file);
  // Training's own skips (no assistant turn, no tokens, too long) count too, beside the reader's.
  return { kind: 'dataset', examples, skipped: ledger.use(file, true).skipped };
}
