import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StoppedError, TEMP_PREFIX, type TrainExample } from '@mllr/core';
import { describe, expect, it } from 'vitest';
import { MlLrSchedule } from '../schedules/ml-lr-schedule.js';
import { FakeTrainingEngine } from '../test-fixtures/fake-training-engine.js';
import { syntheticContext } from '../test-fixtures/contexts.js';
import { runFineTuning, type FineTuningOptions } from './run-fine-tuning.js';
import { checkpointFolderName } from './training-state.js';

const context = syntheticContext(['L0.q', 'L1.down'], { totalSteps: 10 });
const examples: TrainExample[] = Array.from({ length: 7 }, (_, i) => ({
  ids: [1, i + 3, (i * 5) % 11, 2],
  promptLength: 2,
}));
const SETTINGS = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8, maxGradNorm: 0, gradientAccumulation: 1 };

function options(engine: FakeTrainingEngine, extra: Partial<FineTuningOptions> = {}): FineTuningOptions {
  return {
    engine,
    schedule: new MlLrSchedule(),
    context,
    examples,
    batchSize: 2,
    settings: SETTINGS,
    seed: 5,
    ...extra,
  };
}

class Killed extends Error {}

/** Runs until the step `stopAt` is about to start, as a kill between steps would. */
async function interrupted(dir: string, stopAt: number, every = 3): Promise<void> {
  let calls = 0;
  const run = runFineTuning(
    options(new FakeTrainingEngine(context.tensors), {
      checkpointDir: dir,
      checkpointEvery: every,
      throwIfStopped: () => {
        if (calls++ === stopAt) throw new Killed();
      },
    }),
  );
  await expect(run).rejects.toBeInstanceOf(Killed);
}

async function uninterrupted() {
  const engine = new FakeTrainingEngine(context.tensors);
  const curve = await runFineTuning(options(engine));
  return { curve, weights: engine.weights };
}

const newDir = () => join(mkdtempSync(join(tmpdir(), 'mllr-ckpt-')), 'checkpoint');

