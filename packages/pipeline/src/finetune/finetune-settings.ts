import { MllrError, type RunConfig } from '@mllr/core';
import { z } from 'zod';

/** The numbers `mllr finetune` takes on its command line; absent ones come from the default run config. */
export interface FinetuneFlags {
  steps?: number;
  batchSize?: number;
  gradientAccumulation?: number;
  lr?: number;
  maxGradNorm?: number;
  weightDecay?: number;
  seed?: number;
  /** False for `--no-shuffle`. */
  shuffle?: boolean;
}

/** Everything one `mllr finetune` run trains with, defaults filled in and checked. */
export interface FinetuneSettings {
  steps: number;
  batchSize: number;
  gradientAccumulation: number;
  /** The rate of every tensor without a plan (a plan carries its own rates). */
  learningRate: number;
  maxGradNorm: number;
  /** Weight decay of every tensor without a plan. */
  weightDecay: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** Seed of the data order. */
  seed: number;
  shuffle: boolean;
  /** Text samples are cut to this many tokens (the model's context caps it); pre-tokenized ones are used as they are. */
  maxTokens?: number;
}

const rule = (ok: (n: number) => boolean, message: string) =>
  z.custom<number>((v) => typeof v === 'number' && ok(v), message);
const positiveInt = rule((n) => Number.isInteger(n) && n >= 1, 'must be a positive integer');
const positive = rule((n) => Number.isFinite(n) && n > 0, 'must be a number > 0');
const nonNegative = rule((n) => Number.isFinite(n) && n >= 0, 'must be a number ≥ 0');

// Keyed by flag, so each problem is reported against the flag the user typed.
const FlagsSchema = z.object({
  '--steps': positiveInt,
  '--batch-size': positiveInt,
  '--gradient-accumulation': positiveInt,
  '--lr': positive,
  '--max-grad-norm': nonNegative,
  '--weight-decay': nonNegative,
  '--seed': rule((n) => Number.isInteger(n) && n >= 0, 'must be a whole number ≥ 0'),
});

/**
 * The settings of a run: each flag given, else the default run config's `training` section (and its `seed`). Every
 * bad value is reported at once, as one ARGUMENT_INVALID naming each flag.
 */
export function finetuneSettings(
  flags: FinetuneFlags,
  defaults: Pick<RunConfig, 'training' | 'seed'>,
): FinetuneSettings {
  const { training } = defaults;
  const parsed = FlagsSchema.safeParse({
    '--steps': flags.steps ?? training.steps,
    '--batch-size': flags.batchSize ?? training.batch_size,
    '--gradient-accumulation': flags.gradientAccumulation ?? training.gradient_accumulation,
    '--lr': flags.lr ?? training.learning_rate,
    '--max-grad-norm': flags.maxGradNorm ?? training.max_grad_norm,
    '--weight-decay': flags.weightDecay ?? training.weight_decay,
    '--seed': flags.seed ?? defaults.seed,
  });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.map(String).join('.')} ${issue.message}`);
    throw new MllrError('ARGUMENT_INVALID', problems.join('; '));
  }
  const v = parsed.data;
  return {
    steps: v['--steps'],
    batchSize: v['--batch-size'],
    gradientAccumulation: v['--gradient-accumulation'],
    learningRate: v['--lr'],
    maxGradNorm: v['--max-grad-norm'],
    weightDecay: v['--weight-decay'],
    beta1: training.beta1,
    beta2: training.beta2,
    epsilon: training.epsilon,
    seed: v['--seed'],
    shuffle: flags.shuffle ?? true,
    ...(training.max_tokens !== undefined ? { maxTokens: training.max_tokens } : {}),
  };
}
