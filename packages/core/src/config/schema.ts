import { z } from 'zod';

/** The default `probe.min_accuracy`: a probe this weak cannot tell harmful prompts from benign ones reliably. */
export const DEFAULT_PROBE_MIN_ACCURACY = 0.7;

/** The default `probe.min_gain_over_length`: the probe must read more than prompt length by this much accuracy. */
export const DEFAULT_PROBE_MIN_GAIN_OVER_LENGTH = 0.05;

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
      ctx.addIssue({
        code: 'custom',
        message: 'give exactly one of `name` (a built-in plugin) or `module` (a path or package)',
      });
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
      messages: z.string().optional(),
    })
    .optional(),
  limit: z.number().int().positive().optional(),
  reader: PluginRefSchema.optional(),
});

const positiveInt = z.number().int().positive();

/** A list of dataset files, empty by default. */
const DatasetListSchema = z.array(DatasetSourceSchema).default([]);

/**
 * The shape of a model the `pretrain` stage trains from scratch: a llama-family decoder with tied embeddings, the
 * tiny-chat reference shape by default. The vocabulary size comes from the tokenizer the stage trains.
 */
export const PretrainArchitectureSchema = z
  .strictObject({
    hidden_size: positiveInt.default(128),
    layers: positiveInt.default(4),
    heads: positiveInt.default(4),
    /** Key/value heads (grouped-query attention); default: `heads`. */
    kv_heads: positiveInt.optional(),
    intermediate_size: positiveInt.default(352),
    /** Context length in tokens (max_position_embeddings). */
    context: positiveInt.default(128),
    rope_theta: z.number().positive().default(10000),
  })
  .superRefine((a, ctx) => {
    if (a.hidden_size % a.heads !== 0 || (a.hidden_size / a.heads) % 2 !== 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['heads'],
        message: `hidden_size ${a.hidden_size} must split into ${a.heads} heads of an even size (rotary embeddings)`,
      });
    }
    if (a.kv_heads !== undefined && a.heads % a.kv_heads !== 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['kv_heads'],
        message: `heads (${a.heads}) must be a multiple of kv_heads (${a.kv_heads})`,
      });
    }
  });

/** The byte-level BPE tokenizer the `pretrain` stage trains on its data. */
export const PretrainTokenizerSchema = z.strictObject({
  /** Whole vocabulary: 6 special tokens + 256 bytes + merges. */
  vocab_size: z.number().int().min(262).max(65536).default(4096),
  /** A pair of symbols is merged only when it occurs this often. */
  min_frequency: positiveInt.default(2),
});

/** A pretraining dataset: a dataset source and how many times each of its samples appears per epoch. */
export const PretrainSourceSchema = DatasetSourceSchema.extend({
  /** Oversampling: each sample appears this many times per epoch (the mixture weight of the file). */
  repeat: positiveInt.default(1),
});

/**
 * `model.pretrain`: train the base model from scratch in this run (stage `pretrain`, before `base`). Its training
 * data are the non-held-out records of `data` (see `data.holdout`); every token after the first is in the loss.
 */
export const PretrainSchema = z
  .strictObject({
    data: z.array(PretrainSourceSchema).min(1, 'name at least one dataset to pretrain on'),
    tokenizer: PretrainTokenizerSchema.prefault({}),
    architecture: PretrainArchitectureSchema.prefault({}),
    steps: positiveInt.default(500),
    batch_size: positiveInt.default(8),
    /** Each training sequence (chat-rendered prompt + response) is cut to this many tokens. */
    max_tokens: positiveInt.default(64),
    /**
     * Which tokens are in the loss: `response` (the reply only: with little data the model learns what to answer to
     * what, refusals included, much sooner) or `all` (every token after `<s>`, prompts too, as in plain language-model
     * pre-training).
     */
    loss: z.enum(['response', 'all']).default('response'),
    /** Peak learning rate, reached after `warmup_steps` and decayed along a cosine to `min_lr_ratio` × it. */
    learning_rate: z.number().positive().default(3e-3),
    warmup_steps: z.number().int().min(0).default(20),
    min_lr_ratio: z.number().min(0).max(1).default(0.1),
    weight_decay: z.number().min(0).default(0),
    max_grad_norm: z.number().min(0).default(1),
    /** Seed of the initial weights and the data order; default: the run seed. */
    seed: z.number().int().min(0).optional(),
  })
  .superRefine((p, ctx) => {
    if (p.max_tokens > p.architecture.context) {
      ctx.addIssue({
        code: 'custom',
        path: ['max_tokens'],
        message: `max_tokens (${p.max_tokens}) cannot exceed the context (architecture.context ${p.architecture.context})`,
      });
    }
    if (p.max_tokens < 8)
      ctx.addIssue({ code: 'custom', path: ['max_tokens'], message: 'max_tokens must be at least 8' });
    if (p.warmup_steps > p.steps) {
      ctx.addIssue({
        code: 'custom',
        path: ['warmup_steps'],
        message: `warmup_steps (${p.warmup_steps}) cannot exceed steps (${p.steps})`,
      });
    }
  });

