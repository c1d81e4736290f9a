import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModuleId } from '@mllr/core';
import { TfjsEngine } from '@mllr/backend-tfjs';
import { loadCheckpoint } from '@mllr/model';
import { CURVE_FILE, MlLrSchedule, SwatSchedule, checkpointFolderName, runFineTuning } from '@mllr/schedules';
import { describe, expect, it } from 'vitest';
import {
  SETTINGS,
  changedTensors,
  engineContext,
  sameBytes,
  tinyDataset,
  tinyEngine,
  weightsByName,
} from './support/tiny-model.js';

describe('IFT runner', () => {
  it('fine-tunes with a schedule, saves the model in HF layout with its curve, and reloads it exactly', async () => {
    const engine = await tinyEngine(3);
    const robust: ModuleId[] = ['L0.q', 'L1.down'];
    const before = await weightsByName(engine);
    const out = join(mkdtempSync(join(tmpdir(), 'mllr-ift-')), 'model');
    const steps: number[] = [];
    const curve = await runFineTuning({
      engine,
      schedule: new MlLrSchedule({ alpha: 0, nonModule: 'frozen' }),
      context: engineContext(engine, robust, 6),
      examples: tinyDataset(),
      batchSize: 4,
      settings: SETTINGS,
      seed: 5,
      onStep: (p) => steps.push(p.step),
      saveTo: out,
    });
    expect(steps).toEqual([0, 1, 2, 3, 4, 5]);
    expect(curve.at(-1)!.loss).toBeLessThan(curve[0]!.loss);
    expect(curve[0]!.rates).toMatchObject({ robust: expect.any(Number), rest: 0 });
    const after = await weightsByName(engine);
    expect(
      changedTensors(before, after).every((n) => /layers\.0\.self_attn\.q_proj|layers\.1\.mlp\.down_proj/.test(n)),
    ).toBe(true);

    const saved = JSON.parse(readFileSync(join(out, CURVE_FILE), 'utf8'));
    expect(saved.schedule).toBe('ml-lr');
    expect(saved.steps.map((p: { loss: number }) => p.loss)).toEqual(curve.map((p) => p.loss));
    const reloaded = await TfjsEngine.create(await loadCheckpoint(out));
    const again = await weightsByName(reloaded);
    for (const [name, data] of after) expect(sameBytes(again.get(name)!, data), name).toBe(true);
    await Promise.all([engine.dispose(), reloaded.dispose()]);
  });

  it('resumes from a checkpoint on the tfjs engine with bit-identical weights and loss curve', async () => {
    const robust: ModuleId[] = ['L0.q', 'L1.down'];
    // swat: the rest starts training only after the warm-up, so moments appear mid-run, after the checkpoint.
    const run = async (checkpointDir?: string, stopAt?: number) => {
      const engine = await tinyEngine(4);
      let calls = 0;
      try {
        const curve = await runFineTuning({
          engine,
          schedule: new SwatSchedule({ warmupFraction: 0.5 }),
          context: engineContext(engine, robust, 8),
          examples: tinyDataset(),
          batchSize: 4,
          settings: SETTINGS,
          seed: 9,
          ...(checkpointDir ? { checkpointDir, checkpointEvery: 3 } : {}),
          throwIfStopped: () => {
            if (calls++ === stopAt) throw new Error('killed');
          },
        });
        return { curve, weights: await weightsByName(engine), steps: calls };
      } finally {
        await engine.dispose();
      }
    };
    const expected = await run();
    const dir = join(mkdtempSync(join(tmpdir(), 'mllr-ift-')), 'checkpoint');
    await expect(run(dir, 5)).rejects.toThrow('killed');
    expect(readdirSync(dir)).toEqual([checkpointFolderName(3)]);
    const resumed = await run(dir);
    expect(resumed.steps).toBe(5);
    expect(resumed.curve).toEqual(expected.curve);
    for (const [name, data] of expected.weights) expect(sameBytes(resumed.weights.get(name)!, data), name).toBe(true);
    expect(existsSync(dir)).toBe(false);
  });
});
