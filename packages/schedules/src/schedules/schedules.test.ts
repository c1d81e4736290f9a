import type { LrScheduleContext, ModuleId } from '@mllr/core';
import { describe, expect, it } from 'vitest';
import { syntheticContext } from '../test-fixtures/contexts.js';
import { FreezeSchedule } from './freeze-schedule.js';
import { MlLrSchedule } from './ml-lr-schedule.js';
import { SwatSchedule } from './swat-schedule.js';
import { UniformSchedule } from './uniform-schedule.js';

const ROBUST: ModuleId[] = ['L0.q', 'L1.down'];
const ctx = (overrides: Partial<LrScheduleContext> = {}) =>
  syntheticContext(ROBUST, { learningRate: 0.01, totalSteps: 10, ...overrides });

function expectRates(actual: Record<string, number>, expected: Record<string, number>): void {
  expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
  for (const [name, rate] of Object.entries(expected)) expect(actual[name]).toBeCloseTo(rate, 12);
}

describe('uniform', () => {
  it('trains every group at the learning rate, with the context’s weight decay', () => {
    const schedule = new UniformSchedule();
    const groups = schedule.groups(ctx());
    expect(groups.map((g) => [g.name, g.learningRate, g.weightDecay, g.tensors.length])).toEqual([
      ['robust', 0.01, 0.1, 2],
      ['rest', 0.01, 0.1, 12],
      ['other', 0.01, 0.1, 7],
    ]);
    expectRates(schedule.ratesAt(9, ctx()), { robust: 0.01, rest: 0.01, other: 0.01 });
  });

  it('drops empty groups: no robust set, or no non-module tensors', () => {
    const noRobust = { ...ctx(), robust: [] };
    expect(new UniformSchedule().groups(noRobust).map((g) => g.name)).toEqual(['rest', 'other']);
    expect(Object.keys(new UniformSchedule().ratesAt(3, noRobust))).toEqual(['rest', 'other']);
    const modulesOnly = { ...ctx(), tensors: ctx().modules.flatMap((m) => ctx().tensorsOf(m)) };
    expect(new UniformSchedule().groups(modulesOnly).map((g) => g.name)).toEqual(['robust', 'rest']);
  });

  it('scales every group, shape and plan included, by lrScale; lrScale 1 is the plain schedule', () => {
    const scaled = new UniformSchedule({ lrScale: 0.25, shape: 'cosine', warmupSteps: 2 });
    const plain = new UniformSchedule({ shape: 'cosine', warmupSteps: 2 });
    for (const step of [0, 1, 4, 9]) {
      const rates = plain.ratesAt(step, ctx());
      expectRates(scaled.ratesAt(step, ctx()), {
        robust: rates.robust! * 0.25,
        rest: rates.rest! * 0.25,
        other: rates.other! * 0.25,
      });
    }
    expect(scaled.plan(ctx()).groups.map((g) => g.learningRate)).toEqual([0.0025, 0.0025, 0.0025]);
    expect(new UniformSchedule({ lrScale: 1 }).plan(ctx())).toEqual(new UniformSchedule().plan(ctx()));
    expect(() => new UniformSchedule({ lrScale: 0 })).toThrow(expect.objectContaining({ code: 'ARGUMENT_INVALID' }));
  });
});