/** Where a run with `model.adapter` writes its base model (`path` with the adapter merged in), relative to the run folder. */
export const ADAPTED_MODEL_PATH = 'base/adapted-model';

/** What `model.path` holds when the model comes from `model.pretrain`: its folder, relative to the run folder. */
export const PRETRAINED_MODEL_PATH = 'pretrain/model';

/** The base model: an existing one (`path`) or one trained from scratch in the run (`pretrain`). */
export const ModelSchema = z
  .strictObject({
    /**
     * `tiny-chat` (embedded), a folder in Hugging Face layout, or a Hub id `org/name[@revision]` read from the local
     * Hugging Face cache (an existing folder of that name wins); default `tiny-chat`.
     */
    path: z.string().min(1).optional(),
    /** Download a Hub id that the cache lacks (config, tokenizer, template and safetensors files); default false. */
    download: z.boolean().optional(),
    /**
     * A PEFT LoRA adapter folder (relative to the config file) merged into `path`: the run's base model is then the
     * adapted model (written to ADAPTED_MODEL_PATH in the run folder), analysed, fine-tuned and evaluated as such.
     */
    adapter: z.string().min(1).optional(),
    pretrain: PretrainSchema.optional(),
  })
  .superRefine((m, ctx) => {
    if (m.path !== undefined && m.pretrain !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['path'],
        message: 'give either path (an existing model) or pretrain (train one in this run), not both',
      });
    }
    if (m.adapter !== undefined && m.pretrain !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['adapter'],
        message: 'an adapter applies to an existing model (path), not to one pretrained in this run',
      });
    }
  })
  .transform(
    ({
      path,
      download,
      adapter,
      pretrain,
    }): { path: string; download?: boolean; adapter?: string; pretrain?: z.output<typeof PretrainSchema> } =>
      pretrain === undefined
        ? {
            path: path ?? 'tiny-chat',
            ...(download !== undefined ? { download } : {}),
            ...(adapter !== undefined ? { adapter } : {}),
          }
        : { path: PRETRAINED_MODEL_PATH, pretrain },
  );

/**
 * `data`: where every prompt and example of the run comes from. A set with no files named falls back to the
 * embedded world's set, so the default run reads no files at all.
 */
