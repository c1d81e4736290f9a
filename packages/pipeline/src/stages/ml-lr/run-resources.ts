import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import {
  MllrError,
  PRETRAINED_MODEL_PATH,
  ADAPTED_MODEL_PATH,
  pluginLoader,
  RunStore,
  type DatasetSource,
  type DependencyContainer,
  type InvalidRecord,
  type ReadOptions,
  type PluginRef,
  type EngineProvider,
  type RunConfig,
  type TrainExample,
  type TrainingEngine,
  type LoraSettings,
  type LoraTrainingEngine,
  type InferenceEngine,
  type OpenEngineOptions,
} from '@mllr/core';
import { generateWorld, readAll, type ReadSample, type World } from '@mllr/data';
import { encodeChatPrompt, loadModelConfig, loadTokenizer, type HfTokenizer } from '@mllr/model';
import type { ModelSource } from '../../models/resolve-model-dir.js';
import { runModelSource } from './pinned-model.js';
import { dataDirOf, loadRunData, resolveSource, type RunDataSets } from './run-data.js';
import { DataLedger } from './data-ledger.js';
import { fitTrainExamples } from './train-examples.js';

/** How this process's engines may use the machine. */
export interface EngineShare {
  /** CPU threads for engines that take a thread count (ONNX Runtime); default: one per core. */
  threads?: number;
}

/**
 * What the ML-LR stages share within one engine process: the model folder, the run's data sets (the embedded world
 * or the configured files), the tokenizer and the engine provider. Built lazily, so a resumed run only pays for what
 * its remaining stages use.
 */
export class RunResources {
  private world: World | undefined;
  private tokenizer: Promise<HfTokenizer> | undefined;
  private provider: Promise<EngineProvider> | undefined;
  private readonly inferenceProviders = new Map<string, Promise<EngineProvider>>();
  private sets: Promise<RunDataSets> | undefined;
  private examples: Promise<TrainExample[]> | undefined;
  private readonly reads = new Map<string, Promise<ReadSample[]>>();
  /** The records skipped in this process's reads and tokenizations, per file and reason (see data-use.ts). */
  readonly ledger = new DataLedger();

  constructor(
    readonly config: RunConfig,
    private readonly container: DependencyContainer,
    readonly configDir: string,
    private readonly share: EngineShare = {},
  ) {}

  /** The base model's folder: `tiny-chat` is the embedded model; with `model.pretrain`, the model the run trained. */
  get modelDir(): string {
    return this.modelSource.dir;
  }

  /**
   * Where the base model was found: for a Hub id, the cache snapshot and its commit (recorded in base.json and
   * summary.json; a run folder keeps the commit it started with, see runModelSource). Read from the cache each time
   * without any network; preflight downloaded it if asked to.
   */
  get modelSource(): ModelSource {
    if (this.config.model.pretrain)
      return { given: this.config.model.path, dir: join(this.runDir, PRETRAINED_MODEL_PATH) };
    const source = runModelSource(this.config.model.path, this.configDir, this.openRunDir());
    // With model.adapter the base model is the adapted one the base stage writes into the run folder (the Hub
    // record, if any, still names the model the adapter was merged into).
    if (this.config.model.adapter !== undefined) return { ...source, dir: join(this.runDir, ADAPTED_MODEL_PATH) };
    return source;
  }

  /** `model.adapter` resolved against the config's folder, and the folder of `model.path` it applies to; undefined without one. */
  get modelAdapter(): { adapter: string; model: string } | undefined {
    const { adapter, path } = this.config.model;
    if (adapter === undefined) return undefined;
    return {
      adapter: resolve(this.configDir, adapter),
      model: runModelSource(path, this.configDir, this.openRunDir()).dir,
    };
  }

  /** The run folder (open only once the stages run). */
  get runDir(): string {
    return this.container.resolve<RunStore>(RunStore).dir;
  }

  /** The run folder, or undefined where none is open (preflight, `mllr eval`). */
  private openRunDir(): string | undefined {
    if (!this.container.isRegistered(RunStore, true)) return undefined;
    try {
      return this.runDir;
    } catch {
      return undefined; // registered, but the folder opens only once the stages run
    }
  }

  /** The folder relative dataset paths are read from (`data.dir`, $MLLR_DATA_DIR or ../shared/data). */
  get dataDir(): string {
    return dataDirOf(this.config, this.configDir);
  }

  /**
   * The run's prompts, examples and evaluation sets: the embedded world's by default, the configured files' where
   * `data` names them (see run-data.ts). Probe prompts that do not fit the model's context are skipped.
   */
  data(): Promise<RunDataSets> {
    this.sets ??= (async () => {
      const usesFiles = this.config.data.probe.harmful.length > 0;
      const fits = usesFiles ? await this.promptFits() : undefined;
      return loadRunData(this.config, {
        read: (source) => this.readSource(source),
        world: () => this.embeddedWorld,
        ...(fits ? { fitsProbe: fits } : {}),
      });
    })();
    return this.sets;
  }

  /**
   * The fine-tuning examples, tokenized with the model's chat template and cut to `training.max_tokens` (at most the
   * context); an example whose prompt alone fills that is left out, since none of its response would be trained on.
   */
  iftExamples(): Promise<TrainExample[]> {
    this.examples ??= (async () => {
      const tokenizer = await this.modelTokenizer();
      const context = (await loadModelConfig(this.modelDir)).maxPositionEmbeddings;
      const max = Math.min(this.config.training.max_tokens ?? context, context);
      const file = this.config.data.ift?.path;
      const skip = file !== undefined && this.config.data.on_invalid === 'skip';
      const examples = fitTrainExamples(
        (await this.data()).ift,
        tokenizer,
        max,
        "training.max_tokens, the model's context",
        skip ? (record) => this.ledger.skip(file, record) : undefined,
      );
      if (file !== undefined) this.ledger.check(file);
      return examples;
    })();
    return this.examples;
  }

