import {
  MllrError,
  type EvalRecord,
  type EvalSample,
  type Evaluator,
  type HarmJudge,
  type InferenceEngine,
  type MetricValue,
  type Tokenizer,
} from '@mllr/core';
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
  throwIfStopped?: () => void;
  onProgress?: (metric: HeadlineMetric, done: number, total: number) => void;
  /** Every judged item of every metric, as soon as it is decided (see EvaluationContext.onRecord). */
  onRecord?: (metric: HeadlineMetric, record: EvalRecord) => void | Promise<void>;
}

/** The four headline metrics in their documented order. */
export const HEADLINE_METRICS: readonly HeadlineMetric[] = ['harmful_asr', 'over_refusal', 'usability', 'expertise'];

/** Whether `metric` is one of the four headline metrics (the metrics mllr has evaluation sets for). */
export function isHeadlineMetric(metric: string): metric is HeadlineMetric {
  return (HEADLINE_METRICS as readonly string[]).includes(metric);
}

/** The standard evaluators of the four headline metrics, in their documented order. */
export function standardEvaluators(): Evaluator[] {
  return [
    new HarmfulAsrEvaluator(),
    new OverRefusalEvaluator(),
    new AccuracyEvaluator('usability'),
    new AccuracyEvaluator('expertise'),
  ];
}

/**
 * Measures each evaluator's metric on that metric's evaluation set, in the evaluators' order. An evaluator must
 * measure a headline metric (the sets are keyed by them), and each metric at most once.
 */
export async function measureMetrics(
  evaluators: readonly Evaluator[],
  sets: HeadlineSets,
  options: MeasureOptions,
): Promise<Partial<Record<HeadlineMetric, MetricValue>>> {
  const out: Partial<Record<HeadlineMetric, MetricValue>> = {};
  for (const evaluator of evaluators) {
    const metric = evaluator.metric;
    if (!isHeadlineMetric(metric)) {
      throw new MllrError(
        'CONFIG_INVALID',
        `an evaluator measures "${metric}", but evaluation sets exist only for ${HEADLINE_METRICS.join(', ')}`,
      );
    }
    if (out[metric]) throw new MllrError('CONFIG_INVALID', `two evaluators measure ${metric}; list each metric once`);
    out[metric] = await evaluator.evaluate({
      engine: options.engine,
      tokenizer: options.tokenizer,
      judge: options.judge,
      samples: sets[metric],
      seed: options.seed ?? 0,
      maxNewTokens: options.maxNewTokens ?? 32,
      batchSize: options.batchSize ?? 32,
      throwIfStopped: options.throwIfStopped ?? (() => undefined),
      ...(options.onProgress
        ? { onProgress: (done: number, total: number) => options.onProgress!(metric, done, total) }
        : {}),
      ...(options.onRecord ? { onRecord: (record: EvalRecord) => options.onRecord!(metric, record) } : {}),
    });
  }
  return out;
}

/** Measures harmful_asr, over_refusal, usability and expertise with the standard evaluators, in that order. */
export async function measureHeadlineMetrics(
  sets: HeadlineSets,
  options: MeasureOptions,
): Promise<Record<HeadlineMetric, MetricValue>> {
  return (await measureMetrics(standardEvaluators(), sets, options)) as Record<HeadlineMetric, MetricValue>;
}