describe('ml-lr', () => {
  it('trains the robust set at the learning rate and the rest at 0.1 × it by default; non-module tensors follow the robust set', () => {
    const schedule = new MlLrSchedule();
    expect(schedule.groups(ctx()).map((g) => [g.name, g.learningRate])).toEqual([
      ['robust', 0.01],
      ['rest', expect.closeTo(0.001, 12)],
      ['other', 0.01],
    ]);
  });

  it('takes alpha, or an explicit restLr, and an explicit robustLr (alpha scales the learning rate, not robustLr)', () => {
    const rest = { nonModule: 'rest' } as const;
    expectRates(new MlLrSchedule({ alpha: 0.25, ...rest }).ratesAt(0, ctx()), {
      robust: 0.01,
      rest: 0.0025,
      other: 0.0025,
    });
    expectRates(new MlLrSchedule({ restLr: 3e-4, ...rest }).ratesAt(0, ctx()), {
      robust: 0.01,
      rest: 3e-4,
      other: 3e-4,
    });
    expectRates(new MlLrSchedule({ robustLr: 0.02, alpha: 0.5 }).ratesAt(0, ctx()), {
      robust: 0.02,
      rest: 0.005,
      other: 0.02,
    });
    expectRates(new MlLrSchedule({ alpha: 0, ...rest }).ratesAt(4, ctx()), { robust: 0.01, rest: 0, other: 0 });
  });

  it('applies the non-module rule', () => {
    const at = (nonModule: 'rest' | 'robust' | 'frozen' | number) =>
      new MlLrSchedule({ nonModule }).ratesAt(0, ctx())['other'];
    expect(at('rest')).toBeCloseTo(0.001, 12);
    expect(at('robust')).toBe(0.01);
    expect(at('frozen')).toBe(0);
    expect(at(5e-4)).toBe(5e-4);
  });

  it('multiplies every group’s rate by the shape, an explicit non-module rate included', () => {
    const schedule = new MlLrSchedule({ shape: 'linear', warmupSteps: 2, nonModule: 0.004 });
    expectRates(schedule.ratesAt(0, ctx()), { robust: 0.005, rest: 0.0005, other: 0.002 });
    expectRates(schedule.ratesAt(2, ctx()), { robust: 0.01, rest: 0.001, other: 0.004 });
    expectRates(schedule.ratesAt(6, ctx()), { robust: 0.005, rest: 0.0005, other: 0.002 });
    const cosine = new MlLrSchedule({ shape: 'cosine', minRatio: 0.1 });
    expectRates(cosine.ratesAt(5, ctx()), { robust: 0.0055, rest: 0.00055, other: 0.0055 });
  });

  it('rejects alpha together with restLr, negative or infinite rates, and alpha above 1', () => {
    expect(() => new MlLrSchedule({ alpha: 0.1, restLr: 1e-4 })).toThrow(
      expect.objectContaining({
        code: 'ARGUMENT_INVALID',
        details: [expect.objectContaining({ where: 'options.restLr' })],
      }),
    );
    expect(() => new MlLrSchedule({ robustLr: -1 })).toThrow(expect.objectContaining({ code: 'ARGUMENT_INVALID' }));
    expect(() => new MlLrSchedule({ restLr: Infinity })).toThrow(expect.objectContaining({ code: 'ARGUMENT_INVALID' }));
    expect(() => new MlLrSchedule({ alpha: 2 })).toThrow(expect.objectContaining({ code: 'ARGUMENT_INVALID' }));
    expect(() => new MlLrSchedule({ nonModule: -0.1 })).toThrow(expect.objectContaining({ code: 'ARGUMENT_INVALID' }));
  });
});

describe('swat', () => {
  it('trains only the robust set during the warm-up (10% of the steps by default), then every module at the learning rate', () => {
    const schedule = new SwatSchedule();
    expect(schedule.robustWarmupSteps(10)).toBe(1);
    expect(schedule.groups(ctx()).map((g) => [g.name, g.learningRate])).toEqual([
      ['robust', 0.01],
      ['rest', 0],
      ['other', 0],
    ]);
    expectRates(schedule.ratesAt(1, ctx()), { robust: 0.01, rest: 0.01, other: 0.01 });
  });

  it('rounds the warm-up to whole steps, keeping at least one for a positive fraction', () => {
    const schedule = new SwatSchedule({ warmupFraction: 0.3 });
    expect(schedule.robustWarmupSteps(10)).toBe(3);
    expect(schedule.robustWarmupSteps(2)).toBe(1);
    expect(new SwatSchedule({ warmupFraction: 0.25 }).robustWarmupSteps(10)).toBe(3);
    expect(new SwatSchedule({ warmupFraction: 0 }).robustWarmupSteps(10)).toBe(0);
    expectRates(schedule.ratesAt(2, ctx()), { robust: 0.01, rest: 0, other: 0 });
    expectRates(schedule.ratesAt(3, ctx()), { robust: 0.01, rest: 0.01, other: 0.01 });
  });

  it('keeps non-module tensors at 0 during the warm-up whatever the rule, and follows the rule after it', () => {
    const schedule = new SwatSchedule({ warmupFraction: 0.5, nonModule: 'frozen' });
    expect(schedule.ratesAt(4, ctx())['other']).toBe(0);
    expect(schedule.ratesAt(5, ctx())['other']).toBe(0);
    const explicit = new SwatSchedule({ warmupFraction: 0.5, nonModule: 0.002 });
    expect(explicit.ratesAt(4, ctx())['other']).toBe(0);
    expect(explicit.ratesAt(5, ctx())['other']).toBe(0.002);
  });

  it('rejects a warm-up fraction outside [0, 1]', () => {
    expect(() => new SwatSchedule({ warmupFraction: 1.5 })).toThrow(
      expect.objectContaining({
        code: 'ARGUMENT_INVALID',
        details: [expect.objectContaining({ where: 'options.warmupFraction' })],
      }),
    );
  });
});

