import type { LrScheduleContext } from '@mllr/core';
import type { PerGroup } from '../groups/group-names.js';
import { nonModuleRate } from '../groups/non-module-rule.js';
import { parseOptions } from '../parse-options.js';
import { DEFAULT_LR_SCALE, UniformOptionsSchema, type UniformOptions } from '../options.js';
import { ModularSchedule } from './modular-schedule.js';

/**
 * `uniform`: every module at the learning rate, as plain fine-tuning (the baseline ML-LR is compared against), or at
 * `lrScale` × it (default 1): the scaled-rate control.
 */
export class UniformSchedule extends ModularSchedule {
  readonly name = 'uniform';
  /** The factor on the learning rate, as set (undefined: {@link DEFAULT_LR_SCALE}). */
  readonly lrScale: number | undefined;

  constructor(options: UniformOptions = {}) {
    const { lrScale, ...settings } = parseOptions(UniformOptionsSchema, options, 'the uniform schedule');
    super(settings);
    this.lrScale = lrScale;
  }

  protected baseRates(_step: number, context: LrScheduleContext): PerGroup<number> {
    const lr = (this.lrScale ?? DEFAULT_LR_SCALE) * context.learningRate;
    return { robust: lr, rest: lr, other: nonModuleRate(this.settings.nonModule, { robust: lr, rest: lr }) };
  }
}
