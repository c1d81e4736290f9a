import type { EvalRecord, Evaluator, HarmJudge, InferenceEngine, MetricValue, RunStore, Tokenizer } from '@mllr/core';
import { measureMetrics, type HeadlineMetric, type HeadlineSets } from '@mllr/eval';
import { GENERATIONS_LIMITS, GenerationsLog, generationsPath, type GenerationsLimits, type GenerationsSummary } from './generations-log.js';

/** Tokens generated per response in every evaluation (the pipeline's eval stage and `mllr eval` alike). */
export const EVAL_MAX_NEW_TOKENS = 16;

/** What {@link evaluateModel} needs. */
export interface EvaluateModelOptions {
  /** The model's id: the key in eval.json and the name of its generations file (`eval/<id>.jsonl`). */
  id: string;
  sets: HeadlineSets;
  /** The configured evaluators (see loadEvaluators), measured in this order. */
  evaluators: readonly Evaluator[];
  engine: InferenceEngine;
  tokenizer: Tokenizer;
  judge: HarmJudge;
  /** Where the generations file goes; without a store nothing is written. */
  store?: RunStore;
  limits?: GenerationsLimits;
  throwIfStopped?: () => void;
  onProgress?: (metric: HeadlineMetric, done: number, total: number) => void;
}

/** The measured metrics of one model and, where a store was given, what its generations file holds. */
export interface ModelEvaluation {
  /** One value per configured evaluator, under its metric's name. */
  metrics: Partial<Record<HeadlineMetric, MetricValue>>;
  generations?: GenerationsSummary;
}

/**
 * Measures one model with the given evaluators (a run's `evaluators`), writing every judged generation to
 * `eval/<id>.jsonl` in `store` as it is decided (bounded: see GenerationsLimits). A failed or stopped evaluation
 * leaves no generations file behind.
 */
export async function evaluateModel(options: EvaluateModelOptions): Promise<ModelEvaluation> {
  const { sets } = options;
  const log = options.store ? GenerationsLog.open(options.store, generationsPath(options.id), options.limits ?? GENERATIONS_LIMITS) : undefined;
  try {
    const metrics = await measureMetrics(options.evaluators, sets, {
      engine: options.engine,
      tokenizer: options.tokenizer,
      judge: options.judge,
      maxNewTokens: EVAL_MAX_NEW_TOKENS,
      ...(options.throwIfStopped ? { throwIfStopped: options.throwIfStopped } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      ...(log ? { onRecord: (metric: HeadlineMetric, record: EvalRecord) => log.add(metric, sets[metric].length, record) } : {}),
    });
    return { metrics, ...(log ? { generations: await log.finish() } : {}) };
  } catch (error) {
    await log?.discard(error);
    throw error;
  }
}
