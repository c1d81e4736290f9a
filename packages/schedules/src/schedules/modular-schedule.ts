import { MllrError, type LrSchedule, type LrScheduleContext, type ParameterGroup, type RatePlan } from '@mllr/core';
import { GROUP_NAMES, type PerGroup } from '../groups/group-names.js';
import type { NonModuleRule } from '../groups/non-module-rule.js';
import { partitionTensors } from '../groups/partition-tensors.js';
import { validateContext, validateStep } from '../groups/validate-context.js';
import { shapeFactor, type LrShape } from '../shape/lr-shape.js';

/** The settings every schedule of this package has: the non-module rule and the shape. */
export interface ModularSettings extends LrShape {
  nonModule: NonModuleRule;
}

/**
 * A schedule over the groups `robust`, `rest` and `other`: a subclass gives each group's rate at a step, and the
 * shape multiplies all of them. Empty groups are left out of both `groups` and `ratesAt`, because an engine rejects
 * rates for a group it was not configured with.
 */
export abstract class ModularSchedule implements LrSchedule {
  abstract readonly name: string;

  /** The non-module rule and the shape, defaults filled in. */
  readonly settings: ModularSettings;

  protected constructor(options: Omit<ModularSettings, 'minRatio'> & { minRatio?: number | undefined }) {
    this.settings = {
      nonModule: options.nonModule,
      shape: options.shape,
      warmupSteps: options.warmupSteps,
      minRatio: options.minRatio ?? 0,
    };
  }

  /** The three groups' rates at `step`, before the shape. */
  protected abstract baseRates(step: number, context: LrScheduleContext): PerGroup<number>;

  /** The non-empty groups, each at its rate of step 0 and the context's weight decay. */
  groups(context: LrScheduleContext): ParameterGroup[] {
    const rates = this.ratesAt(0, context);
    const tensors = partitionTensors(context);
    return GROUP_NAMES.filter((name) => tensors[name].length > 0).map((name) => ({
      name,
      tensors: tensors[name],
      learningRate: rates[name]!,
      weightDecay: context.weightDecay,
    }));
  }

  /**
   * The groups at their base rates and the shape. The base rates are those of the last step, which every schedule
   * here reaches in its main phase (swat's robust-only warm-up is a phase before it, recorded in the shape).
   */
  plan(context: LrScheduleContext): RatePlan {
    validateContext(context);
    const tensors = partitionTensors(context);
    const base = this.baseRates(context.totalSteps - 1, context);
    return {
      groups: GROUP_NAMES.filter((name) => tensors[name].length > 0).map((name) => ({
        name,
        tensors: tensors[name],
        learningRate: base[name],
        weightDecay: context.weightDecay,
      })),
      shape: {
        shape: this.settings.shape,
        warmup_steps: this.settings.warmupSteps,
        min_ratio: this.settings.minRatio,
        ...this.phases(context),
      },
    };
  }

  /** Phases before the main one whose base rates differ from the plan's (none by default). */
  protected phases(_context: LrScheduleContext): Record<string, number> {
    return {};
  }

  /** Each non-empty group's rate at `step` (0 ≤ step < totalSteps): base rate × shape factor. */
  ratesAt(step: number, context: LrScheduleContext): Record<string, number> {
    validateContext(context);
    validateStep(step, context);
    if (this.settings.warmupSteps > context.totalSteps) {
      throw new MllrError(
        'ARGUMENT_INVALID',
        `${this.name}: warmupSteps (${this.settings.warmupSteps}) is longer than the run (${context.totalSteps} steps)`,
      );
    }
    const tensors = partitionTensors(context);
    const base = this.baseRates(step, context);
    const factor = shapeFactor(step, context.totalSteps, this.settings);
    const rates: Record<string, number> = {};
    for (const name of GROUP_NAMES) {
      if (tensors[name].length === 0) continue;
      const rate = base[name] * factor;
      if (!Number.isFinite(rate) || rate < 0) {
        throw new MllrError(
          'ARGUMENT_INVALID',
          `${this.name}: the rate of group "${name}" at step ${step} is ${rate}; rates must be finite and ≥ 0`,
        );
      }
      rates[name] = rate;
    }
    return rates;
  }
}
