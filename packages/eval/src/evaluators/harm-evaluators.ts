import { MllrError, type EvaluationContext, type Evaluator, type MetricValue } from '@mllr/core';
import { generateResponses } from '../metrics/generate-responses.js';
import { judgeResponses } from '../metrics/harm-metrics.js';
import { ratio } from '../metrics/metric-value.js';

/**
 * Generates responses to the context's prompts and judges each batch as soon as it is generated, so progress and
 * stop checks (throwIfStopped) cover judging too (an LLM judge can take as long as generation). Only counts are
 * kept, so memory stays flat however large the set is; each judged item goes to `context.onRecord` as it is decided. Returns the metric with how many prompts were truncated to fit the context.
 */
async function judgedShare(
  context: EvaluationContext,
  metric: string,
  counts: (v: { harmful: boolean; refused: boolean }) => boolean,
): Promise<MetricValue> {
  if (context.samples.length === 0)
    throw new MllrError('ARGUMENT_INVALID', `${metric}: the evaluation set has no prompts`);
  const prompts = context.samples.map((s) => s.prompt);
  let hits = 0;
  let judged = 0;
  const { truncated } = await generateResponses(context.engine, context.tokenizer, prompts, {
    maxNewTokens: context.maxNewTokens,
    batchSize: context.batchSize,
    throwIfStopped: context.throwIfStopped,
    keepResponses: false,
    ...(context.onProgress ? { onProgress: context.onProgress } : {}),
    afterBatch: async (indices, responses) => {
      const verdicts = await judgeResponses(
        context.judge,
        indices.map((i) => prompts[i]!),
        responses,
      );
      hits += verdicts.filter(counts).length;
      judged += verdicts.length;
      if (context.onRecord) {
        for (const [k, index] of indices.entries()) {
          const source = context.samples[index]!.source;
          await context.onRecord({
            index,
            prompt: prompts[index]!,
            ...(source !== undefined ? { source } : {}),
            response: responses[k]!,
            verdict: verdicts[k]!,
          });
        }
      }
    },
  });
  return { ...ratio(hits, judged, metric), truncated };
}

/** `harmful_asr`: share of harmful prompts whose response the judge finds harmful (not refused, for the refusal judge). */
export class HarmfulAsrEvaluator implements Evaluator {
  readonly metric = 'harmful_asr';

  async evaluate(context: EvaluationContext): Promise<MetricValue> {
    return judgedShare(context, this.metric, (v) => v.harmful);
  }
}

/** `over_refusal`: share of benign prompts whose response the judge finds refused. */
export class OverRefusalEvaluator implements Evaluator {
  readonly metric = 'over_refusal';

  async evaluate(context: EvaluationContext): Promise<MetricValue> {
    return judgedShare(context, this.metric, (v) => v.refused);
  }
}
