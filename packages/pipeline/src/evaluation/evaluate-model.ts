import type { EvalRecord, Evaluator, HarmJudge, InferenceEngine, MetricValue, RunStore, Tokenizer } from '@mllr/core';
import { measureMetrics, type HeadlineMetric, type HeadlineSets } from '@mllr/eval';
import { itemOutcomeOf } from '../study/item-outcomes.js';
import {
  BY_FILE_METRICS,
  FileTally,
  addsUpTo,
  type ByFile,
  type ByFileMetric,
  type EvalFileSpan,
} from './eval-files.js';
import {
  GENERATIONS_LIMITS,
  GenerationsLog,
  generationsPath,
  type GenerationsLimits,
  type GenerationsSummary,
} from './generations-log.js';

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
  /** The files of the sets to break down by file (see breakdownSpans); each metric's spans cover its whole set. */
  files?: Partial<Record<ByFileMetric, readonly EvalFileSpan[]>>;
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
  /** Each metric given `files`, file by file, where the judged items add up to the metric; absent when none does. */
  byFile?: ByFile;
  generations?: GenerationsSummary;
}

/**
 * Measures one model with the given evaluators (a run's `evaluators`), writing every judged generation to
 * `eval/<id>.jsonl` in `store` as it is decided (bounded: see GenerationsLimits). A failed or stopped evaluation
 * leaves no generations file behind.
 */
export async function evaluateModel(options: EvaluateModelOptions): Promise<ModelEvaluation> {
  const { sets } = options;
  const log = options.store
    ? GenerationsLog.open(options.store, generationsPath(options.id), options.limits ?? GENERATIONS_LIMITS)
    : undefined;
  const tallies = new Map<HeadlineMetric, FileTally>();
  for (const metric of BY_FILE_METRICS) {
    const spans = options.files?.[metric];
    if (spans) tallies.set(metric, new FileTally(spans));
  }
  const onRecord = async (metric: HeadlineMetric, record: EvalRecord) => {
    const tally = tallies.get(metric);
    const outcome = tally && itemOutcomeOf(metric, record.verdict);
    if (tally && outcome) tally.add(record.index, outcome);
    await log?.add(metric, sets[metric].length, record);
  };
  try {
    const metrics = await measureMetrics(options.evaluators, sets, {
      engine: options.engine,
      tokenizer: options.tokenizer,
      judge: options.judge,
      maxNewTokens: EVAL_MAX_NEW_TOKENS,
      ...(options.throwIfStopped ? { throwIfStopped: options.throwIfStopped } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      ...(log || tallies.size > 0 ? { onRecord } : {}),
    });
    const byFile: ByFile = {};
    for (const metric of BY_FILE_METRICS) {
      const files = tallies.get(metric)?.result();
      const pooled = metrics[metric];
      if (files && pooled && addsUpTo(files, pooled)) byFile[metric] = files;
    }
    return {
      metrics,
      ...(Object.keys(byFile).length > 0 ? { byFile } : {}),
      ...(log ? { generations: await log.finish() } : {}),
    };
  } catch (error) {
    await log?.discard(error);
    throw error;
  }
}
