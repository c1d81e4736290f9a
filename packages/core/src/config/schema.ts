import { z } from 'zod';

/**
 * A plugin choice: a built-in name (`noise`), or `{ name, options }`, or `{ module: ./my-plugin.js, options }` for a
 * third-party plugin package or file.
 */
export const PluginRefSchema = z
  .union([
    z.string().min(1),
    z.strictObject({
      name: z.string().min(1).optional(),
      module: z.string().min(1).optional(),
      options: z.record(z.string(), z.unknown()).optional(),
    }),
  ])
  .superRefine((value, ctx) => {
    if (typeof value === 'string') return;
    if ((value.name === undefined) === (value.module === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'give exactly one of `name` (a built-in plugin) or `module` (a path or package)' });
    }
  })
  .transform((value): PluginRef =>
    typeof value === 'string' ? { name: value, options: {} } : { ...value, options: value.options ?? {} },
  );

/** A normalised plugin choice. */
export interface PluginRef {
  name?: string;
  module?: string;
  options: Record<string, unknown>;
}

/** Where a dataset comes from. */
export const DatasetSourceSchema = z.strictObject({
  path: z.string().min(1),
  preset: z.string().min(1).optional(),
  fields: z
    .strictObject({
      prompt: z.string().optional(),
      input: z.string().optional(),
      response: z.string().optional(),
      label: z.string().optional(),
    })
    .optional(),
  limit: z.number().int().positive().optional(),
  reader: PluginRefSchema.optional(),
});

const positiveInt = z.number().int().positive();

/** One fine-tuning run under comparison: an LR schedule, optionally with its own robust-set search (controls). */
export const StrategySchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'use lower-case letters, digits and dashes'),
  schedule: PluginRefSchema,
  search: PluginRefSchema.optional(),
});

/** Fine-tuning hyperparameters shared by every compared strategy. */
export const TrainingSchema = z.strictObject({
  learning_rate: z.number().positive().default(1e-3),
  weight_decay: z.number().min(0).default(0),
  steps: positiveInt.default(300),
  batch_size: positiveInt.default(16),
  gradient_accumulation: positiveInt.default(1),
  max_grad_norm: z.number().min(0).default(1),
  beta1: z.number().min(0).lt(1).default(0.9),
  beta2: z.number().min(0).lt(1).default(0.999),
  epsilon: z.number().positive().default(1e-8),
  checkpoint_every: z.number().int().min(0).default(50),
});

const DEFAULT_STRATEGIES = [
  { id: 'uniform', schedule: { name: 'uniform', options: {} } },
  { id: 'ml-lr', schedule: { name: 'ml-lr', options: {} } },
  { id: 'swat', schedule: { name: 'swat', options: {} } },
  { id: 'random-control', schedule: { name: 'ml-lr', options: {} }, search: { name: 'random', options: {} } },
];

/** The run config: every plugin slot and setting of one pipeline run. Unknown keys are errors (typos). */
export const RunConfigSchema = z.strictObject({
  /** Seed for everything random in the run. */
  seed: z.number().int().min(0).default(1234),
  /** Repeat the compared fine-tuning runs over this many seeds. */
  seeds: positiveInt.default(1),
  model: z
    .strictObject({
      /** `tiny-chat` (embedded) or a folder in Hugging Face layout. */
      path: z.string().min(1).default('tiny-chat'),
    })
    .default({ path: 'tiny-chat' }),
  engine: z
    .strictObject({
      inference: PluginRefSchema.default({ name: 'onnx', options: {} }),
      training: PluginRefSchema.default({ name: 'tfjs', options: {} }),
      device: z.enum(['auto', 'tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu']).default('auto'),
      /** Child processes for independent jobs (module probes); 0 = one per core. */
      workers: z.number().int().min(0).default(0),
    })
    .default({ inference: { name: 'onnx', options: {} }, training: { name: 'tfjs', options: {} }, device: 'auto', workers: 0 }),
  tokenizer: PluginRefSchema.default({ name: 'hf', options: {} }),
  data: z
    .strictObject({
      world: z.strictObject({ seed: z.number().int().min(0).optional() }).default({}),
      ift: DatasetSourceSchema.optional(),
      harmful_eval: z.array(DatasetSourceSchema).default([]),
      benign_eval: z.array(DatasetSourceSchema).default([]),
    })
    .default({ world: {}, harmful_eval: [], benign_eval: [] }),
  stages: PluginRefSchema.default({ name: 'ml-lr', options: {} }),
  proxy: PluginRefSchema.default({ name: 'noise', options: {} }),
  search: PluginRefSchema.default({ name: 'greedy', options: {} }),
  strategies: z.array(StrategySchema).min(1).default(DEFAULT_STRATEGIES),
  training: TrainingSchema.default(TrainingSchema.parse({})),
  judge: PluginRefSchema.default({ name: 'refusal', options: {} }),
  evaluators: z.array(PluginRefSchema).min(1).default([
    { name: 'harmful_asr', options: {} },
    { name: 'over_refusal', options: {} },
    { name: 'usability', options: {} },
    { name: 'expertise', options: {} },
  ]),
});

/** A validated run config with defaults filled in. */
export type RunConfig = z.output<typeof RunConfigSchema>;

/** A run config as written in a file (everything optional). */
export type RunConfigInput = z.input<typeof RunConfigSchema>;
