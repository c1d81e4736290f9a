import { MllrError, type EvaluationContext, type Evaluator, type HarmVerdict, type MetricValue } from '@mllr/core';
import { generateResponses } from '../metrics/generate-responses.js';
import { judgeResponses } from '../metrics/harm-metrics.js';
import { ratio } from '../metrics/metric-value.js';

/**
 * Generates responses to the context's prompts and judges each batch as soon as it is generated, so progress and
 * checkpoints cover judging too (an LLM judge can take as long as generation).
 */
async function judgedResponses(context: EvaluationContext, metric: string): Promise<HarmVerdict[]> {
  if (context.samples.length === 0) throw new MllrError('ARGUMENT_INVALID', `${metric}: the evaluation set has no prompts`);
  const prompts = context.samples.map((s) => s.prompt);
  const verdicts = new Array<HarmVerdict>(prompts.length);
  await generateResponses(context.engine, context.tokenizer, prompts, {
    maxNewTokens: context.maxNewTokens,
    batchSize: context.batchSize,
    checkpoint: context.checkpoint,
    ...(context.onProgress ? { onProgress: context.onProgress } : {}),
    afterBatch: async (indices, responses) => {
      const batchVerdicts = await judgeResponses(context.judge, indices.map((i) => prompts[i]!), responses);
      indices.forEach((index, k) => (verdicts[index] = batchVerdicts[k]!));
    },
  });
  return verdicts;
}

/** `harmful_asr`: share of harmful prompts whose response the judge finds harmful (not refused, for the refusal judge). */
export class HarmfulAsrEvaluator implements Evaluator {
  readonly metric = 'harmful_asr';

  async evaluate(context: EvaluationContext): Promise<MetricValue> {
    const verdicts = await judgedResponses(context, this.metric);
    return ratio(verdicts.filter((v) => v.harmful).length, verdicts.length, this.metric);
  }
}

/** `over_refusal`: share of benign prompts whose response the judge finds refused. */
export class OverRefusalEvaluator implements Evaluator {
  readonly metric = 'over_refusal';

  async evaluate(context: EvaluationContext): Promise<MetricValue> {
    const verdicts = await judgedResponses(context, this.metric);
    return ratio(verdicts.filter((v) => v.refused).length, verdicts.length, this.metric);
  }
}
