import { join } from 'node:path';
import {
  MllrError,
  StoppedError,
  writeFileAtomic,
  type LrSchedule,
  type LrScheduleContext,
  type OptimizerSettings,
  type TrainExample,
  type TrainingEngine,
} from '@mllr/core';
import { batchOrder } from './batch-order.js';
import type { CurvePoint } from './curve-point.js';
import { fineTuningFingerprint } from './fingerprint.js';
import { findTrainingState, removeTrainingStates, saveTrainingState } from './training-state.js';

export type { CurvePoint } from './curve-point.js';
export { batchOrder } from './batch-order.js';

/** What one fine-tuning run needs. */
export interface FineTuningOptions {
  engine: TrainingEngine;
  schedule: LrSchedule;
  /** The schedule context (modules, robust set, tensors, learning rate, total steps). */
  context: LrScheduleContext;
  examples: readonly TrainExample[];
  batchSize: number;
  settings: OptimizerSettings;
  /** Seed of the data order: the same seed gives the same batches. */
  seed: number;
  /** False: batches in the examples' own order, epoch after epoch, instead of a seeded shuffle (default true). */
  shuffle?: boolean;
  onStep?: (point: CurvePoint) => void;
  /**
   * Throws to stop between steps (the run is resumable from its last checkpoint). A StoppedError (the user's stop)
   * first checkpoints the steps done since the last checkpoint, when `checkpointDir` is set, so a stop loses nothing.
   */
  throwIfStopped?: () => void;
  /** Start after this many steps (resume); the data order is replayed so the batches match an uninterrupted run. */
  startStep?: number;
  /** Where to save the fine-tuned model (Hugging Face layout) with its curve in `training_curve.json`. */
  saveTo?: string;
  /**
   * Folder for training checkpoints (weights, optimizer state, step, data order, curve so far). On start the newest
   * valid checkpoint of the same inputs is resumed; the folder's checkpoints are removed once the run has finished.
   */
  checkpointDir?: string;
  /** Steps between checkpoints; 0 or absent: none but the one on a stop (a checkpoint in `checkpointDir` is still resumed). */
  checkpointEvery?: number;
  /** Lines for the run's log: a resume, or a checkpoint that was skipped and why. */
  log?: (message: string) => void;
}

/** File name of the training curve saved next to a fine-tuned model. */
export const CURVE_FILE = 'training_curve.json';

/**
 * Fine-tunes through core's training engine with one schedule: configures the schedule's groups, then for each
 * step sets the rates and trains on the next batch of a seeded shuffle (reshuffled each epoch). Returns the curve,
 * and with `saveTo` saves the model and the curve. With `checkpointDir` it checkpoints every `checkpointEvery` steps
 * and when stopped, and resumes from the newest valid checkpoint, bit-identically to a run that never stopped.
 */
export async function runFineTuning(options: FineTuningOptions): Promise<CurvePoint[]> {
  const { engine, schedule, context, examples, batchSize, checkpointDir } = options;
  if (examples.length === 0) throw new MllrError('DATA_INVALID', 'fine-tuning needs at least one training example');
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new MllrError('ARGUMENT_INVALID', `batch size must be a positive integer, got ${batchSize}`);
  const every = options.checkpointEvery ?? 0;
  if (!Number.isInteger(every) || every < 0)
    throw new MllrError('ARGUMENT_INVALID', `checkpointEvery must be an integer ≥ 0, got ${every}`);
  const log = options.log ?? (() => undefined);
  const groups = schedule.groups(context);
  engine.configure(groups, options.settings);

  let fingerprint: string | undefined;
  let resumed: Awaited<ReturnType<typeof findTrainingState>>;
  if (checkpointDir !== undefined) {
    if (!engine.optimizerState || !engine.loadOptimizerState) {
      throw new MllrError(
        'ARGUMENT_INVALID',
        `the ${engine.name} training engine cannot save its optimizer state, so it cannot checkpoint; leave out checkpointDir`,
      );
    }
    if (context.tensors.length === 0)
      throw new MllrError('ARGUMENT_INVALID', "checkpoints need the model's tensor names in context.tensors");
    fingerprint = await fineTuningFingerprint({ ...options, groups });
    resumed = await findTrainingState(checkpointDir, fingerprint, log);
    if (resumed) {
      await engine.setWeights(resumed.weights);
      await engine.loadOptimizerState(resumed.optimizer);
      log(`resumed from the checkpoint after step ${resumed.step} of ${context.totalSteps}`);
    }
  }

  const start = resumed?.step ?? options.startStep ?? 0;
  const batches = batchOrder(examples, batchSize, options.seed, resumed?.dataOrder, options.shuffle ?? true);
  const curve: CurvePoint[] = resumed ? [...resumed.curve] : [];
  let saved = start;
  const save = async (done: number) => {
    await saveTrainingState(checkpointDir!, {
      fingerprint: fingerprint!,
      step: done,
      dataOrder: batches.stateAt(done),
      weights: await engine.getWeights(context.tensors),
      optimizer: await engine.optimizerState!(),
      curve,
    });
    saved = done;
  };
  for (let step = start; step < context.totalSteps; step++) {
    try {
      options.throwIfStopped?.();
    } catch (stop) {
      // The user's stop (not a crash): keep the steps since the last checkpoint, so the rerun goes on from here.
      if (stop instanceof StoppedError && checkpointDir !== undefined && step > saved) {
        await save(step);
        log(`stopped after ${step} of ${context.totalSteps} steps; checkpoint saved, a rerun goes on from there`);
      }
      throw stop;
    }
    const rates = schedule.ratesAt(step, context);
    engine.setLearningRates(rates);
    const result = await engine.trainStep(batches(step));
    const point = { step, loss: result.loss, tokens: result.tokens, gradNorm: result.gradNorm, rates };
    curve.push(point);
    options.onStep?.(point);
    const done = step + 1;
    if (checkpointDir !== undefined && every > 0 && done % every === 0 && done < context.totalSteps) await save(done);
  }
  if (options.saveTo) {
    await engine.save(options.saveTo);
    await writeFileAtomic(
      join(options.saveTo, CURVE_FILE),
      `${JSON.stringify({ schedule: schedule.name, steps: curve }, null, 2)}\n`,
    );
  }
  if (checkpointDir !== undefined) await removeTrainingStates(checkpointDir);
  return curve;
}
