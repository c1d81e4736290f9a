import type { LrScheduleContext } from '@mllr/core';
import type { PerGroup } from '../groups/group-names.js';
import { nonModuleRate } from '../groups/non-module-rule.js';
import { FreezeOptionsSchema, type FreezeOptions } from '../options.js';
import { parseOptions } from '../parse-options.js';
import { ModularSchedule } from './modular-schedule.js';

/** `freeze`: Mods_Robust at the learning rate, every other module at 0 (ml-lr's limit α = 0). */
export class FreezeSchedule extends ModularSchedule {
  readonly name = 'freeze';

  constructor(options: FreezeOptions = {}) {
    super(parseOptions(FreezeOptionsSchema, options, 'the freeze schedule'));
  }

  protected baseRates(_step: number, context: LrScheduleContext): PerGroup<number> {
    const lr = context.learningRate;
    return { robust: lr, rest: 0, other: nonModuleRate(this.settings.nonModule, { robust: lr, rest: 0 }) };
  }
}