  /**
   * The samples of one configured dataset: its path resolved against the data folder, read by its `reader` if named
   * (once per process). Under `data.on_invalid: skip` records that cannot be used are skipped and counted in
   * {@link ledger}, which refuses a file that is more than half unusable.
   */
  readSource(source: DatasetSource): Promise<ReadSample[]> {
    const key = JSON.stringify(source);
    let read = this.reads.get(key);
    if (!read) this.reads.set(key, (read = this.readSourceOnce(source)));
    return read;
  }

  private async readSourceOnce(source: DatasetSource): Promise<ReadSample[]> {
    const { reader, ...rest } = source as DatasetSource & { reader?: PluginRef };
    const resolved = resolveSource(rest, this.dataDir);
    const skipped: InvalidRecord[] = [];
    const options: ReadOptions =
      this.config.data.on_invalid === 'skip' ? { onInvalid: (record) => skipped.push(record) } : {};
    let samples: ReadSample[];
    if (!reader) {
      samples = await readAll(resolved, options);
    } else {
      const plugin = await pluginLoader(this.container).load('reader', reader, `reader of ${source.path}`);
      samples = [];
      for await (const sample of plugin.read(resolved, options)) samples.push(sample);
    }
    this.ledger.read(source.path, samples.length, skipped);
    return samples;
  }

  /** Whether a prompt, rendered as the probe renders it, fits the base model's context. */
  private async promptFits(): Promise<(prompt: string) => boolean> {
    const tokenizer = await this.modelTokenizer();
    const context = (await loadModelConfig(this.modelDir)).maxPositionEmbeddings;
    return (prompt) => encodeChatPrompt(tokenizer, prompt).length <= context;
  }

  /** The embedded world of this run's seed. */
  get embeddedWorld(): World {
    this.world ??= generateWorld({ seed: this.config.data.world.seed ?? this.config.seed });
    return this.world;
  }

  modelTokenizer(): Promise<HfTokenizer> {
    this.tokenizer ??= loadTokenizer(this.modelDir);
    return this.tokenizer;
  }

  /** A fresh engine on `modelDir` (default: the base model) that can train (`engine.training`). */
  async openTraining(modelDir = this.modelDir): Promise<TrainingEngine> {
    this.provider ??= pluginLoader(this.container).load('training', this.config.engine.training, 'engine.training');
    const provider = await this.provider;
    if (!provider.openTraining)
      throw new MllrError('ARGUMENT_INVALID', `engine.training: the ${provider.name} engine cannot train`);
    return provider.openTraining(modelDir, this.engineOptions(provider));
  }

  /** A fresh engine training `adapter` (LoRA, A seeded by `seed`) on the base model; refused where `engine.training` has no adapters. */
  async openLoraTraining(adapter: LoraSettings, seed: number): Promise<LoraTrainingEngine> {
    this.provider ??= pluginLoader(this.container).load('training', this.config.engine.training, 'engine.training');
    const provider = await this.provider;
    if (!provider.openLoraTraining) {
      throw new MllrError(
        'CONFIG_INVALID',
        `training.adapter: the ${provider.name} training engine does not train LoRA adapters; set engine.training to onnx`,
      );
    }
    return provider.openLoraTraining(this.modelDir, { settings: adapter, seed }, this.engineOptions(provider));
  }

  /**
   * A fresh inference engine on `modelDir` for `stage`: `engine.stage_inference[stage]` where the config names one,
   * else `engine.inference` (ONNX Runtime by default: forward passes there are many times faster than in tfjs).
   */
  async openInference(stage: string, modelDir = this.modelDir): Promise<InferenceEngine> {
    const own = this.config.engine.stage_inference[stage];
    const ref = own ?? this.config.engine.inference;
    const where = own ? `engine.stage_inference.${stage}` : 'engine.inference';
    const key = JSON.stringify(ref);
    let provider = this.inferenceProviders.get(key);
    if (!provider) {
      provider = pluginLoader(this.container).load('inference', ref, where);
      this.inferenceProviders.set(key, provider);
    }
    const loaded = await provider;
    return loaded.openInference(modelDir, this.engineOptions(loaded));
  }

  /** Worker processes for `jobs` independent jobs: `engine.workers` (0 = one per core), at most one per job. */
  workersFor(jobs: number): number {
    const wanted = this.config.engine.workers === 0 ? availableParallelism() : this.config.engine.workers;
    return Math.max(1, Math.min(wanted, jobs));
  }

  /** The CPU threads each of `workers` processes may give its engines: an even share of the cores. */
  static threadsPerWorker(workers: number): number {
    return Math.max(1, Math.floor(availableParallelism() / workers));
  }

  // `engine.device` names tfjs devices (wasm, tfjs-node, …): only a tfjs engine gets it; ONNX takes its device from
  // its own plugin options.
  private engineOptions(provider: EngineProvider): OpenEngineOptions {
    const options: OpenEngineOptions = {};
    if (provider.name === 'tfjs' && this.config.engine.device !== 'auto') options.device = this.config.engine.device;
    if (this.share.threads !== undefined) options.threads = this.share.threads;
    return options;
  }
}

/** The part of a stage's hash that names its inference engine (features and generations differ by engine in rounding). */
export function inferenceHashInputs(config: RunConfig, stage: string): { inference: unknown } {
  return { inference: config.engine.stage_inference[stage] ?? config.engine.inference };
}
