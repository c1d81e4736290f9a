import type { EvalSample, InferenceEngine, MetricValue, Tokenizer } from '@mllr/core';
import { AccuracyEvaluator, HarmfulAsrEvaluator, OverRefusalEvaluator, RefusalDetector } from '@mllr/eval';

/** The world's four evaluation sets. */
export interface WorldEvalSets {
  harmful: readonly EvalSample[];
  benign: readonly EvalSample[];
  usability: readonly EvalSample[];
  expertise: readonly EvalSample[];
}

/** The metrics the world measures. */
export type WorldMetric = 'harmful_asr' | 'over_refusal' | 'usability' | 'expertise';

/** The four headline metrics of a model on the world's held-out sets, measured by @mllr/eval's evaluators. */
export async function measureWorld(engine: InferenceEngine, tokenizer: Tokenizer, sets: WorldEvalSets): Promise<Record<WorldMetric, MetricValue>> {
  const base = { engine, tokenizer, judge: new RefusalDetector(), seed: 0, maxNewTokens: 16, batchSize: 32, checkpoint: () => undefined };
  return {
    harmful_asr: await new HarmfulAsrEvaluator().evaluate({ ...base, samples: sets.harmful }),
    over_refusal: await new OverRefusalEvaluator().evaluate({ ...base, samples: sets.benign }),
    usability: await new AccuracyEvaluator('usability').evaluate({ ...base, samples: sets.usability }),
    expertise: await new AccuracyEvaluator('expertise').evaluate({ ...base, samples: sets.expertise }),
  };
}
