import type { LrScheduleContext } from '@mllr/core';
import type { PerGroup } from '../groups/group-names.js';
import { nonModuleRate } from '../groups/non-module-rule.js';
import { SwatOptionsSchema, type SwatOptions } from '../options.js';
import { parseOptions } from '../parse-options.js';
import { ModularSchedule } from './modular-schedule.js';

/**
 * `swat`: a warm-up that trains Mods_Robust alone (every other tensor, non-module ones too, at 0), then every module
 * at the learning rate, non-module tensors by the non-module rule.
 */
export class SwatSchedule extends ModularSchedule {
  readonly name = 'swat';
  readonly warmupFraction: number;

  constructor(options: SwatOptions = {}) {
    const { warmupFraction, ...settings } = parseOptions(SwatOptionsSchema, options, 'the swat schedule');
    super(settings);
    this.warmupFraction = warmupFraction;
  }

  /**
   * Steps that train the robust set alone: warmupFraction × totalSteps rounded to the nearest step, and at least
   * one when the fraction is above 0 (a short run would otherwise silently get no warm-up).
   */
  robustWarmupSteps(totalSteps: number): number {
    if (this.warmupFraction === 0) return 0;
    return Math.min(totalSteps, Math.max(1, Math.round(this.warmupFraction * totalSteps)));
  }

  /** The robust-only warm-up: its steps train Mods_Robust alone (rest and other at 0). */
  protected override phases(context: LrScheduleContext): Record<string, number> {
    return { robust_only_steps: this.robustWarmupSteps(context.totalSteps) };
  }

  protected baseRates(step: number, context: LrScheduleContext): PerGroup<number> {
    const lr = context.learningRate;
    if (step < this.robustWarmupSteps(context.totalSteps)) return { robust: lr, rest: 0, other: 0 };
    return { robust: lr, rest: lr, other: nonModuleRate(this.settings.nonModule, { robust: lr, rest: lr }) };
  }
}
