// Public API of @mllr/core: contracts, DI tokens, module ids, events, errors, the run-config schema, the rules every
// engine shares (src/engine-rules) and shared utilities: atomic writes, secret redaction, the seeded RNG (src/utils).
export {
  assertInjectable,
  describeToken,
  inject,
  injectable,
  Lifecycle,
  registerClass,
  rootContainer,
  serviceToken,
} from './di.js';
export type { DependencyContainer, InjectionToken } from './di.js';

export { ERROR_CODES, EXIT_CODES, MllrError, StoppedError, exitCodeFor, toMllrError } from './errors.js';

/** Secrets: which config keys and environment variables hold them, and their redaction from everything written. */
export {
  MIN_SECRET_LENGTH,
  REDACTED,
  SECRET_ENV_NAME,
  SecretRedactor,
  isSecretKey,
  secretValuesFromEnv,
} from './utils/secrets.js';
export type { ErrorClass, ErrorCode, ErrorDetail, SerializedError } from './errors.js';

export {
  MODULE_TYPES,
  allModuleIds,
  formatModuleId,
  isModuleType,
  moduleIdForTensor,
  moduleTensorNames,
  parseModuleId,
  resolveModuleSelectors,
  sortModuleIds,
} from './module-id.js';
export type { ModuleId, ModuleRef, ModuleType, TensorNameOptions } from './module-id.js';
/** LoRA adapters: tensor names, targets, scaling, and the training engine that trains them. */
export { DEFAULT_LORA_TARGETS, isLoraTarget, loraScaling, loraTensorNames } from './lora-names.js';
export type { AdapterSaveInfo, LoraOpenOptions, LoraSettings, LoraTrainingEngine } from './contracts/lora.js';

export type {
  ArtifactEvent,
  ErrorEvent,
  EventBase,
  LogEvent,
  MetricEvent,
  ProgressEvent,
  RunEvent,
  RunEventInput,
  RunEventType,
  RunLifecycleEvent,
  StageEvent,
} from './events.js';

export {
  DataSchema,
  DatasetSourceSchema,
  DEFAULT_PROBE_MIN_ACCURACY,
  DEFAULT_PROBE_MIN_GAIN_OVER_LENGTH,
  LoraAdapterSchema,
  ModelSchema,
  PRETRAINED_MODEL_PATH,
  ADAPTED_MODEL_PATH,
  PluginRefSchema,
  PretrainArchitectureSchema,
  PretrainSchema,
  PretrainSourceSchema,
  PretrainTokenizerSchema,
  RunConfigSchema,
  StrategySchema,
  TrainingSchema,
} from './config/schema.js';
export type { DataConfig, PluginRef, PretrainConfig, RunConfig, RunConfigInput } from './config/schema.js';

export { PLUGIN_SLOTS, PluginOptions } from './plugin.js';
export type { MllrPluginModule, PluginInfo, PluginServices, PluginSlot } from './plugin.js';

export type { ModelArchitecture, ModelFamily, NamedTensor, RopeScaling } from './contracts/model.js';
export { InferenceEngine } from './contracts/inference-engine.js';
export type { BatchLogits, GenerateOptions, LastTokenHiddenStates, TokenBatch } from './contracts/inference-engine.js';
export { TrainingEngine } from './contracts/training-engine.js';
export type {
  ModuleSnapshot,
  OptimizerSettings,
  OptimizerState,
  ParameterGroup,
  TensorOptimizerState,
  TrainExample,
  TrainStepResult,
} from './contracts/training-engine.js';
export { Tokenizer } from './contracts/tokenizer.js';
export type { ChatMessage } from './contracts/tokenizer.js';
export { DatasetReader } from './contracts/dataset-reader.js';
export type { ChatSample, DatasetSource, InvalidRecord, ReadOptions } from './contracts/dataset-reader.js';
export { RobustnessProxy } from './contracts/robustness-proxy.js';
export type { ModuleScore, ProbeMeasurement, RobustnessContext, SecurityProbe } from './contracts/robustness-proxy.js';
export { SearchStrategy } from './contracts/search-strategy.js';
export type { SearchContext, SearchResult } from './contracts/search-strategy.js';
export { LrSchedule } from './contracts/lr-schedule.js';
export type { LrScheduleContext, RatePlan } from './contracts/lr-schedule.js';
export { HarmJudge } from './contracts/harm-judge.js';
export type { HarmVerdict, JudgedPair } from './contracts/harm-judge.js';
export { Evaluator } from './contracts/evaluator.js';
export type { EvalRecord, EvalSample, EvaluationContext, MetricValue } from './contracts/evaluator.js';
export { EventSink } from './contracts/event-sink.js';
export { RunStore } from './contracts/run-store.js';
export type { ArtifactContent, StageRecord } from './contracts/run-store.js';
export { StageSet } from './contracts/stage.js';
export type { ConfigProblem, Stage, StageContext } from './contracts/stage.js';
export { PluginLoader, RunConfigToken, pluginLoader } from './contracts/plugin-loader.js';
export { ResourceScope, resourceScope } from './contracts/resource-scope.js';
export type { OwnedResource } from './contracts/resource-scope.js';
export { TEMP_PREFIX, sweepTempFiles, syncDir, writeFileAtomic } from './utils/atomic-write.js';
export type { AtomicWriteFs } from './utils/atomic-write.js';
export { createRng, rngFromState, shuffled } from './utils/random.js';
export type { Rng } from './utils/random.js';
export { EngineProvider } from './contracts/engine-provider.js';
export type { ModelFolderDescription, OpenEngineOptions } from './contracts/engine-provider.js';
/** The next-token rule every engine shares: greedy, or temperature and top-p sampling from a seeded source. */
export { argmax, chooseToken } from './engine-rules/choose-token.js';
/** Parameter-group and optimizer-setting checks every training engine's configure shares. */
export {
  checkOptimizerSettings,
  resolveParameterGroups,
  updateLearningRates,
} from './engine-rules/parameter-groups.js';
/** Checked parameter groups. */
export type { ResolvedGroups } from './engine-rules/parameter-groups.js';
/** The micro-batch split every training engine accumulates with. */
export { splitMicroBatches } from './engine-rules/micro-batches.js';
/** Which positions of a training example count in the loss (response spans), shared by the training engines. */
export { checkLossTargets, markLossPositions, responseSpans } from './engine-rules/loss-targets.js';
export type { TokenChoice } from './engine-rules/choose-token.js';
