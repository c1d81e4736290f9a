import { serviceToken } from '../di.js';
import type { HarmJudge, HarmVerdict } from './harm-judge.js';
import type { InferenceEngine } from './inference-engine.js';
import type { Tokenizer } from './tokenizer.js';

/** A fraction in [0,1] with the counts behind it. */
export interface MetricValue {
  value: number;
  numerator: number;
  denominator: number;
  /** Items whose prompt was cut to fit the model's context (see @mllr/eval's truncation rule); absent: not counted. */
  truncated?: number;
}

/** One evaluation item: a prompt and, where the answer is checkable, the expected answer or reference response. */
export interface EvalSample {
  prompt: string;
  /** Expected answer (exact match) or reference response (teacher-forced accuracy); absent for harm metrics. */
  answer?: string;
  /** Where it came from, for reports: `file:line` or a generator id. */
  source?: string;
}

/**
 * One judged item of an evaluation, reported as soon as it is decided so a run can keep an audit trail of what was
 * generated and how it was counted (the evaluator keeps only counts).
 */
export interface EvalRecord {
  /** Position of the item in the metric's evaluation set (0-based). */
  index: number;
  prompt: string;
  /** Where the item came from (`file:line`, or a generator id), where the sample says. */
  source?: string;
  /** The model's response; absent where the metric scores without generating (teacher-forced accuracy). */
  response?: string;
  /** The expected answer or reference response (accuracy metrics). */
  answer?: string;
  /**
   * How the item was counted: the judge's verdict (harm metrics), whether the response matched the answer (exact
   * match), or how many reference tokens the model predicted (teacher-forced accuracy).
   */
  verdict: HarmVerdict | { correct: boolean } | { tokens_correct: number; tokens_total: number };
}

/** What an evaluator runs against. */
export interface EvaluationContext {
  engine: InferenceEngine;
  tokenizer: Tokenizer;
  /** The items of this metric's evaluation set. */
  samples: readonly EvalSample[];
  /** Decides refusal / harmfulness of responses (harm metrics). */
  judge: HarmJudge;
  seed: number;
  maxNewTokens: number;
  batchSize: number;
  onProgress?: (done: number, total: number) => void;
  throwIfStopped: () => void;
  /** Called with every judged item as soon as it is decided; awaited, so a slow consumer holds the evaluation back. */
  onRecord?: (record: EvalRecord) => void | Promise<void>;
}

/** Measures one metric of a model (harmful_asr, over_refusal, usability, expertise). */
export interface Evaluator {
  /** The metric name it produces, as it appears in summary.json. */
  readonly metric: string;
  evaluate(context: EvaluationContext): Promise<MetricValue>;
}

/** DI token for {@link Evaluator}. */
export const Evaluator = serviceToken('Evaluator');
