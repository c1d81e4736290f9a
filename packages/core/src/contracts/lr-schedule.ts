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

/** Assigns learning rates to parameter groups over the course of fine-tuning. */
export interface LrSchedule {
  readonly name: string;
  /** The groups with their initial learning rates. */
  groups(context: LrScheduleContext): ParameterGroup[];
  /** Each group's learning rate at `step` (0-based) of `context.totalSteps`. */
  ratesAt(step: number, context: LrScheduleContext): Record<string, number>;
}

/** DI token for {@link LrSchedule}. */
export const LrSchedule = serviceToken('LrSchedule');