export const DataSchema = z.strictObject({
  /**
   * Folder that relative dataset paths are read from (relative to the config file); default: $MLLR_DATA_DIR, else
   * `../shared/data` beside the repository.
   */
  dir: z.string().min(1).optional(),
  world: z.strictObject({ seed: z.number().int().min(0).optional() }).default({}),
  /**
   * Held-out prompts: a prompt is held out when a seeded hash of its normalised text falls below `fraction`. Uses
   * that train (pretrain data, `ift`, `probe`) skip held-out prompts; evaluation sets skip every prompt those uses
   * read, so no evaluated prompt was ever trained on in this run.
   */
  holdout: z
    .strictObject({
      fraction: z.number().gt(0).lt(1).default(0.2),
      /** Default: the run seed. */
      seed: z.number().int().min(0).optional(),
      /**
       * Which prompts of an evaluation file are evaluated. `not-trained` (default): every prompt this run's training
       * files do not contribute. `held-out`: only the held-out part of each evaluation file, for a base model that
       * was itself trained on the training part of the same split (as small-chat is), which the run cannot see.
       */
      evaluate: z.enum(['not-trained', 'held-out']).default('not-trained'),
    })
    .prefault({}),
  ift: DatasetSourceSchema.optional(),
  /** Prompts of the security feature probe: both lists, or neither (the world's probe prompts). */
  probe: z
    .strictObject({
      harmful: DatasetListSchema,
      benign: DatasetListSchema,
      /** Prompts per class, a seeded sample of those that fit the model's context. */
      size: positiveInt.default(200),
    })
    .prefault({})
    .superRefine((p, ctx) => {
      if ((p.harmful.length === 0) !== (p.benign.length === 0)) {
        ctx.addIssue({
          code: 'custom',
          path: [p.harmful.length === 0 ? 'harmful' : 'benign'],
          message: 'give both harmful and benign probe prompts, or neither',
        });
      }
    }),
  /** harmful_asr: harmful prompts (a `prompt`-like column is enough). */
  harmful_eval: DatasetListSchema,
  /** over_refusal: benign prompts. */
  benign_eval: DatasetListSchema,
  /** usability: general benign tasks with a reference answer or response. */
  usability_eval: DatasetListSchema,
  /** expertise: items of the fine-tuning domain with a reference answer or response. */
  expertise_eval: DatasetListSchema,
  /** Items taken from each evaluation file at most (a seeded sample, in file order). */
  eval_size: positiveInt.default(100),
  /**
   * A record that cannot be used (wrong type, empty response, no tokens, too long): `skip` passes over it and counts
   * it per file and reason in the run's artifacts and report (a file with more than half unusable stays an error);
   * `fail` stops the run at the first one.
   */
  on_invalid: z.enum(['fail', 'skip']).default('skip'),
});

/**
 * A strategy's `sweep`: one schedule option and the values to run it at, `{ alpha: [0.02, 0.05, 0.1, 0.2] }`; each
 * value is its own run (`<id>@<value>`), so a family of runs draws a curve.
 */
export const SweepSchema = z
  .record(
    z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'a schedule option name'),
    z.array(z.number().finite()).min(1, 'list at least one value'),
  )
  .superRefine((sweep, ctx) => {
    const options = Object.keys(sweep);
    if (options.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message: `sweep one schedule option (${options.length === 0 ? 'none is' : `${options.join(', ')} are`} given)`,
      });
    }
    for (const option of options) {
      const values = sweep[option]!;
      values.forEach((v, i) => {
        if (values.indexOf(v) !== i)
          ctx.addIssue({ code: 'custom', path: [option, i], message: `${v} is listed twice` });
      });
    }
  });

/** One fine-tuning run under comparison: an LR schedule, optionally with its own robust-set search (controls). */
export const StrategySchema = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'use lower-case letters, digits and dashes'),
    schedule: PluginRefSchema,
    search: PluginRefSchema.optional(),
    /**
     * Independent sets the strategy's own search draws per seed (k random module sets), each its own run
     * (`<id>~1` … `<id>~k`); default 1 (one run, named `<id>`).
     */
    count: positiveInt.optional(),
    /** Run the schedule once per value of one of its options (see SweepSchema). */
    sweep: SweepSchema.optional(),
  })
  .superRefine((strategy, ctx) => {
    if (strategy.count !== undefined && strategy.count > 1 && strategy.search === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['count'],
        message: "count draws several sets from the strategy's own search: give `search` too",
      });
    }
    for (const option of Object.keys(strategy.sweep ?? {})) {
      if (Object.hasOwn(strategy.schedule.options, option)) {
        ctx.addIssue({
          code: 'custom',
          path: ['schedule', 'options', option],
          message: `${option} is swept (sweep.${option}); remove it here`,
        });
      }
    }
  });

/**
 * `training.adapter`: train LoRA adapters instead of the weights (W frozen; A Kaiming-uniform from the run seed, B
 * zero, as PEFT initialises them). Defaults: r 8, alpha 16, dropout 0, every module type, rslora off.
 */
