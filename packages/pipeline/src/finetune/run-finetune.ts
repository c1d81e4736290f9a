import { existsSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  MllrError,
  writeFileAtomic,
  type EngineProvider,
  type LoraTrainingEngine,
  type ModelArchitecture,
  type PluginRef,
  type TrainingEngine,
} from '@mllr/core';
import { DEFAULT_LR_SHAPE, runFineTuning } from '@mllr/schedules';
import { PEFT_PREFIX, expectedTensorShapes, loadModelConfig, loraShapes, peftTensorName } from '@mllr/model';
import { loadEngineProvider } from '../engines/load-engine-provider.js';
import type { HubRecord } from '../models/resolve-model-dir.js';
import { BUILTIN_PLUGINS } from '../plugins/builtin-plugins.js';
import type { PluginCatalog } from '../plugins/plugin-catalog.js';
import { loadFinetuneExamples } from './finetune-examples.js';
import type { FinetuneSettings } from './finetune-settings.js';
import { finetuneLora, type LoraFlags } from './lora-flags.js';
import { checkOutFolder, createStagingFolder, publishFolder } from './out-folder.js';
import { readFinetunePlan, type FinetunePlan } from './plan-file.js';
import { PlanSchedule } from './plan-schedule.js';

/** The record `mllr finetune` writes next to the model. */
export const FINETUNE_RECORD = 'finetune.json';

/** Name of the one group of the uniform schedule (no `--plan`). */
export const UNIFORM_GROUP = 'all';

/** Where a LoRA run's adapter (PEFT format) and merged model (Hugging Face layout) go inside `--out`. */
export const LORA_OUT = { adapter: 'adapter', merged: 'merged' } as const;

/** What one `mllr finetune` run needs (paths already resolved). */
export interface FinetuneOptions {
  /** Model folder in Hugging Face layout. */
  model: string;
  /** Set when `--model` was a Hub id: recorded in finetune.json beside the folder (`base_model_hub`). */
  hub?: HubRecord;
  /** `--data`: pre-tokenized JSON Lines or a dataset file. */
  data: string;
  /** What to do with unusable records of a dataset file (a run config's `data.on_invalid`); default fail. */
  onInvalid?: 'fail' | 'skip';
  /** `--preset`: the dataset layout of a dataset file (as `preset` of a run config's data source); default generic. */
  preset?: string;
  out: string;
  /** `--plan`: a torch plan from `mllr export-plan`; absent: every tensor at `settings.learningRate`. */
  plan?: string;
  /** The training engine plugin (`tfjs`, `onnx`, `module:…`). */
  engine: PluginRef;
  /**
   * The LoRA flags: with --lora-r or --adapter-init, train an adapter (W frozen) and write `out/adapter` (PEFT) and
   * `out/merged` (Hugging Face) instead of the model (relative paths against `cwd`).
   */
  lora?: LoraFlags;
  settings: FinetuneSettings;
  /** Replace an earlier result in `out`. */
  force?: boolean;
  /** Called before the first step with what is about to be trained. */
  onStart?: (start: FinetuneStart) => void;
  onStep?: (step: FinetuneStep) => void;
  /** Called between steps; throws (a StoppedError) to stop. `out` is then left as it was and nothing is kept. */
  throwIfStopped?: () => void;
  catalog?: PluginCatalog;
  cwd?: string;
}

/** What a run is about to train. */
export interface FinetuneStart {
  engine: string;
  device: string;
  examples: number;
  dataKind: 'tokenized' | 'dataset';
  /** Records of the data file skipped as unusable, by reason. */
  skipped: Record<string, number>;
  steps: number;
  groups: Array<{ name: string; learningRate: number; tensors: number }>;
}

/** One optimizer step. */
export interface FinetuneStep {
  /** 1-based. */
  step: number;
  steps: number;
  loss: number;
  gradNorm: number;
  /** Response tokens the step trained on. */
  tokens: number;
}

/** The finished run. */
export interface FinetuneResult {
  out: string;
  steps: number;
  firstLoss: number;
  finalLoss: number;
  tokens: number;
  elapsedS: number;
}

/**
 * `mllr finetune`: fine-tunes one model through a training engine opened by name from the plugin catalog, with the
 * uniform schedule or a learning-rate plan, and publishes `out` (Hugging Face layout, plus finetune.json recording the
 * groups trained, the settings and the loss curve) only once the whole result is written. Input problems are found
 * before any training.
 */
