import { MllrError, type EvaluationContext, type Evaluator, type MetricValue } from '@mllr/core';
import { exactMatchAccuracy, matchesAnswer } from '../metrics/exact-match.js';
import { ratio } from '../metrics/metric-value.js';
import { generateResponses } from '../metrics/generate-responses.js';
import { teacherForcedAccuracy } from '../metrics/teacher-forced-accuracy.js';

/** Answers of at most this many tokens are short enough to check by exact match. */
export const SHORT_ANSWER_MAX_TOKENS = 16;

/** How an accuracy evaluator scores: decide per set (`auto`), or force one method. */
export type AccuracyMethod = 'auto' | 'exact-match' | 'teacher-forced';

/** Options of {@link AccuracyEvaluator}. */
export interface AccuracyEvaluatorOptions {
  /** Default `auto`: exact match when every answer is short, teacher-forced accuracy otherwise. */
  method?: AccuracyMethod;
  /** Longest answer, in tokens without special tokens, that counts as short (default {@link SHORT_ANSWER_MAX_TOKENS}). */
  shortAnswerMaxTokens?: number;
}

/**
 * `usability` (general benign tasks) and `expertise` (the fine-tuning domain's test set): accuracy against the
 * samples' answers. When every answer is short (≤ `shortAnswerMaxTokens` tokens) the model generates greedily and
 * responses are checked by exact match ({@link exactMatchAccuracy}); otherwise the answers are reference responses
 * scored by teacher-forced token accuracy ({@link teacherForcedAccuracy}).
 */
export class AccuracyEvaluator implements Evaluator {
  private readonly method: AccuracyMethod;
  private readonly shortAnswerMaxTokens: number;

  constructor(
    readonly metric: 'usability' | 'expertise',
    options: AccuracyEvaluatorOptions = {},
  ) {
    this.method = options.method ?? 'auto';
    this.shortAnswerMaxTokens = options.shortAnswerMaxTokens ?? SHORT_ANSWER_MAX_TOKENS;
  }

  /** The method this evaluator would use on `context`'s samples. */
  methodFor(context: Pick<EvaluationContext, 'samples' | 'tokenizer'>): 'exact-match' | 'teacher-forced' {
    if (this.method !== 'auto') return this.method;
    const short = context.samples.every(
      (s) => context.tokenizer.encode(s.answer ?? '', { addSpecialTokens: false }).length <= this.shortAnswerMaxTokens,
    );
    return short ? 'exact-match' : 'teacher-forced';
  }

  async evaluate(context: EvaluationContext): Promise<MetricValue> {
    if (context.samples.length === 0)
      throw new MllrError('ARGUMENT_INVALID', `${this.metric}: the evaluation set has no samples`);
    const unanswered = context.samples.findIndex((s) => s.answer === undefined || s.answer.trim() === '');
    if (unanswered >= 0) {
      const sample = context.samples[unanswered]!;
      throw new MllrError(
        'DATA_INVALID',
        `${this.metric}: sample ${unanswered + 1}${sample.source ? ` (${sample.source})` : ''} has no answer; accuracy needs one for every sample`,
      );
    }
    const samples = context.samples.map((s) => ({ prompt: s.prompt, answer: s.answer! }));
    const progress = context.onProgress ? { onProgress: context.onProgress } : {};
    const record = context.onRecord;
    const sourceOf = (index: number) => {
      const source = context.samples[index]!.source;
      return source !== undefined ? { source } : {};
    };
    if (this.methodFor(context) === 'teacher-forced') {
      return teacherForcedAccuracy(context.engine, context.tokenizer, samples, {
        batchSize: context.batchSize,
        throwIfStopped: context.throwIfStopped,
        ...progress,
        ...(record
          ? {
              onItem: (index: number, correct: number, total: number) =>
                record({
                  index,
                  prompt: samples[index]!.prompt,
                  ...sourceOf(index),
                  answer: samples[index]!.answer,
                  verdict: { tokens_correct: correct, tokens_total: total },
                }),
            }
          : {}),
      });
    }
    // Scored batch by batch, keeping counts only, so memory stays flat however large the set is.
    let correct = 0;
    const { truncated } = await generateResponses(
      context.engine,
      context.tokenizer,
      samples.map((s) => s.prompt),
      {
        maxNewTokens: context.maxNewTokens,
        batchSize: context.batchSize,
        throwIfStopped: context.throwIfStopped,
        keepResponses: false,
        afterBatch: async (indices, responses) => {
          correct += exactMatchAccuracy(
            responses,
            indices.map((i) => samples[i]!.answer),
          ).numerator;
          if (!record) return;
          for (const [k, index] of indices.entries()) {
            const { prompt, answer } = samples[index]!;
            await record({
              index,
              prompt,
              ...sourceOf(index),
              response: responses[k]!,
              answer,
              verdict: { correct: matchesAnswer(responses[k]!, answer) },
            });
          }
        },
        ...progress,
      },
    );
    return { ...ratio(correct, samples.length, 'exact-match accuracy'), truncated };
  }
}
