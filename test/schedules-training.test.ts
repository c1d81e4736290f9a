import { moduleTensorNames, type ModuleId } from '@mllr/core';
import { afterEach, describe, expect, it } from 'vitest';
import {
  SETTINGS,
  changedTensors,
  engineContext,
  tinyEngine,
  trainSteps,
  weightsByName,
  type TinyEngine,
} from './support/tiny-model.js';
import { FreezeSchedule, MlLrSchedule, SwatSchedule, UniformSchedule } from '@mllr/schedules';

// Real training on a tiny random model: the schedule's groups and rates drive the tfjs engine as the ift stage does.
const ROBUST: ModuleId[] = ['L0.q', 'L0.gate', 'L1.v', 'L1.down'];
const ROBUST_TENSORS = ROBUST.flatMap((m) => moduleTensorNames(m)).sort();

const engines: TinyEngine[] = [];
async function engine(): Promise<TinyEngine> {
  const e = await tinyEngine();
  engines.push(e);
  return e;
}
afterEach(async () => {
  for (const e of engines.splice(0)) await e.dispose();
});

describe('schedules driving the tfjs engine', () => {
  it('ml-lr with alpha = 0 and nonModule rest changes the robust tensors and leaves every other tensor bit-identical', async () => {
    const e = await engine();
    const context = engineContext(e, ROBUST, 4);
    const schedule = new MlLrSchedule({ alpha: 0, nonModule: 'rest' });
    e.configure(schedule.groups(context), SETTINGS);
    const before = await weightsByName(e);
    await trainSteps(e, schedule, context, 0, 4);
    expect(changedTensors(before, await weightsByName(e)).sort()).toEqual(ROBUST_TENSORS);
  });

  it('ml-lr with the default alpha changes every tensor', async () => {
    const e = await engine();
    const context = engineContext(e, ROBUST, 2);
    const schedule = new MlLrSchedule();
    e.configure(schedule.groups(context), SETTINGS);
    const before = await weightsByName(e);
    await trainSteps(e, schedule, context, 0, 2);
    expect(changedTensors(before, await weightsByName(e)).sort()).toEqual(e.tensorNames().sort());
  });

  it('swat changes only the robust tensors during the warm-up, and every tensor after it', async () => {
    const e = await engine();
    const context = engineContext(e, ROBUST, 6);
    const schedule = new SwatSchedule({ warmupFraction: 0.5 });
    expect(schedule.robustWarmupSteps(6)).toBe(3);
    e.configure(schedule.groups(context), SETTINGS);
    const start = await weightsByName(e);
    await trainSteps(e, schedule, context, 0, 3);
    const warmedUp = await weightsByName(e);
    expect(changedTensors(start, warmedUp).sort()).toEqual(ROBUST_TENSORS);
    await trainSteps(e, schedule, context, 3, 6);
    expect(changedTensors(warmedUp, await weightsByName(e)).sort()).toEqual(e.tensorNames().sort());
  });

  it('freeze with nonModule frozen leaves every non-robust tensor bit-identical; by default the non-module tensors train too', async () => {
    const e = await engine();
    const context = engineContext(e, ROBUST, 3);
    const schedule = new FreezeSchedule({ nonModule: 'frozen' });
    e.configure(schedule.groups(context), SETTINGS);
    const before = await weightsByName(e);
    await trainSteps(e, schedule, context, 0, 3);
    expect(changedTensors(before, await weightsByName(e)).sort()).toEqual(ROBUST_TENSORS);

    const other = await engine();
    const nonModule = new FreezeSchedule();
    other.configure(nonModule.groups(context), SETTINGS);
    const start = await weightsByName(other);
    await trainSteps(other, nonModule, context, 0, 3);
    const nonModuleTensors = nonModule.groups(context).find((g) => g.name === 'other')!.tensors;
    expect(changedTensors(start, await weightsByName(other)).sort()).toEqual(
      [...ROBUST_TENSORS, ...nonModuleTensors].sort(),
    );
  });

  it('uniform changes every tensor', async () => {
    const e = await engine();
    const context = engineContext(e, ROBUST, 2);
    const schedule = new UniformSchedule();
    e.configure(schedule.groups(context), SETTINGS);
    const before = await weightsByName(e);
    await trainSteps(e, schedule, context, 0, 2);
    expect(changedTensors(before, await weightsByName(e)).sort()).toEqual(e.tensorNames().sort());
  });
});
