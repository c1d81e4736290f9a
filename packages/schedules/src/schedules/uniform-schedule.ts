import type { LrScheduleContext } from '@mllr/core';
import type { PerGroup } from '../groups/group-names.js';
import { nonModuleRate } from '../groups/non-module-rule.js';
import { parseOptions } from '../parse-options.js';
import { UniformOptionsSchema, type UniformOptions } from '../options.js';
import { ModularSchedule } from './modular-schedule.js';

/** `uniform`: every module at the learning rate, as plain fine-tuning (the baseline ML-LR is compared against). */
export class UniformSchedule extends ModularSchedule {
  readonly name = 'uniform';

  constructor(options: UniformOptions = {}) {
    super(parseOptions(UniformOptionsSchema, options, 'the uniform schedule'));
  }

  protected baseRates(_step: number, context: LrScheduleContext): PerGroup<number> {
    const lr = context.learningRate;
    return { robust: lr, rest: lr, other: nonModuleRate(this.settings.nonModule, { robust: lr, rest: lr }) };
  }
}
