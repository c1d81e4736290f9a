import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModuleId } from '@mllr/core';
import { TfjsEngine } from '@mllr/backend-tfjs';
import { loadCheckpoint } from '@mllr/model';
import { CURVE_FILE, MlLrSchedule, runFineTuning } from '@mllr/schedules';
import { describe, expect, it } from 'vitest';
import { SETTINGS, changedTensors, engineContext, sameBytes, tinyDataset, tinyEngine, weightsByName } from './support/tiny-model.js';

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
    expect(changedTensors(before, after).every((n) => /layers\.0\.self_attn\.q_proj|layers\.1\.mlp\.down_proj/.test(n))).toBe(true);

    const saved = JSON.parse(readFileSync(join(out, CURVE_FILE), 'utf8'));
    expect(saved.schedule).toBe('ml-lr');
    expect(saved.steps.map((p: { loss: number }) => p.loss)).toEqual(curve.map((p) => p.loss));
    const reloaded = await TfjsEngine.create(await loadCheckpoint(out));
    const again = await weightsByName(reloaded);
    for (const [name, data] of after) expect(sameBytes(again.get(name)!, data), name).toBe(true);
    await Promise.all([engine.dispose(), reloaded.dispose()]);
  });
});