export const LoraAdapterSchema = z
  .strictObject({
    type: z.literal('lora'),
    r: positiveInt.default(8),
    alpha: z.number().positive().default(16),
    /** mllr trains adapters without dropout: only 0 is accepted. */
    dropout: z.number().min(0).lt(1).default(0),
    targets: z
      .array(z.enum(['q', 'k', 'v', 'o', 'gate', 'up', 'down']))
      .min(1)
      .default(['q', 'k', 'v', 'o', 'gate', 'up', 'down']),
    rslora: z.boolean().default(false),
  })
  .superRefine((a, ctx) => {
    if (a.dropout !== 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['dropout'],
        message: 'LoRA dropout is not implemented: mllr trains adapters with dropout 0; set dropout: 0',
      });
    }
    if (new Set(a.targets).size !== a.targets.length)
      ctx.addIssue({ code: 'custom', path: ['targets'], message: 'a module type is listed twice' });
  });

/** Bootstrap resamples of a comparison's intervals by default. */
export const DEFAULT_COMPARISON_BOOTSTRAP = 2000;

/**
 * One comparison in the report and summary.json (`comparisons`): the strategy `strategy` (a configured id, say
 * `ml-lr`) against the control `control` (say `random-control`): the difference in harmful_asr and expertise with a
 * paired bootstrap interval over prompts and seeds, and where the control draws several sets per seed (`count`), the
 * rank of the strategy's harmful_asr among them. `match` pairs swept variants: `sweep` (default) by equal sweep
 * value, or the control's only variant; `expertise` with the control's variant of the closest mean expertise.
 */
export const ComparisonSchema = z.strictObject({
  strategy: z.string().min(1),
  control: z.string().min(1),
  match: z.enum(['sweep', 'expertise']).default('sweep'),
  /** Resamples of the bootstrap; default DEFAULT_COMPARISON_BOOTSTRAP. */
  bootstrap: z.number().int().min(100).default(DEFAULT_COMPARISON_BOOTSTRAP),
  /** Coverage of the intervals. */
  level: z.number().gt(0).lt(1).default(0.95),
});

/** Fine-tuning hyperparameters shared by every compared strategy. */
export const TrainingSchema = z.strictObject({
  learning_rate: z.number().positive().default(2e-3),
  weight_decay: z.number().min(0).default(0),
  steps: positiveInt.default(100),
  batch_size: positiveInt.default(16),
  gradient_accumulation: positiveInt.default(1),
  max_grad_norm: z.number().min(0).default(1),
  beta1: z.number().min(0).lt(1).default(0.9),
  beta2: z.number().min(0).lt(1).default(0.999),
  epsilon: z.number().positive().default(1e-8),
  checkpoint_every: z.number().int().min(0).default(50),
  /** Fine-tuning sequences are cut to this many tokens; default: the model's context. */
  max_tokens: z.number().int().min(8).optional(),
  /** Train a LoRA adapter on every strategy's run instead of the full weights (absent: full fine-tuning). */
  adapter: LoraAdapterSchema.optional(),
});

const DEFAULT_STRATEGIES = [
  { id: 'uniform', schedule: { name: 'uniform', options: {} } },
  { id: 'ml-lr', schedule: { name: 'ml-lr', options: {} } },
  { id: 'swat', schedule: { name: 'swat', options: {} } },
  { id: 'random-control', schedule: { name: 'ml-lr', options: {} }, search: { name: 'random', options: {} } },
];

/**
 * `validate`: the ground truth of the robustness scores. For each module alone, fine-tune only that module (every
 * other tensor, embeddings and norms included, frozen) with the run's data, and measure harmful_asr and expertise;
 * a module's harm sensitivity is its rise in harmful_asr over the base model. Off by default: it is one short
 * fine-tuning run per module and seed.
 */
export const ValidateSchema = z.strictObject({
  enabled: z.boolean().default(false),
  /** Fine-tuning runs per module, on the run's first seeds (seed, seed + 1, …); a module's rise is their mean. */
  seeds: positiveInt.default(1),
  /** Steps of each module's fine-tuning; default: training.steps. */
  steps: positiveInt.optional(),
  /** Bootstrap resamples (over modules) of the Spearman correlation's 95% interval. */
  bootstrap: z.number().int().min(100).default(2000),
});

