// `mllr finetune`: one fine-tuning run outside the pipeline, with the uniform schedule or a learning-rate plan.
export { FINETUNE_RECORD, LORA_OUT, UNIFORM_GROUP, runFinetune } from './run-finetune.js';
export { finetuneLora } from './lora-flags.js';
export type { FinetuneLora, LoraFlags } from './lora-flags.js';
export type { FinetuneOptions, FinetuneResult, FinetuneStart, FinetuneStep } from './run-finetune.js';
export { finetuneSettings } from './finetune-settings.js';
export type { FinetuneFlags, FinetuneSettings } from './finetune-settings.js';
export { TORCH_PLAN_FORMAT, planFromJson, planRatesAt, readFinetunePlan } from './plan-file.js';
export type { FinetunePlan } from './plan-file.js';
export { loadFinetuneExamples } from './finetune-examples.js';
export type { FinetuneExamples } from './finetune-examples.js';
