import { serviceToken } from '../di.js';
import type { InferenceEngine } from './inference-engine.js';
import type { Tokenizer } from './tokenizer.js';

/** A fraction in [0,1] with the counts behind it. */
export interface MetricValue {
  value: number;
  numerator: number;
  denominator: number;
}

/** What an evaluator runs against. */
export interface EvaluationContext {
  engine: InferenceEngine;
  tokenizer: Tokenizer;
  seed: number;
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
