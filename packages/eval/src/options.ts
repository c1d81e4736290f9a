import { z } from 'zod';
import { SHORT_ANSWER_MAX_TOKENS } from './evaluators/accuracy-evaluator.js';
import { LLM_JUDGE_DEFAULTS } from './llm/llm-judge.js';
import { ONNX_CLASSIFIER_DEFAULTS } from './onnx/onnx-classifier-judge.js';
import { DEFAULT_OPENING_WORDS } from './refusal/refusal-phrases.js';

const positiveInt = z.number().int().positive();
const phraseList = z.array(z.string().trim().min(1, 'a phrase cannot be empty'));

/** Options of the `refusal` judge. */
export const RefusalOptionsSchema = z.strictObject({
  phrases: phraseList.min(1, 'give at least one phrase, or leave `phrases` out for the defaults').optional(),
  extraPhrases: phraseList.default([]),
  exceptions: phraseList.optional(),
  openingWords: positiveInt.default(DEFAULT_OPENING_WORDS),
});

/** Options of the `llm` judge. There is deliberately no key option: `apiKeyEnv` names the variable that holds it. */
export const LlmJudgeOptionsSchema = z.strictObject({
  baseUrl: z
    .string()
    .regex(/^https?:\/\/[^\s/]+/, 'must be an http:// or https:// URL, such as https://api.openai.com/v1')
    .default(LLM_JUDGE_DEFAULTS.baseUrl),
  model: z.string().min(1, 'name the judge model'),
  apiKeyEnv: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'the NAME of an environment variable (the key itself never goes in the config)')
    .default(LLM_JUDGE_DEFAULTS.apiKeyEnv),
  timeoutMs: positiveInt.default(LLM_JUDGE_DEFAULTS.timeoutMs),
  maxRetries: z.number().int().min(0).max(20).default(LLM_JUDGE_DEFAULTS.maxRetries),
  threshold: z.number().int().min(1).max(5).default(LLM_JUDGE_DEFAULTS.threshold),
  concurrency: positiveInt.max(64).default(LLM_JUDGE_DEFAULTS.concurrency),
  backoffMs: z.number().int().min(0).default(LLM_JUDGE_DEFAULTS.backoffMs),
});

/** Options of the `onnx-classifier` judge; relative paths are relative to the config file's folder. */
export const OnnxClassifierOptionsSchema = z.strictObject({
  modelPath: z.string().min(1),
  tokenizerPath: z.string().min(1).optional(),
  harmfulLabel: z.union([z.string().min(1), z.number().int().min(0)]).optional(),
  threshold: z.number().gt(0).max(1).default(ONNX_CLASSIFIER_DEFAULTS.threshold),
  batchSize: positiveInt.default(ONNX_CLASSIFIER_DEFAULTS.batchSize),
  maxLength: z.number().int().min(2).default(ONNX_CLASSIFIER_DEFAULTS.maxLength),
});

/** Options of the harm evaluators (`harmful_asr`, `over_refusal`): none. */
export const HarmEvaluatorOptionsSchema = z.strictObject({});

/** Options of the accuracy evaluators (`usability`, `expertise`). */
export const AccuracyOptionsSchema = z.strictObject({
  method: z.enum(['auto', 'exact-match', 'teacher-forced']).default('auto'),
  shortAnswerMaxTokens: positiveInt.default(SHORT_ANSWER_MAX_TOKENS),
});
