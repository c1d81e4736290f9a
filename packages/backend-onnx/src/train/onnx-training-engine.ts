import {
  checkLossTargets,
  MllrError,
  moduleTensorNames,
  splitMicroBatches,
  type ModelArchitecture,
  type LoraSettings,
  type ModuleId,
  type ModuleSnapshot,
  type NamedTensor,
  type OptimizerSettings,
  type OptimizerState,
  type ParameterGroup,
  type TrainExample,
  type TrainStepResult,
  type TrainingEngine,
} from '@mllr/core';
import { architectureToConfig, expectedTensorShapes, loadCheckpoint, saveCheckpoint } from '@mllr/model';
import { tensorMap, type ModelSource } from '../export/model-source.js';
import type { GradientSource, GradientSourceFactory } from './gradient-source.js';
import { GradientSum } from './gradient-sum.js';
import { GroupedAdamW } from './grouped-adamw.js';

/** How to start an {@link OnnxTrainingEngine}. */
export interface OnnxTrainingEngineOptions {
  /** Opens the loss-and-gradient computation for a set of trainable tensors (the ONNX training graph). */
  gradients: GradientSourceFactory;
  /** What `device` reports until a gradient source says where it runs; default `cpu`. */
  device?: string;
}

/**
 * Fine-tuning with gradients from a {@link GradientSource} (ONNX Runtime running mllr's training graph) and the
 * optimizer in JavaScript: the weights live here as Float32Arrays, are handed to the source on every micro-batch and
 * are updated in place by AdamW with parameter groups, so no session is rebuilt between steps. Loss, accumulation,
 * gradient norm, clipping and the AdamW update follow the tfjs engine step for step: a step splits its batch into
 * `gradientAccumulation` micro-batches in order, sums their losses and gradients, and divides once by the step's
 * response tokens. Tensors whose group's learning rate is 0 are frozen for that step: the source is asked for no
 * gradient of them, and they get no optimizer state.
 */
export class OnnxTrainingEngine implements TrainingEngine {
  readonly name = 'onnx';
  private optimizer: GroupedAdamW | undefined;
  private source: GradientSource | undefined;
  /** Trainable tensors of `source` and their sizes. */
  private sourceSizes = new Map<string, number>();
  private readonly sum = new GradientSum();
  private disposed = false;

  protected constructor(
    readonly architecture: ModelArchitecture,
    /** Every tensor by name: the model's, then (LoRA) the adapter's. */
    protected readonly weights: Map<string, Float32Array>,
    protected readonly shapes: ReadonlyMap<string, readonly number[]>,
    protected readonly config: Record<string, unknown>,
    protected readonly sourceDir: string | undefined,
    private readonly openSource: GradientSourceFactory,
    private readonly defaultDevice: string,
    /** LoRA: the adapters the model computes with; only their tensors are trained (see OnnxLoraTrainingEngine). */
    protected readonly adapter?: LoraSettings,
  ) {}

  /**
   * An engine on a model in memory. The engine takes the source's Float32Arrays over and updates them in place
   * (pass copies to keep the originals); every tensor the architecture needs must be there with its shape.
   */
  static create(source: ModelSource, options: OnnxTrainingEngineOptions): Promise<OnnxTrainingEngine> {
    const { weights, shapes, config } = checkedModel(source);
    const engine = new OnnxTrainingEngine(
      source.architecture,
      weights,
      shapes,
      config,
      source.dir,
      options.gradients,
      options.device ?? 'cpu',
    );
    return Promise.resolve(engine);
  }

  /** An engine on a Hugging Face checkpoint folder (config.json + safetensors), loaded through @mllr/model. */
  static async open(dir: string, options: OnnxTrainingEngineOptions): Promise<OnnxTrainingEngine> {
    return OnnxTrainingEngine.create(await loadCheckpoint(dir), options);
  }

  /** The device of the current gradient source (for example `cpu` after a CUDA fallback); before the first step, the option's. */
  get device(): string {
    return this.source?.device ?? this.defaultDevice;
  }

  /** The trained tensors' names: every weight, or with LoRA the adapter's only (the frozen model is in no group). */
  tensorNames(): string[] {
    return [...this.optimizedWeights().keys()];
  }

  configure(groups: readonly ParameterGroup[], settings: OptimizerSettings): void {
    this.checkOpen();
    this.optimizer = new GroupedAdamW(this.optimizedWeights(), groups, settings);
  }

  /** The tensors the optimizer owns: every weight, or with LoRA only the adapter's. */
  private optimizedWeights(): Map<string, Float32Array> {
    const adapter = this.adapter;
    if (!adapter) return this.weights;
    const model = expectedTensorShapes(this.architecture);
    return new Map([...this.weights].filter(([name]) => !model.has(name)));
  }

  setLearningRates(rates: Readonly<Record<string, number>>): void {
    this.requireOptimizer().setLearningRates(rates);
  }

  async trainStep(batch: readonly TrainExample[]): Promise<TrainStepResult> {
    const optimizer = this.requireOptimizer();
    batch.forEach((e, i) => checkLossTargets(e, i));
    const { gradientAccumulation, maxGradNorm } = optimizer.settings;
    const source = await this.sourceFor(optimizer.trainable());
    const micro = splitMicroBatches(batch, gradientAccumulation);
    let lossSum = 0;
    let tokens = 0;
    this.sum.reset();
    try {
      for (const [i, part] of micro.entries()) {
        const result = await source.compute(part, this.weights);
        lossSum += result.lossSum;
        tokens += result.tokens;
        this.sum.add(result.grads, this.sourceSizes, i < micro.length - 1);
      }
      const scale = tokens > 0 ? 1 / tokens : 0;
      const gradNorm = tokens > 0 ? this.sum.globalNorm() * scale : 0;
      const clip = maxGradNorm > 0 && gradNorm > maxGradNorm ? maxGradNorm / gradNorm : 1;
      optimizer.apply(this.sum.gradients(), scale * clip);
      return { loss: tokens > 0 ? lossSum / tokens : 0, tokens, gradNorm };
    } finally {
      this.sum.reset(); // lets go of the source's arrays
    }
  }

