import type { LrScheduleContext } from '@mllr/core';
import type { PerGroup } from '../groups/group-names.js';
import { nonModuleRate } from '../groups/non-module-rule.js';
import { DEFAULT_ALPHA, MlLrOptionsSchema, type MlLrOptions } from '../options.js';
import { parseOptions } from '../parse-options.js';
import { ModularSchedule } from './modular-schedule.js';

/** The two rates of `ml-lr` as set; unset ones are derived from the context's learning rate. */
export interface MlLrRates {
  robustLr?: number | undefined;
  alpha?: number | undefined;
  restLr?: number | undefined;
}

/**
 * `ml-lr`, the paper's method: Mods_Robust at the normal rate (`robustLr`, default the learning rate) and every other
 * module at a much smaller one (`restLr`, default alpha × the learning rate).
 */
export class MlLrSchedule extends ModularSchedule {
  readonly name = 'ml-lr';
  readonly rates: MlLrRates;

  constructor(options: MlLrOptions = {}) {
    const { robustLr, alpha, restLr, ...settings } = parseOptions(MlLrOptionsSchema, options, 'the ml-lr schedule');
    super(settings);
    this.rates = { robustLr, alpha, restLr };
  }

  /** The robust set's rate before the shape. */
  robustLr(context: LrScheduleContext): number {
    return this.rates.robustLr ?? context.learningRate;
  }

  /**
   * The rest's rate before the shape. α scales the context's learning rate, not `robustLr`, so changing the robust
   * rate alone leaves the rest where it was: each explicit setting moves one thing.
   */
  restLr(context: LrScheduleContext): number {
    return this.rates.restLr ?? (this.rates.alpha ?? DEFAULT_ALPHA) * context.learningRate;
  }

  protected baseRates(_step: number, context: LrScheduleContext): PerGroup<number> {
    const robust = this.robustLr(context);
    const rest = this.restLr(context);
    return { robust, rest, other: nonModuleRate(this.settings.nonModule, { robust, rest }) };
  }
}
