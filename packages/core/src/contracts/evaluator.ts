import { serviceToken } from '../di.js';
import type { HarmJudge } from './harm-judge.js';
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
  checkpoint: () => void;
}

/** Measures one metric of a model (harmful_asr, over_refusal, usability, expertise). */
export interface Evaluator {
  /** The metric name it produces, as it appears in summary.json. */
  readonly metric: string;
  evaluate(context: EvaluationContext): Promise<MetricValue>;
}

/** DI token for {@link Evaluator}. */
export const Evaluator = serviceToken('Evaluator');
