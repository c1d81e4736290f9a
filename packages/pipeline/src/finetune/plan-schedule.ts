import type { LrSchedule, LrScheduleContext, ParameterGroup } from '@mllr/core';
import { planRatesAt, type FinetunePlan } from './plan-file.js';

/**
 * The schedule of `mllr finetune`: fixed parameter groups (a plan's, or one group of every tensor for the uniform
 * schedule), each at its base rate scaled by the plan's shape. It ignores the context's modules and robust set: the
 * plan has already decided every tensor's rate.
 */
export class PlanSchedule implements LrSchedule {
  constructor(
    readonly name: string,
    private readonly source: Pick<FinetunePlan, 'groups' | 'shape'>,
  ) {}

  groups(_context: LrScheduleContext): ParameterGroup[] {
    return this.source.groups.map((g) => ({ ...g, tensors: [...g.tensors] }));
  }

  /** The groups at their base rates and the shape, as the run's record. */
  plan(context: LrScheduleContext): { groups: ParameterGroup[]; shape: Record<string, string | number> } {
    const { shape } = this.source;
    return {
      groups: this.groups(context),
      shape: { shape: shape.shape, warmup_steps: shape.warmupSteps, min_ratio: shape.minRatio },
    };
  }

  ratesAt(step: number, context: LrScheduleContext): Record<string, number> {
    return planRatesAt(this.source, step, context.totalSteps);
  }
}