/** The run config: every plugin slot and setting of one pipeline run. Unknown keys are errors (typos). */
export const RunConfigSchema = z.strictObject({
  /** Seed for everything random in the run. */
  seed: z.number().int().min(0).default(1234),
  /** Repeat the compared fine-tuning runs over this many seeds. */
  seeds: positiveInt.default(1),
  /** The base model: `path` (`tiny-chat` or a Hugging Face folder) or `pretrain` (trained from scratch in the run). */
  model: ModelSchema.prefault({}),
  engine: z
    .strictObject({
      inference: PluginRefSchema.default({ name: 'onnx', options: {} }),
      training: PluginRefSchema.default({ name: 'onnx', options: {} }),
      device: z.enum(['auto', 'tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu']).default('auto'),
      /** Child processes for independent jobs (module probes, fine-tuning runs); 0 = one per core. */
      workers: z.number().int().min(0).default(0),
      /** The inference engine of single stages, where it differs from `inference` (for example `{ eval: tfjs }`). */
      stage_inference: z.record(z.string(), PluginRefSchema).default({}),
    })
    .default({
      inference: { name: 'onnx', options: {} },
      training: { name: 'onnx', options: {} },
      device: 'auto',
      workers: 0,
      stage_inference: {},
    }),
  tokenizer: PluginRefSchema.default({ name: 'hf', options: {} }),
  data: DataSchema.prefault({}),
  stages: PluginRefSchema.default({ name: 'ml-lr', options: {} }),
  /** The security feature probe: which layer's last-token hidden state it reads (`auto`: best validation accuracy). */
  probe: z
    .strictObject({
      layer: z.union([z.literal('auto'), z.number().int().min(0)]).default('auto'),
      /**
       * The probe's clean validation accuracy below which its module scores mean nothing (0.5 is chance): the run
       * stops after the proxy stage, naming the accuracy and likely causes, unless `on_weak` is `continue`.
       */
      min_accuracy: z.number().min(0).max(1).default(DEFAULT_PROBE_MIN_ACCURACY),
      /**
       * How far the probe must beat the best rule that sees only prompt lengths (a model reading every word as `<unk>`
       * still sees lengths); below it the run stops as for min_accuracy.
       */
      min_gain_over_length: z.number().min(0).max(1).default(DEFAULT_PROBE_MIN_GAIN_OVER_LENGTH),
      /** What a probe below `min_accuracy` does: `stop` the run (exit 2) or `continue` with a warning in the log and report. */
      on_weak: z.enum(['stop', 'continue']).default('stop'),
    })
    .prefault({}),
  proxy: PluginRefSchema.default({ name: 'noise', options: {} }),
  search: PluginRefSchema.default({ name: 'greedy', options: {} }),
  strategies: z.array(StrategySchema).min(1).default(DEFAULT_STRATEGIES),
  /** Strategy-against-control comparisons the report makes with paired bootstrap intervals (see ComparisonSchema). */
  comparisons: z.array(ComparisonSchema).optional(),
  training: TrainingSchema.default(TrainingSchema.parse({})),
  /** The per-module ground truth (off by default): see ValidateSchema. */
  validate: ValidateSchema.prefault({}),
  judge: PluginRefSchema.default({ name: 'refusal', options: {} }),
  evaluators: z
    .array(PluginRefSchema)
    .min(1)
    .default([
      { name: 'harmful_asr', options: {} },
      { name: 'over_refusal', options: {} },
      { name: 'usability', options: {} },
      { name: 'expertise', options: {} },
    ]),
});

/** A validated run config with defaults filled in. */
export type RunConfig = z.output<typeof RunConfigSchema>;

/** `model.pretrain` with defaults filled in. */
export type PretrainConfig = z.output<typeof PretrainSchema>;

/** The `data` section with defaults filled in. */
export type DataConfig = z.output<typeof DataSchema>;

/** A run config as written in a file (everything optional). */
export type RunConfigInput = z.input<typeof RunConfigSchema>;
