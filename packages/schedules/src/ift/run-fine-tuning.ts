import { join } from 'node:path';
import {
  MllrError,
  createRng,
  writeFileAtomic,
  shuffled,
  type LrSchedule,
  type LrScheduleContext,
  type OptimizerSettings,
  type TrainExample,
  type TrainingEngine,
} from '@mllr/core';

/** One point of a training curve. */
export interface CurvePoint {
  step: number;
  loss: number;
  tokens: number;
  gradNorm: number;
  /** Each group's learning rate at this step. */
  rates: Record<string, number>;
}

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
  onStep?: (point: CurvePoint) => void;
  /** Throws to stop between steps (the run is resumable from its last checkpoint). */
  checkpoint?: () => void;
  /** Start after this many steps (resume); the data order is replayed so the batches match an uninterrupted run. */
  startStep?: number;
  /** Where to save the fine-tuned model (Hugging Face layout) with its curve in `training_curve.json`. */
  saveTo?: string;
}

/** File name of the training curve saved next to a fine-tuned model. */
export const CURVE_FILE = 'training_curve.json';

/**
 * Fine-tunes through core's training engine with one schedule: configures the schedule's groups, then for each
 * step sets the rates and trains on the next batch of a seeded shuffle (reshuffled each epoch). Returns the curve,
 * and with `saveTo` saves the model and the curve.
 */
export async function runFineTuning(options: FineTuningOptions): Promise<CurvePoint[]> {
  const { engine, schedule, context, examples, batchSize } = options;
  if (examples.length === 0) throw new MllrError('DATA_INVALID', 'fine-tuning needs at least one training example');
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new MllrError('ARGUMENT_INVALID', `batch size must be a positive integer, got ${batchSize}`);
  engine.configure(schedule.groups(context), options.settings);
  const batches = batchOrder(examples, batchSize, options.seed);
  const curve: CurvePoint[] = [];
  for (let step = options.startStep ?? 0; step < context.totalSteps; step++) {
    options.checkpoint?.();
    const rates = schedule.ratesAt(step, context);
    engine.setLearningRates(rates);
    const result = await engine.trainStep(batches(step));
    const point = { step, loss: result.loss, tokens: result.tokens, gradNorm: result.gradNorm, rates };
    curve.push(point);
    options.onStep?.(point);
  }
  if (options.saveTo) {
    await engine.save(options.saveTo);
    await writeFileAtomic(join(options.saveTo, CURVE_FILE), `${JSON.stringify({ schedule: schedule.name, steps: curve }, null, 2)}\n`);
  }
  return curve;
}

/** The batch of every step: epochs of seeded shuffles cut into full batches (each epoch leaves out its own remainder). */
export function batchOrder(examples: readonly TrainExample[], batchSize: number, seed: number): (step: number) => TrainExample[] {
  const rng = createRng(seed);
  const perEpoch = Math.max(1, Math.floor(examples.length / batchSize));
  const epochs: TrainExample[][] = [];
  return (step) => {
    const epoch = Math.floor(step / perEpoch);
    while (epochs.length <= epoch) epochs.push(shuffled(examples, rng));
    const order = epochs[epoch]!;
    const at = (step % perEpoch) * batchSize;
    return order.slice(at, Math.min(order.length, at + batchSize));
  };
}