describe('freeze', () => {
  it('trains the robust set only; non-module tensors follow the robust set unless told otherwise', () => {
    expectRates(new FreezeSchedule().ratesAt(7, ctx()), { robust: 0.01, rest: 0, other: 0.01 });
    expectRates(new FreezeSchedule({ nonModule: 'rest' }).ratesAt(7, ctx()), { robust: 0.01, rest: 0, other: 0 });
    expectRates(new FreezeSchedule({ shape: 'linear', nonModule: 'frozen' }).ratesAt(5, ctx()), {
      robust: 0.005,
      rest: 0,
      other: 0,
    });
  });
});

describe('every schedule', () => {
  const all = () => [new UniformSchedule(), new MlLrSchedule(), new SwatSchedule(), new FreezeSchedule()];

  it('gives groups that partition all tensors exactly once, and rates for exactly those groups', () => {
    for (const schedule of all()) {
      const context = ctx();
      const groups = schedule.groups(context);
      const tensors = groups.flatMap((g) => g.tensors);
      expect(new Set(tensors).size).toBe(tensors.length);
      expect([...tensors].sort()).toEqual([...context.tensors].sort());
      for (let step = 0; step < context.totalSteps; step++) {
        const rates = schedule.ratesAt(step, context);
        expect(Object.keys(rates)).toEqual(groups.map((g) => g.name));
        for (const rate of Object.values(rates)) expect(Number.isFinite(rate) && rate >= 0).toBe(true);
      }
    }
  });

  it('rejects totalSteps ≤ 0, a step outside the run, a bad learning rate and a robust module the model lacks', () => {
    for (const schedule of all()) {
      expect(() => schedule.groups(ctx({ totalSteps: 0 }))).toThrow(
        expect.objectContaining({ code: 'ARGUMENT_INVALID', message: expect.stringContaining('totalSteps ≥ 1') }),
      );
      expect(() => schedule.ratesAt(0, ctx({ totalSteps: -3 }))).toThrow(/totalSteps ≥ 1/);
      expect(() => schedule.ratesAt(10, ctx())).toThrow('step 10 is outside the run: steps are 0-9');
      expect(() => schedule.ratesAt(-1, ctx())).toThrow(/outside the run/);
      expect(() => schedule.ratesAt(1.5, ctx())).toThrow(/outside the run/);
      expect(() => schedule.groups(ctx({ learningRate: Number.NaN }))).toThrow(/learning rate must be a finite number/);
      expect(() => schedule.groups(ctx({ weightDecay: -1 }))).toThrow(/weight decay must be a finite number/);
      expect(() => schedule.groups(ctx({ robust: ['L0.q', 'L9.gate'] }))).toThrow(
        expect.objectContaining({ code: 'ARGUMENT_INVALID', message: expect.stringContaining('L9.gate') }),
      );
    }
  });

  it('rejects shape options that cannot apply: warm-up longer than the run, minRatio on constant, unknown keys', () => {
    expect(() => new UniformSchedule({ shape: 'linear', warmupSteps: 11 }).groups(ctx())).toThrow(
      expect.objectContaining({
        code: 'ARGUMENT_INVALID',
        message: 'uniform: warmupSteps (11) is longer than the run (10 steps)',
      }),
    );
    expect(() => new FreezeSchedule({ minRatio: 0.1 })).toThrow(
      expect.objectContaining({
        details: [{ where: 'options.minRatio', message: 'minRatio applies to the linear and cosine shapes only' }],
      }),
    );
    expect(() => new SwatSchedule({ shape: 'cosine', minRatio: 1.5 })).toThrow(
      expect.objectContaining({ code: 'ARGUMENT_INVALID' }),
    );
    expect(() => new UniformSchedule({ shape: 'step' } as never)).toThrow(
      expect.objectContaining({ code: 'ARGUMENT_INVALID' }),
    );
    expect(() => new UniformSchedule({ lr: 1 } as never)).toThrow(
      expect.objectContaining({ code: 'ARGUMENT_INVALID' }),
    );
  });
});