export async function runFinetune(options: FinetuneOptions): Promise<FinetuneResult> {
  const started = performance.now();
  const { settings } = options;
  const force = options.force ?? false;
  const modelDir = resolve(options.model);
  const out = resolve(options.out);
  const architecture = await modelArchitecture(modelDir);
  const lora = options.lora ? await finetuneLora(options.lora, architecture, options.cwd ?? process.cwd()) : undefined;
  // A LoRA run trains the adapter's tensors only; a plan names them by their PEFT names (export-plan of a LoRA run).
  const tensors = lora
    ? [...loraShapes(architecture, lora.settings).keys()]
    : [...expectedTensorShapes(architecture).keys()];
  if (!existsSync(options.data)) throw new MllrError('DATA_INVALID', `--data ${options.data}: file not found`);
  const plan: Pick<FinetunePlan, 'groups' | 'shape'> = options.plan
    ? await readPlan(options.plan, tensors, settings.weightDecay, lora !== undefined)
    : {
        groups: [
          { name: UNIFORM_GROUP, tensors, learningRate: settings.learningRate, weightDecay: settings.weightDecay },
        ],
        shape: DEFAULT_LR_SHAPE,
      };
  if (plan.shape.warmupSteps > settings.steps) {
    throw new MllrError(
      'ARGUMENT_INVALID',
      `--plan ${options.plan}: its warm-up of ${plan.shape.warmupSteps} steps is longer than --steps ${settings.steps}`,
    );
  }
  await checkOutFolder(out, force);
  const { examples, kind, skipped } = await loadFinetuneExamples(options.data, modelDir, architecture, {
    ...(settings.maxTokens !== undefined ? { maxTokens: settings.maxTokens } : {}),
    ...(options.preset !== undefined ? { preset: options.preset } : {}),
    ...(options.onInvalid !== undefined ? { onInvalid: options.onInvalid } : {}),
  });

  const provider = await loadTrainingProvider(
    options.engine,
    options.catalog ?? BUILTIN_PLUGINS,
    options.cwd ?? process.cwd(),
  );
  let engine: TrainingEngine;
  let loraEngine: LoraTrainingEngine | undefined;
  if (lora) {
    if (!provider.openLoraTraining) {
      throw new MllrError(
        'ARGUMENT_INVALID',
        `--engine ${provider.name}: the ${provider.name} engine does not train LoRA adapters; use --engine onnx`,
      );
    }
    loraEngine = await provider.openLoraTraining(modelDir, {
      settings: lora.settings,
      seed: settings.seed,
      ...(lora.init !== undefined ? { init: lora.init } : {}),
    });
    engine = loraEngine;
  } else {
    if (!provider.openTraining) {
      throw new MllrError(
        'ARGUMENT_INVALID',
        `--engine ${provider.name}: the ${provider.name} engine cannot train (it opens no training engine); use another --engine`,
      );
    }
    engine = await provider.openTraining(modelDir);
  }
  const staging = await createStagingFolder(out);
  let published = false;
  try {
    const schedule = new PlanSchedule(options.plan ? 'plan' : 'uniform', plan);
    const context = {
      modules: [],
      robust: [],
      tensors,
      tensorsOf: () => [],
      learningRate: settings.learningRate,
      weightDecay: settings.weightDecay,
      totalSteps: settings.steps,
    };
    options.onStart?.({
      engine: engine.name,
      device: engine.device,
      examples: examples.length,
      dataKind: kind,
      skipped,
      steps: settings.steps,
      groups: plan.groups.map((g) => ({ name: g.name, learningRate: g.learningRate, tensors: g.tensors.length })),
    });
    const curve = await runFineTuning({
      engine,
      schedule,
      context,
      examples,
      batchSize: settings.batchSize,
      settings: {
        beta1: settings.beta1,
        beta2: settings.beta2,
        epsilon: settings.epsilon,
        maxGradNorm: settings.maxGradNorm,
        gradientAccumulation: settings.gradientAccumulation,
      },
      seed: settings.seed,
      shuffle: settings.shuffle,
      ...(options.throwIfStopped ? { throwIfStopped: options.throwIfStopped } : {}),
      onStep: (p) =>
        options.onStep?.({
          step: p.step + 1,
          steps: settings.steps,
          loss: p.loss,
          gradNorm: p.gradNorm,
          tokens: p.tokens,
        }),
      saveTo: loraEngine ? join(staging, LORA_OUT.merged) : staging,
    });
    await loraEngine?.saveAdapter(join(staging, LORA_OUT.adapter), { baseModel: modelDir });
    const elapsedS = (performance.now() - started) / 1000;
    const record = {
      format: 'mllr-finetune/v1',
      base_model: modelDir,
      ...(options.hub ? { base_model_hub: options.hub } : {}),
      data: resolve(options.data),
      ...(options.preset !== undefined ? { preset: options.preset } : {}),
      data_kind: kind,
      examples: examples.length,
      skipped_records: skipped,
      plan: options.plan !== undefined ? resolve(options.plan) : null,
      adapter: lora
        ? {
            type: 'lora',
            r: lora.settings.r,
            alpha: lora.settings.alpha,
            dropout: lora.settings.dropout,
            targets: lora.settings.targets,
            rslora: lora.settings.rslora,
            init: lora.init ?? null,
          }
        : null,
      engine: { name: engine.name, device: engine.device },
      settings: {
        steps: settings.steps,
        batch_size: settings.batchSize,
        gradient_accumulation: settings.gradientAccumulation,
        learning_rate: settings.learningRate,
        max_grad_norm: settings.maxGradNorm,
        weight_decay: settings.weightDecay,
        beta1: settings.beta1,
        beta2: settings.beta2,
        epsilon: settings.epsilon,
        seed: settings.seed,
        shuffle: settings.shuffle,
        ...(settings.maxTokens !== undefined ? { max_tokens: settings.maxTokens } : {}),
      },
      groups: plan.groups.map((g) => ({
        name: g.name,
        learning_rate: g.learningRate,
        weight_decay: g.weightDecay,
        tensors: g.tensors,
      })),
      rate_shape: schedule.plan(context).shape,
      curve: curve.map((p) => ({
        step: p.step + 1,
        loss: p.loss,
        grad_norm: p.gradNorm,
        tokens: p.tokens,
        rates: p.rates,
      })),
      elapsed_s: elapsedS,
    };
    await writeFileAtomic(join(staging, FINETUNE_RECORD), `${JSON.stringify(record, null, 2)}\n`);
    await publishFolder(staging, out, force);
    published = true;
    return {
      out,
      steps: curve.length,
      firstLoss: curve[0]!.loss,
      finalLoss: curve.at(-1)!.loss,
      tokens: curve.reduce((n, p) => n + p.tokens, 0),
      elapsedS,
    };
  } finally {
    await engine.dispose();
    if (!published) await rm(staging, { recursive: true, force: true });
  }
}

