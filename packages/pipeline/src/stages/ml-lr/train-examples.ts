import { MllrError, type ChatSample, type InvalidRecord, type TrainExample } from '@mllr/core';
import { InvalidRecordError, cutTrainExample, toTrainExample } from '@mllr/data';
import type { HfTokenizer } from '@mllr/model';

/**
 * Fine-tuning examples from chat samples: each rendered with the model's chat template and tokenized (a conversation
 * with every assistant turn as a response span), then cut to `maxTokens` with its spans; an example whose prompt alone
 * fills that is left out, since none of its response would be trained on.
 * No example left is DATA_INVALID. A sample that cannot be trained on (an empty response, one with no tokens, a prompt
 * that fills `maxTokens`) goes to `onInvalid` and is skipped; without `onInvalid` it is DATA_INVALID naming it
 * (except a too-long prompt, which is left out silently as before).
 */
export function fitTrainExamples(
  samples: readonly ChatSample[],
  tokenizer: HfTokenizer,
  maxTokens: number,
  limitName: string,
  onInvalid?: (record: InvalidRecord) => void,
): TrainExample[] {
  const examples: TrainExample[] = [];
  const invalid = (error: InvalidRecordError) => {
    if (!onInvalid) throw error;
    onInvalid({ where: error.where, reason: error.reason, message: error.message });
  };
  for (const sample of samples) {
    // An empty reply would teach the model to say nothing.
    if (sample.response !== undefined && sample.response.trim() === '') {
      invalid(
        new InvalidRecordError(
          sample.source,
          'empty_response',
          'the response is empty, so there is nothing to train on',
        ),
      );
      continue;
    }
    let example: TrainExample;
    try {
      example = toTrainExample(sample, tokenizer);
    } catch (error) {
      if (!(error instanceof InvalidRecordError)) throw error;
      invalid(error);
      continue;
    }
    const cut = cutTrainExample(example, maxTokens);
    if (cut) examples.push(cut);
    else if (onInvalid) {
      onInvalid({
        where: sample.source,
        reason: 'too_long',
        message: `${sample.source}: the prompt alone fills ${maxTokens} tokens (${limitName}), leaving no room for its response`,
      });
    }
  }
  if (examples.length === 0) {
    throw new MllrError(
      'DATA_INVALID',
      `no fine-tuning example fits in ${maxTokens} tokens with room for its response (${limitName})`,
    );
  }
  return examples;
}
