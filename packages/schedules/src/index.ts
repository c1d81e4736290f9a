// Public API of @mllr/schedules: the uniform, ml-lr, swat and freeze learning-rate schedules, their shapes, the plugin
// entry, and the fine-tuning loop that applies a schedule (src/fine-tuning).

/** `freeze`: the robust set at lr, everything else at 0. */
export { FreezeSchedule } from './schedules/freeze-schedule.js';
/** `ml-lr`: the robust set at robustLr, the rest at restLr = α·lr. */
export { MlLrSchedule } from './schedules/ml-lr-schedule.js';
/** `swat`: the robust set alone during a warm-up, then every module. */
export { SwatSchedule } from './schedules/swat-schedule.js';
/** `uniform`: everything at lr (plain fine-tuning). */
export { UniformSchedule } from './schedules/uniform-schedule.js';
/** The rates of ml-lr as set. */
export type { MlLrRates } from './schedules/ml-lr-schedule.js';
/** The base of the four schedules, for schedules of your own over the same groups. */
export { ModularSchedule } from './schedules/modular-schedule.js';
/** The settings every schedule shares. */
export type { ModularSettings } from './schedules/modular-schedule.js';

/** The shape over steps. */
export { DEFAULT_LR_SHAPE, shapeFactor } from './shape/lr-shape.js';
/** A shape and its name. */
export type { LrShape, LrShapeName } from './shape/lr-shape.js';

/** The parameter groups and how tensors are split among them. */
export { GROUP_NAMES } from './groups/group-names.js';
/** A group name, and a value per group. */
export type { GroupName, PerGroup } from './groups/group-names.js';
/** Splits the trainable tensors into robust, rest and other. */
export { partitionTensors } from './groups/partition-tensors.js';
/** The rule for non-module tensors. */
export { DEFAULT_NON_MODULE_RULE, nonModuleRate } from './groups/non-module-rule.js';
/** What non-module tensors train at. */
export type { NonModuleRule } from './groups/non-module-rule.js';

/** Option schemas and the defaults that are ours rather than the paper's. */
export {
  DEFAULT_ALPHA,
  DEFAULT_LR_SCALE,
  DEFAULT_WARMUP_FRACTION,
  FreezeOptionsSchema,
  MlLrOptionsSchema,
  NonModuleRuleSchema,
  SwatOptionsSchema,
  UniformOptionsSchema,
} from './options.js';
/** Options of each schedule as given. */
export type { FreezeOptions, MlLrOptions, SwatOptions, UniformOptions } from './options.js';

/** Plugin entry points and the schedule names. */
export { SCHEDULE_NAMES, optionsSchema, register } from './plugin.js';

/** Fine-tunes with one schedule through core's training engine, returning the training curve. */
export { CURVE_FILE, batchOrder, runFineTuning } from './fine-tuning/run-fine-tuning.js';
/** A training-curve point and the runner's options. */
export type { CurvePoint, FineTuningOptions } from './fine-tuning/run-fine-tuning.js';
/** The data order's resumable state. */
export type { BatchOrder, DataOrderState } from './fine-tuning/batch-order.js';
/** Training checkpoints (the saved training state a run resumes from): their folder names and layout version. */
export { CHECKPOINT_FORMAT, checkpointFolderName } from './fine-tuning/training-state.js';