/** A `--plan` file; for a LoRA run its tensors are PEFT names, mapped to the engine's adapter names. */
async function readPlan(
  file: string,
  tensors: readonly string[],
  weightDecay: number,
  lora: boolean,
): Promise<FinetunePlan> {
  if (!lora) return readFinetunePlan(file, tensors, weightDecay);
  const plan = await readFinetunePlan(file, tensors.map(peftTensorName), weightDecay);
  return {
    ...plan,
    groups: plan.groups.map((g) => ({ ...g, tensors: g.tensors.map((t) => t.slice(PEFT_PREFIX.length)) })),
  };
}

/**
 * The training engine provider `ref` names. A name the catalog knows only as an inference engine gets a message
 * saying so, rather than "unknown plugin".
 */
async function loadTrainingProvider(ref: PluginRef, catalog: PluginCatalog, cwd: string): Promise<EngineProvider> {
  try {
    return await loadEngineProvider(ref, catalog, cwd, 'training');
  } catch (error) {
    if (
      error instanceof MllrError &&
      error.code === 'PLUGIN_UNKNOWN' &&
      ref.name !== undefined &&
      catalog.entry('inference', ref.name)
    ) {
      const trainers = catalog.names('training').join(', ');
      throw new MllrError(
        'ARGUMENT_INVALID',
        `--engine ${ref.name}: the ${ref.name} engine cannot train yet (it runs inference only); use --engine ${trainers}`,
      );
    }
    throw error;
  }
}

/** The architecture of `--model`, with a message naming the flag when the folder or its config.json is missing. */
async function modelArchitecture(modelDir: string): Promise<ModelArchitecture> {
  if (!existsSync(modelDir) || !statSync(modelDir).isDirectory())
    throw new MllrError('CHECKPOINT_INVALID', `--model ${modelDir}: no such model folder`);
  if (!existsSync(join(modelDir, 'config.json'))) {
    throw new MllrError(
      'CHECKPOINT_INVALID',
      `--model ${modelDir}: no config.json there (a model folder in Hugging Face layout is expected)`,
    );
  }
  return loadModelConfig(modelDir);
}
