// Public API of @mllr/pipeline: config loading, plugin composition, run folders, stages and the engine process.
export { DEFAULT_CONFIG_PATH } from './config/default-config.js';
export { formatPath, loadRunConfig, parseRunConfig } from './config/load-config.js';
export type { LoadedConfig } from './config/load-config.js';
export { checkPluginNames } from './config/check-plugin-names.js';
export { ConfigSource } from './config/source-locator.js';

export { BUILTIN_PLUGINS } from './plugins/builtin-plugins.js';
export { PluginCatalog } from './plugins/plugin-catalog.js';
export type { CatalogEntries, CatalogEntry } from './plugins/plugin-catalog.js';
export { PluginComposer } from './plugins/plugin-composer.js';
export { loadPluginModule } from './plugins/load-plugin-module.js';

export { canonicalJson, hashValue } from './run/canonical-hash.js';
export { FsRunStore, recordPath } from './run/fs-run-store.js';
export { RunFolder, readState } from './run/run-folder.js';
export type { OpenRunOptions, RunState } from './run/run-folder.js';
export { PROGRESS_INTERVAL_MS, RunEventSink } from './run/run-event-sink.js';
export { StageRunner } from './run/stage-runner.js';
export type { StageRunnerOptions } from './run/stage-runner.js';
export { StageStore } from './run/stage-store.js';

export { ML_LR_STAGES } from './stages/ml-lr-stage-set.js';
export { runIdOf, seedRuns, strategyOfRun } from './stages/ml-lr/seed-runs.js';
export { pointsInterval, verdictOf, verdictSentence } from './report/study/verdict.js';
export type { ComparisonResult, Verdict } from './report/study/verdict.js';
export type { SeedRun } from './stages/ml-lr/seed-runs.js';

export { evaluateModelFolder, evalModelId } from './evaluation/eval-service.js';
export type { EvalReport, EvalRequest, MetricCounts } from './evaluation/eval-service.js';
export { EVAL_MAX_NEW_TOKENS, evaluateModel } from './evaluation/evaluate-model.js';
export type { EvaluateModelOptions, ModelEvaluation } from './evaluation/evaluate-model.js';
export { GENERATIONS_LIMITS, GenerationsLog, generationsPath } from './evaluation/generations-log.js';
export type { GenerationLine, GenerationsLimits, GenerationsSummary } from './evaluation/generations-log.js';
/** `mllr inspect`'s and `mllr generate`'s work, as services that return data (the commands parse and format). */
export { inspectModel } from './inspect/inspect-model.js';
export type { InspectRequest, ModelInspection } from './inspect/inspect-model.js';
export { tokenizerSummary } from './inspect/tokenizer-summary.js';
export type { TokenizerSummary } from './inspect/tokenizer-summary.js';
export { generateText } from './generate/generate-text.js';
export type { GeneratedText, GenerateRequest, GenerationInput } from './generate/generate-text.js';

export { executeRun } from './run/execute-run.js';
export type { RunOutcome } from './run/execute-run.js';
export { startRun } from './run/start-run.js';
export type { RunHandle, RunResult, StartRunOptions } from './run/start-run.js';
export type { ChildMessage, ParentMessage, RunRequest } from './process/engine-protocol.js';
export { loadEngineProvider } from './engines/load-engine-provider.js';
export { hubRecord, obtainModelSource, resolveModelDir, resolveModelSource } from './models/resolve-model-dir.js';
/** A model folder with a PEFT LoRA adapter merged in, in a temporary folder (`--adapter` of eval and generate). */
export { mergedAdapterModel } from './models/adapter-model.js';
export type { TemporaryModel } from './models/adapter-model.js';
/** Where a model named by a path, tiny-chat or a Hub id was found, and how run records store a Hub id's commit. */
export type { HubRecord, ModelSource, ObtainModelOptions } from './models/resolve-model-dir.js';
/** A progress line for people from a Hub download event. */
export { downloadProgressLine } from './models/download-progress.js';
export { DEFAULT_PLAN_STRATEGY, formatAxolotlPlan, formatTorchPlan, readLrPlan } from './plan/lr-plan.js';
export type { LrPlan, PlanGroup } from './plan/lr-plan.js';
export * from './bench/index.js';
export * from './finetune/index.js';

/** The study's statistics (issue 17): bootstrap intervals, the paired bootstrap over prompts and seeds, the rank test, Spearman's ρ. */
export * from './stats/index.js';
