import type { LrSchedule, LrScheduleContext, ModuleId } from '@mllr/core';
import { describe, expect, it } from 'vitest';
import { shapeFactor } from '../shape/lr-shape.js';
import { syntheticContext } from '../test-fixtures/contexts.js';
import { FreezeSchedule } from './freeze-schedule.js';
import { MlLrSchedule } from './ml-lr-schedule.js';
import { SwatSchedule } from './swat-schedule.js';
import { UniformSchedule } from './uniform-schedule.js';

const ROBUST: ModuleId[] = ['L0.q', 'L1.down'];
const NON_MODULE_RULES = ['robust', 'rest', 'frozen', 0.003] as const;
const SHAPES = [{}, { shape: 'cosine', warmupSteps: 3, minRatio: 0.1 }, { shape: 'linear' }] as const;

/** Every schedule of the package under every non-module rule, shape, and for ml-lr every way of setting its rates. */
function schedules(): Array<{ label: string; schedule: LrSchedule }> {
  const all: Array<{ label: string; schedule: LrSchedule }> = [];
  for (const nonModule of NON_MODULE_RULES) {
    for (const shape of SHAPES) {
      const common = { nonModule, ...shape };
      const tag = `nonModule ${nonModule}, shape ${JSON.stringify(shape)}`;
      all.push({ label: `uniform, ${tag}`, schedule: new UniformSchedule(common) });
      all.push({ label: `freeze, ${tag}`, schedule: new FreezeSchedule(common) });
      all.push({ label: `swat, ${tag}`, schedule: new SwatSchedule({ ...common, warmupFraction: 0.2 }) });
      for (const rates of [{}, { alpha: 0.05 }, { restLr: 0.0007 }, { robustLr: 0.02, alpha: 0.3 }, { restLr: 0 }]) {
        all.push({
          label: `ml-lr ${JSON.stringify(rates)}, ${tag}`,
          schedule: new MlLrSchedule({ ...common, ...rates }),
        });
      }
    }
  }
  return all;
}

describe('plan(): the record of what a run trains with', () => {
  const context: LrScheduleContext = syntheticContext(ROBUST, { learningRate: 0.01, totalSteps: 10 });

  it.each(schedules())(
    '$label: base rate × shape factor is the rate given at every main-phase step',
    ({ schedule }) => {
      const plan = schedule.plan(context);
      // The plan covers exactly the configured groups, with the same tensors and weight decay.
      const configured = schedule.groups(context);
      expect(plan.groups.map((g) => [g.name, g.tensors, g.weightDecay])).toEqual(
        configured.map((g) => [g.name, g.tensors, g.weightDecay]),
      );
      const shape = {
        shape: plan.shape.shape as 'constant' | 'linear' | 'cosine',
        warmupSteps: plan.shape.warmup_steps as number,
        minRatio: plan.shape.min_ratio as number,
      };
      const firstMainStep = (plan.shape.robust_only_steps as number | undefined) ?? 0;
      for (let step = firstMainStep; step < context.totalSteps; step++) {
        const given = schedule.ratesAt(step, context);
        const factor = shapeFactor(step, context.totalSteps, shape);
        for (const group of plan.groups) expect(given[group.name]).toBeCloseTo(group.learningRate * factor, 15);
      }
    },
  );

  it('records frozen groups at rate 0 rather than leaving them out', () => {
    const plan = new MlLrSchedule({ nonModule: 'frozen' }).plan(context);
    expect(plan.groups.find((g) => g.name === 'other')?.learningRate).toBe(0);
    const swat = new SwatSchedule({ warmupFraction: 0.3 }).plan(context);
    expect(swat.shape.robust_only_steps).toBe(3);
    expect(swat.groups.map((g) => g.learningRate)).toEqual([0.01, 0.01, 0.01]);
  });
});
