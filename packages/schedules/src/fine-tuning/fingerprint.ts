import { createHash } from 'node:crypto';
import type {
  LrSchedule,
  LrScheduleContext,
  OptimizerSettings,
  ParameterGroup,
  TrainExample,
  TrainingEngine,
} from '@mllr/core';

/** What decides a fine-tuning run's result. */
export interface FingerprintInputs {
  engine: TrainingEngine;
  schedule: LrSchedule;
  context: LrScheduleContext;
  groups: readonly ParameterGroup[];
  examples: readonly TrainExample[];
  batchSize: number;
  settings: OptimizerSettings;
  seed: number;
  shuffle?: boolean;
}

/**
 * SHA-256 of everything a run's result depends on: the starting weights, the groups and every step's rates (which
 * capture the schedule's options), the examples, batch size, optimizer settings and seed. A checkpoint is resumed only
 * under the same fingerprint, so a changed model, data set or setting never continues from a stale one.
 */
export async function fineTuningFingerprint(inputs: FingerprintInputs): Promise<string> {
  const { context } = inputs;
  const hash = createHash('sha256');
  const rates = Array.from({ length: context.totalSteps }, (_, step) => inputs.schedule.ratesAt(step, context));
  hash.update(
    JSON.stringify({
      schedule: inputs.schedule.name,
      groups: inputs.groups,
      rates,
      totalSteps: context.totalSteps,
      batchSize: inputs.batchSize,
      settings: inputs.settings,
      seed: inputs.seed,
      // Only when off, so checkpoints written before the option existed keep their fingerprint.
      ...(inputs.shuffle === false ? { shuffle: false } : {}),
    }),
  );
  // Response spans only where an example has them, so single-span examples keep the fingerprints they had.
  for (const e of inputs.examples)
    hash.update(`${e.promptLength}:${e.ids.join(',')}${e.responseSpans ? `@${JSON.stringify(e.responseSpans)}` : ''};`);
  for (const t of await inputs.engine.getWeights(context.tensors)) {
    hash.update(`${t.name}[${t.shape.join('x')}]`);
    hash.update(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
  }
  return hash.digest('hex');
}