describe('runFineTuning checkpoints', () => {
  it('resumes from the newest checkpoint with the weights, optimizer state, data order and curve of an uninterrupted run', async () => {
    const expected = await uninterrupted();
    const dir = newDir();
    await interrupted(dir, 8);
    // Only the newest checkpoint is kept.
    expect(readdirSync(dir)).toEqual([checkpointFolderName(6)]);
    const resumedEngine = new FakeTrainingEngine(context.tensors);
    const resumedSteps: number[] = [];
    const resumedLogs: string[] = [];
    const resumed = await runFineTuning(
      options(resumedEngine, {
        checkpointDir: dir,
        checkpointEvery: 3,
        log: (m) => resumedLogs.push(m),
        onStep: (p) => resumedSteps.push(p.step),
      }),
    );
    expect(resumedLogs).toEqual(['resumed from the checkpoint after step 6 of 10']);
    expect(resumedEngine.stepsTaken).toBe(4);
    expect(resumedSteps).toEqual([6, 7, 8, 9]);
    expect(resumed).toEqual(expected.curve);
    for (const [name, data] of expected.weights)
      expect(Buffer.from(resumedEngine.weights.get(name)!.buffer).equals(Buffer.from(data.buffer)), name).toBe(true);
    // A finished run leaves no checkpoints behind.
    expect(existsSync(dir)).toBe(false);
  });

  it('never trusts a corrupt, partial or foreign checkpoint: it logs why and falls back to an older one or to step 0', async () => {
    const expected = await uninterrupted();
    const dir = newDir();
    await interrupted(dir, 7, 2); // keeps step 6
    const newest = join(dir, checkpointFolderName(6));
    // A killed save: a temp folder with a partial file.
    mkdirSync(join(dir, `${TEMP_PREFIX}step-00000008.1.abcd`));
    writeFileSync(join(dir, `${TEMP_PREFIX}step-00000008.1.abcd`, 'tensors.bin'), 'partial');
    // A flipped byte in the newest checkpoint's tensors.
    const bin = readFileSync(join(newest, 'tensors.bin'));
    bin[10] = bin[10]! ^ 0xff;
    writeFileSync(join(newest, 'tensors.bin'), bin);
    // An older one that lost its state.json (as a copy by hand might).
    mkdirSync(join(dir, checkpointFolderName(4)));
    writeFileSync(join(dir, checkpointFolderName(4), 'tensors.bin'), 'x');
    const logs: string[] = [];
    const engine = new FakeTrainingEngine(context.tensors);
    const curve = await runFineTuning(
      options(engine, { checkpointDir: dir, checkpointEvery: 2, log: (m) => logs.push(m) }),
    );
    expect(logs).toEqual([
      `ignoring checkpoint ${newest}: tensors.bin does not match its checksum`,
      expect.stringMatching(
        new RegExp(
          `^ignoring checkpoint ${join(dir, checkpointFolderName(4))}: state.json is missing or not valid JSON`,
        ),
      ),
    ]);
    expect(engine.stepsTaken).toBe(10);
    expect(curve).toEqual(expected.curve);
    expect(existsSync(dir)).toBe(false);
  });

  it('ignores a checkpoint of other inputs (here another learning rate), and checkpoints nothing when checkpointEvery is 0', async () => {
    const dir = newDir();
    await interrupted(dir, 5);
    const logs: string[] = [];
    const engine = new FakeTrainingEngine(context.tensors);
    await runFineTuning(
      options(engine, { context: { ...context, learningRate: 0.02 }, checkpointDir: dir, log: (m) => logs.push(m) }),
    );
    expect(logs).toEqual([
      `ignoring checkpoint ${join(dir, checkpointFolderName(3))}: it was taken with other inputs (model, data, schedule or settings)`,
    ]);
    expect(engine.stepsTaken).toBe(10);

    const off = newDir();
    let calls = 0;
    const run = runFineTuning(
      options(new FakeTrainingEngine(context.tensors), {
        checkpointDir: off,
        checkpointEvery: 0,
        throwIfStopped: () => {
          if (calls++ === 8) throw new Killed();
        },
      }),
    );
    await expect(run).rejects.toBeInstanceOf(Killed);
    expect(existsSync(off)).toBe(false);
    rmSync(dir, { recursive: true, force: true });
  });

  it('checkpoints on a stop before any periodic checkpoint (and with checkpointEvery 0); the resumed run equals an uninterrupted one', async () => {
    const expected = await uninterrupted();
    for (const every of [3, 0]) {
      const dir = newDir();
      let calls = 0;
      const logs: string[] = [];
      const stopped = runFineTuning(
        options(new FakeTrainingEngine(context.tensors), {
          checkpointDir: dir,
          checkpointEvery: every,
          log: (m) => logs.push(m),
          throwIfStopped: () => {
            if (calls++ === 2) throw new StoppedError();
          },
        }),
      );
      await expect(stopped).rejects.toBeInstanceOf(StoppedError);
      expect(readdirSync(dir)).toEqual([checkpointFolderName(2)]);
      expect(logs).toEqual(['stopped after 2 of 10 steps; checkpoint saved, a rerun goes on from there']);
      const engine = new FakeTrainingEngine(context.tensors);
      const resumed = await runFineTuning(options(engine, { checkpointDir: dir, checkpointEvery: every }));
      expect(engine.stepsTaken).toBe(8);
      expect(resumed).toEqual(expected.curve);
      for (const [name, data] of expected.weights)
        expect(Buffer.from(engine.weights.get(name)!.buffer).equals(Buffer.from(data.buffer)), name).toBe(true);
    }
  });

  it('refuses an engine that cannot save its optimizer state', async () => {
    const engine = new FakeTrainingEngine(context.tensors);
    Object.assign(engine, { optimizerState: undefined });
    await expect(runFineTuning(options(engine, { checkpointDir: newDir() }))).rejects.toThrow(
      /cannot checkpoint; leave out checkpointDir/,
    );
  });
});