  async optimizerState(): Promise<OptimizerState> {
    return this.requireOptimizer().exportState();
  }

  async loadOptimizerState(state: OptimizerState): Promise<void> {
    this.requireOptimizer().importState(state);
  }

  async snapshot(modules: readonly ModuleId[]): Promise<ModuleSnapshot> {
    const names = modules.flatMap((m) => moduleTensorNames(m, { qkvBias: this.architecture.qkvBias }));
    return { modules: [...modules], tensors: await this.getWeights(names) };
  }

  restore(snapshot: ModuleSnapshot): Promise<void> {
    return this.setWeights(snapshot.tensors);
  }

  /** Copies of weights by Hugging Face name. */
  async getWeights(names: readonly string[]): Promise<NamedTensor[]> {
    this.checkOpen();
    return names.map((name) => ({ name, shape: [...this.shapeOf(name)], data: this.weights.get(name)!.slice() }));
  }

  /** Overwrites weights in place (shapes must match); nothing is written unless every tensor fits. */
  async setWeights(tensors: readonly NamedTensor[]): Promise<void> {
    this.checkOpen();
    for (const t of tensors) checkShape(t, this.shapeOf(t.name));
    for (const t of tensors) this.weights.get(t.name)!.set(t.data);
  }

  /** config.json as loaded, model.safetensors (F32) with the current weights, and the tokenizer files of the source folder. */
  async save(dir: string): Promise<void> {
    this.checkOpen();
    const tensors = [...this.weights].map(([name, data]) => ({ name, shape: [...this.shapeOf(name)], data }));
    await saveCheckpoint(dir, {
      config: this.config,
      tensors,
      ...(this.sourceDir !== undefined ? { copyFrom: this.sourceDir } : {}),
    });
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.optimizer = undefined;
    this.sum.clear();
    const source = this.source;
    this.source = undefined;
    this.weights.clear();
    await source?.dispose();
  }

  /** The source for this step's trainable tensors: the current one, or a new one when the set changed. */
  private async sourceFor(trainable: readonly string[]): Promise<GradientSource> {
    const current = this.source;
    if (current && sameNames(current.trainable, trainable)) return current;
    this.source = undefined;
    this.sum.clear();
    await current?.dispose();
    const source = await this.openSource({
      architecture: this.architecture,
      trainable: [...trainable],
      ...(this.adapter ? { adapter: this.adapter } : {}),
    });
    if (!sameNames(source.trainable, trainable)) {
      await source.dispose();
      throw new MllrError(
        'INTERNAL',
        `the gradient source was asked for ${trainable.length} trainable tensors and opened with ${source.trainable.length}`,
      );
    }
    this.source = source;
    this.sourceSizes = new Map(trainable.map((name) => [name, this.weights.get(name)!.length] as const));
    return source;
  }

  private shapeOf(name: string): readonly number[] {
    const shape = this.shapes.get(name);
    if (!shape) throw new MllrError('ARGUMENT_INVALID', `the model has no tensor ${name}`);
    return shape;
  }

  protected checkOpen(): void {
    if (this.disposed) throw new MllrError('ARGUMENT_INVALID', 'the training engine has been disposed');
  }

  private requireOptimizer(): GroupedAdamW {
    this.checkOpen();
    if (!this.optimizer) throw new MllrError('ARGUMENT_INVALID', 'call configure(groups, settings) before training');
    return this.optimizer;
  }
}

/** The model's tensors checked against its architecture (each present, with its shape; nothing else), and its config. */
export function checkedModel(source: ModelSource): {
  weights: Map<string, Float32Array>;
  shapes: Map<string, number[]>;
  config: Record<string, unknown>;
} {
  const shapes = expectedTensorShapes(source.architecture);
  const given = tensorMap(source.tensors);
  const weights = new Map<string, Float32Array>();
  for (const [name, shape] of shapes) {
    const t = given.get(name);
    if (!t) throw new MllrError('CHECKPOINT_INVALID', `the model has no tensor ${name}, which its architecture needs`);
    checkShape(t, shape);
    weights.set(name, t.data);
  }
  for (const name of given.keys()) {
    if (!shapes.has(name))
      throw new MllrError(
        'CHECKPOINT_INVALID',
        `tensor ${name} is not part of this ${source.architecture.family} architecture`,
      );
  }
  return { weights, shapes, config: source.config ?? architectureToConfig(source.architecture) };
}

function checkShape(t: NamedTensor, shape: readonly number[]): void {
  const size = shape.reduce((n, d) => n * d, 1);
  if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i]) || t.data.length !== size) {
    throw new MllrError(
      'ARGUMENT_INVALID',
      `tensor ${t.name} has shape [${t.shape}] (${t.data.length} values) but the model's is [${shape}]`,
    );
  }
}

/** Whether two lists name the same tensors, in any order. */
function sameNames(a: readonly string[], b: readonly string[]): boolean {
  const set = new Set(a);
  return set.size === b.length && b.every((name) => set.has(name));
}
