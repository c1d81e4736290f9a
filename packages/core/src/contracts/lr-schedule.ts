import { serviceToken } from '../di.js';
import type { ModuleId } from '../module-id.js';
import type { ParameterGroup } from './training-engine.js';

/** What a schedule needs to build parameter groups. */
export interface LrScheduleContext {
  /** Every module of the model. */
  modules: readonly ModuleId[];
  /** Mods_Robust from the search stage. */
  robust: readonly ModuleId[];
  /** Hugging Face names of every trainable tensor, modules and the rest (embeddings, norms, head). */
  tensors: readonly string[];
  /** Maps a module id to its tensor names. */
  tensorsOf: (module: ModuleId) => string[];
  /** The normal learning rate. */
  learningRate: number;
  weightDecay: number;
  totalSteps: number;
}

/**
 * What a run trains with, as recorded in `ift/<run>.json` and exported by `mllr export-plan`: every group at its base
 * rate (before the shape that scales rates over the steps), and that shape. Multiplying a group's base rate by the
 * shape's factor at a step gives the rate the engine was given at that step.
 */
export interface RatePlan {
  /** Every non-empty group (rate-0 groups included: frozen tensors are part of the plan). */
  groups: ParameterGroup[];
  /**
   * How the base rates are scaled or phased over the steps, as settings a reader can reapply (for example
   * `{ shape: 'constant', warmup_steps: 0, min_ratio: 0 }`, plus schedule-specific phases such as swat's
   * `robust_only_steps`). An empty object means the base rates hold at every step.
   */
  shape: Record<string, string | number>;
}

/** Assigns learning rates to parameter groups over the course of fine-tuning. */
export interface LrSchedule {
  readonly name: string;
  /** The groups with their initial learning rates. */
  groups(context: LrScheduleContext): ParameterGroup[];
  /** The groups at their base rates and the shape over the steps: the record of what a run trains with. */
  plan(context: LrScheduleContext): RatePlan;
  /** Each group's learning rate at `step` (0-based) of `context.totalSteps`. */
  ratesAt(step: number, context: LrScheduleContext): Record<string, number>;
}

/** DI token for {@link LrSchedule}. */
export const LrSchedule = serviceToken('LrSchedule');
