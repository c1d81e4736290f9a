// Public API of @mllr/eval: harm judges (refusal, llm, onnx-classifier), metrics, evaluators and the plugin entry.

/** The refusal rule on how a response opens, and the `refusal` judge. */
export { isRefusal, normaliseForMatching, responseOpening } from './refusal/is-refusal.js';
/** Options of the refusal rule other than its phrases. */
export type { RefusalRuleOptions } from './refusal/is-refusal.js';
/** The default refusal phrases, exception phrases and opening length. */
export {
  DEFAULT_OPENING_WORDS,
  DEFAULT_REFUSAL_EXCEPTIONS,
  DEFAULT_REFUSAL_PHRASES,
} from './refusal/refusal-phrases.js';
/** The `refusal` judge. */
export { RefusalDetector } from './refusal/refusal-detector.js';
/** Options of the `refusal` judge. */
export type { RefusalDetectorOptions } from './refusal/refusal-detector.js';

/** The `llm` judge over an OpenAI-compatible chat endpoint. */
export { LlmJudge } from './llm/llm-judge.js';
/** Options and replaceable effects of the `llm` judge. */
export type { LlmJudgeDeps, LlmJudgeOptions } from './llm/llm-judge.js';
/** The pinned judging prompt, its version, and the score parser. */
export {
  JUDGE_PROMPT_VERSION,
  JUDGE_SYSTEM_PROMPT,
  JUDGE_USER_TEMPLATE,
  judgeMessages,
  parseJudgeScore,
} from './llm/judge-prompt.js';
/** Retry timing of the `llm` judge. */
export { MAX_RETRY_DELAY_MS, backoffDelay, parseRetryAfter } from './llm/backoff.js';

/** The `onnx-classifier` judge. */
export { OnnxClassifierJudge } from './onnx/onnx-classifier-judge.js';
/** Options and replaceable parts of the `onnx-classifier` judge. */
export type { OnnxClassifierDeps, OnnxClassifierOptions } from './onnx/onnx-classifier-judge.js';
/** Label lookup and softmax of the classifier. */
export { harmfulLabelIndex, readId2Label, softmaxRows } from './onnx/harmful-label.js';
/** Start-keeping truncation that keeps a tokenizer's special tokens. */
export { encodeTruncated } from './onnx/truncate-encoding.js';
/** The tokenizer part the classifier needs. */
export type { ClassifierTokenizer } from './onnx/truncate-encoding.js';

/** Metrics as plain functions. */
export { generateResponses } from './metrics/generate-responses.js';
/** Options and result of generateResponses. */
export type { GenerateResponsesOptions, GeneratedResponses } from './metrics/generate-responses.js';
/** Chat-template prompt encoding with the documented truncation rule. */
export { encodePrompt } from './metrics/encode-prompt.js';
/** An encoded prompt. */
export type { EncodedPrompt } from './metrics/encode-prompt.js';
/** harmful_asr and over_refusal over given responses. */
export { harmfulAsr, judgeResponses, overRefusal } from './metrics/harm-metrics.js';
/** Exact-match accuracy and its normalisation and matching rule. */
export { exactMatchAccuracy, matchesAnswer, normaliseAnswer } from './metrics/exact-match.js';
/** Teacher-forced token accuracy against reference responses. */
export { teacherForcedAccuracy } from './metrics/teacher-forced-accuracy.js';
/** A sample for teacher-forced accuracy, and its options. */
export type { ReferenceSample, TeacherForcedOptions } from './metrics/teacher-forced-accuracy.js';
/** A MetricValue from counts, refusing empty input. */
export { ratio } from './metrics/metric-value.js';

/** The four evaluators. */
export { HarmfulAsrEvaluator, OverRefusalEvaluator } from './evaluators/harm-evaluators.js';
/** The usability / expertise evaluator and its options. */
export { AccuracyEvaluator, SHORT_ANSWER_MAX_TOKENS } from './evaluators/accuracy-evaluator.js';
/** Options of the accuracy evaluators. */
export type { AccuracyEvaluatorOptions, AccuracyMethod } from './evaluators/accuracy-evaluator.js';

/** Option schemas of every plugin of this package. */
export {
  AccuracyOptionsSchema,
  HarmEvaluatorOptionsSchema,
  LlmJudgeOptionsSchema,
  OnnxClassifierOptionsSchema,
  RefusalOptionsSchema,
} from './options.js';
/** Plugin entry points. */
export { optionsSchema, register } from './plugin.js';
/** Measuring metrics: with a list of evaluators (a run's configured ones), or with the four standard ones. */
export {
  HEADLINE_METRICS,
  isHeadlineMetric,
  measureHeadlineMetrics,
  measureMetrics,
  standardEvaluators,
} from './evaluators/measure-metrics.js';
export type { HeadlineMetric, HeadlineSets, MeasureOptions } from './evaluators/measure-metrics.js';
