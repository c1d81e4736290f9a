import { LrSchedule, PLUGIN_SLOTS, rootContainer, type PluginInfo, type PluginSlot } from '@mllr/core';
import { describe, expect, it } from 'vitest';
import { optionsSchema, register } from './plugin.js';
import { FreezeSchedule } from './schedules/freeze-schedule.js';
import { MlLrSchedule } from './schedules/ml-lr-schedule.js';
import { SwatSchedule } from './schedules/swat-schedule.js';
import { UniformSchedule } from './schedules/uniform-schedule.js';
import { syntheticContext } from './test-fixtures/contexts.js';

function registered(name: string, options: Record<string, unknown> = {}, slot: PluginSlot = 'schedule'): LrSchedule {
  const container = rootContainer.createChildContainer();
  const info: PluginInfo = { slot, name, token: PLUGIN_SLOTS[slot], configDir: '/configs' };
  register(container, options, info);
  return container.resolve<LrSchedule>(info.token);
}

describe('plugin module', () => {
  it('binds each schedule name to a ready-made schedule under the slot token', () => {
    expect(PLUGIN_SLOTS.schedule).toBe(LrSchedule);
    expect(registered('uniform')).toBeInstanceOf(UniformSchedule);
    expect(registered('ml-lr')).toBeInstanceOf(MlLrSchedule);
    expect(registered('swat')).toBeInstanceOf(SwatSchedule);
    expect(registered('freeze')).toBeInstanceOf(FreezeSchedule);
    for (const name of ['uniform', 'ml-lr', 'swat', 'freeze']) expect(registered(name).name).toBe(name);
  });

  it('passes the options on', () => {
    const schedule = registered('ml-lr', { alpha: 0.5, nonModule: 'frozen' });
    expect(schedule.ratesAt(0, syntheticContext(['L0.q'], { learningRate: 0.02 }))).toEqual({
      robust: 0.02,
      rest: 0.01,
      other: 0,
    });
  });

  it('fills defaults from the schemas', () => {
    expect(optionsSchema('ml-lr')!.parse({})).toEqual({ nonModule: 'robust', shape: 'constant', warmupSteps: 0 });
    expect(optionsSchema('swat', 'schedule')!.parse({})).toEqual({
      nonModule: 'robust',
      shape: 'constant',
      warmupSteps: 0,
      warmupFraction: 0.1,
    });
  });

  it('reports bad options with their paths, and unknown names', () => {
    const bad = optionsSchema('ml-lr')!.safeParse({ alpha: 0.1, restLr: 1e-4, shape: 'cosine', minRatio: 2, beta: 1 });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((i) => i.path.join('.') || i.code)).toEqual(
      expect.arrayContaining(['minRatio', 'unrecognized_keys']),
    );
    expect(optionsSchema('uniform')!.safeParse({ nonModule: 'embeddings' }).success).toBe(false);
    expect(optionsSchema('freeze', 'search')).toBeUndefined();
    expect(optionsSchema('toString')).toBeUndefined();
    expect(() => registered('ml-lr', { alpha: 0.1, restLr: 1e-4 })).toThrow(
      expect.objectContaining({
        code: 'ARGUMENT_INVALID',
        details: [expect.objectContaining({ where: 'options.restLr' })],
      }),
    );
    expect(() => registered('warp')).toThrow(
      expect.objectContaining({
        code: 'PLUGIN_UNKNOWN',
        message: '@mllr/schedules has no schedule plugin "warp"; it provides uniform, ml-lr, swat, freeze',
      }),
    );
    expect(() => registered('uniform', {}, 'search')).toThrow(expect.objectContaining({ code: 'PLUGIN_UNKNOWN' }));
  });
});
