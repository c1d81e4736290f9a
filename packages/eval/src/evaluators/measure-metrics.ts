import type { EvalRecord, EvalSample, HarmJudge, InferenceEngine, MetricValue, Tokenizer } from '@mllr/core';
import { AccuracyEvaluator } from './accuracy-evaluator.js';
import { HarmfulAsrEvaluator, OverRefusalEvaluator } from './harm-evaluators.js';

/** The four headline metrics of mllr. */
export type HeadlineMetric = 'harmful_asr' | 'over_refusal' | 'usability' | 'expertise';

/** Evaluation sets by metric: harmful prompts, benign prompts, and checkable tasks of general use and of the domain. */
export type HeadlineSets = Readonly<Record<HeadlineMetric, readonly EvalSample[]>>;

/** How the metrics are measured. */
export interface MeasureOptions {
  engine: InferenceEngine;
  tokenizer: Tokenizer;
  judge: HarmJudge;
  maxNewTokens?: number;
  batchSize?: number;
  seed?: number;
  checkpoint?: () => void;
  onProgress?: (metric: HeadlineMetric, done: number, total: number) => void;
  /** Every judged item of every metric, as soon as it is decided (see EvaluationContext.onRecord). */
  onRecord?: (metric: HeadlineMetric, record: EvalRecord) => void | Promise<void>;
}

/** Measures harmful_asr, over_refusal, usability and expertise with the standard evaluators, in that order. */
export async function measureHeadlineMetrics(sets: HeadlineSets, options: MeasureOptions): Promise<Record<HeadlineMetric, MetricValue>> {
  const evaluators = {
    harmful_asr: new HarmfulAsrEvaluator(),
    over_refusal: new OverRefusalEvaluator(),
    usability: new AccuracyEvaluator('usability'),
    expertise: new AccuracyEvaluator('expertise'),
  };
  const out = {} as Record<HeadlineMetric, MetricValue>;
  for (const metric of Object.keys(evaluators) as HeadlineMetric[]) {
    out[metric] = await evaluators[metric].evaluate({
      engine: options.engine,
      tokenizer: options.tokenizer,
      judge: options.judge,
      samples: sets[metric],
      seed: options.seed ?? 0,
      maxNewTokens: options.maxNewTokens ?? 32,
      batchSize: options.batchSize ?? 32,
      checkpoint: options.checkpoint ?? (() => undefined),
      ...(options.onProgress ? { onProgress: (done: number, total: number) => options.onProgress!(metric, done, total) } : {}),
      ...(options.onRecord ? { onRecord: (record: EvalRecord) => options.onRecord!(metric, record) } : {}),
    });
  }
  return out;
}
