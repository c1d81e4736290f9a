import {
  MllrError,
  moduleTensorNames,
  splitMicroBatches,
  type BatchLogits,
  type GenerateOptions,
  type InferenceEngine,
  type LastTokenHiddenStates,
  type ModelArchitecture,
  type ModuleId,
  type ModuleSnapshot,
  type NamedTensor,
  type OptimizerSettings,
  type OptimizerState,
  type ParameterGroup,
  type TokenBatch,
  type TrainExample,
  type TrainStepResult,
  type TrainingEngine,
} from '@mllr/core';
import { saveCheckpoint } from '@mllr/model';
import { translateOutOfMemory } from './device/memory-limit.js';
import { tf } from './tf.js';
import { DecoderWeights } from './decoder/decoder-weights.js';
import { decoderForward } from './decoder/forward.js';
import { disposeBatch, padBatch } from './decoder/padded-batch.js';
import { buildRopeTables, type RopeTables } from './decoder/rope.js';
import { selectTfjsDevice, type TfjsDevice } from './device/select-device.js';
import { generateTokens } from './generate/generate.js';
import { causalLmGradients } from './train/causal-lm-step.js';
import { GroupedAdamW } from './train/grouped-adamw.js';

/** A model in memory: architecture, raw config.json and weights (what @mllr/model's loadCheckpoint returns). */
export interface ModelSource {
  architecture: ModelArchitecture;
  config: Record<string, unknown>;
  tensors: ReadonlyMap<string, NamedTensor>;
  /** The checkpoint folder, whose tokenizer files `save` copies. */
  dir?: string;
}

/** How to start the engine. */
export interface TfjsEngineOptions {
  /** `auto` (default) picks the fastest available device. */
  device?: 'auto' | TfjsDevice;
}

/** The TensorFlow.js engine: inference (logits, hidden states, generation) and training on one set of weights. */
export class TfjsEngine implements InferenceEngine, TrainingEngine {
  readonly name = 'tfjs';
  private optimizer: GroupedAdamW | undefined;

  private constructor(
    readonly device: string,
    private readonly weights: DecoderWeights,
    private readonly rope: RopeTables,
    private readonly source: ModelSource,
  ) {}

  /** Selects the device (once per process) and uploads the weights. */
  static async create(source: ModelSource, options: TfjsEngineOptions = {}): Promise<TfjsEngine> {
    const { device } = await selectTfjsDevice(options.device ?? 'auto');
    const weights = new DecoderWeights(source.architecture, source.tensors);
    return new TfjsEngine(device, weights, buildRopeTables(source.architecture), source);
  }

  /** The model's architecture, as parsed from its config.json. */
  get architecture(): ModelArchitecture {
    return this.source.architecture;
  }

  async logits(batch: TokenBatch): Promise<BatchLogits> {
    return this.guarded('a forward pass', () => this.computeLogits(batch));
  }

  async lastTokenHiddenStates(batch: TokenBatch, layers?: number[]): Promise<LastTokenHiddenStates> {
    return this.guarded('a hidden-state pass', () => this.computeHiddenStates(batch, layers));
  }

  async generate(prompts: number[][], options: GenerateOptions): Promise<number[][]> {
    return this.guarded('generation', () => this.computeGeneration(prompts, options));
  }

  async trainStep(batch: readonly TrainExample[]): Promise<TrainStepResult> {
    return this.guarded('a training step', () => this.computeTrainStep(batch));
  }

  /** Runs engine work so that a wasm out-of-memory abort reaches users as an MllrError, not as runtime-internal text. */
  private async guarded<T>(task: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw translateOutOfMemory(error, this.device, task);
    }
  }

  private async computeLogits(batch: TokenBatch): Promise<BatchLogits> {
    await nextTurn();
    const vocab = this.architecture.vocabSize;
    const padded = padBatch(batch.sequences, this.padId(), 'left', this.architecture);
    const logits = tf.tidy(() => decoderForward(this.weights, this.rope, padded, { logits: 'all' }).logits!);
    disposeBatch(padded);
    const values = (await logits.data()) as Float32Array;
    logits.dispose();
    // Left padding put each sequence at the end of its row; cut the padding back off.
    const data = batch.sequences.map((seq, b) => {
      const start = (b * padded.width + padded.width - seq.length) * vocab;
      return values.slice(start, start + seq.length * vocab);
    });
    return { vocabSize: vocab, data };
  }

  private async computeHiddenStates(batch: TokenBatch, layers?: number[]): Promise<LastTokenHiddenStates> {
    await nextTurn();
    const wanted = layers ?? Array.from({ length: this.architecture.numLayers }, (_, i) => i);
    for (const l of wanted) {
      if (!Number.isInteger(l) || l < 0 || l >= this.architecture.numLayers) {
        throw new MllrError(
          'ARGUMENT_INVALID',
          `layer ${l} does not exist; the model has layers 0-${this.architecture.numLayers - 1}`,
        );
      }
    }
    const padded = padBatch(batch.sequences, this.padId(), 'left', this.architecture);
    const states = tf.tidy(
      () => decoderForward(this.weights, this.rope, padded, { logits: 'none', hiddenStates: true }).hiddenStates!,
    );
    disposeBatch(padded);
    const hidden = this.architecture.hiddenSize;
    const out: Float32Array[][] = [];
    for (const l of wanted) {
      const values = (await states[l]!.data()) as Float32Array;
      out.push(batch.sequences.map((_, b) => values.slice(b * hidden, (b + 1) * hidden)));
    }
    tf.dispose(states);
    return { hiddenSize: hidden, layers: out };
  }

  private async computeGeneration(prompts: number[][], options: GenerateOptions): Promise<number[][]> {
    await nextTurn();
    return generateTokens(this.weights, this.rope, prompts, options);
  }

  configure(groups: readonly ParameterGroup[], settings: OptimizerSettings): void {
    this.optimizer?.dispose();
    this.optimizer = new GroupedAdamW(this.weights, groups, settings);
  }

  setLearningRates(rates: Readonly<Record<string, number>>): void {
    this.requireOptimizer().setLearningRates(rates);
  }

  private async computeTrainStep(batch: readonly TrainExample[]): Promise<TrainStepResult> {
    await nextTurn();
    const optimizer = this.requireOptimizer();
    const { gradientAccumulation, maxGradNorm } = optimizer.settings;
    const trainable = optimizer.trainable();
    const micro = splitMicroBatches(batch, gradientAccumulation);
    let lossSum = 0;
    let tokens = 0;
    let summed: Map<string, tf.Tensor> | undefined;
    for (const part of micro) {
      const result = causalLmGradients(this.weights, this.rope, part, trainable);
      lossSum += result.lossSum;
      tokens += result.tokens;
      if (!summed) summed = result.gradients;
      else {
        for (const [name, g] of result.gradients) {
          const total = tf.add(summed.get(name)!, g);
          tf.dispose([summed.get(name)!, g]);
          summed.set(name, total);
        }
      }
    }
    const gradients = summed ?? new Map<string, tf.Tensor>();
    let gradNorm = 0;
    try {
      const scale = tokens > 0 ? 1 / tokens : 0;
      gradNorm = tokens > 0 ? globalNorm(gradients) * scale : 0;
      const clip = maxGradNorm > 0 && gradNorm > maxGradNorm ? maxGradNorm / gradNorm : 1;
      const final = new Map<string, tf.Tensor>();
      for (const [name, g] of gradients) final.set(name, tf.mul(g, scale * clip));
      optimizer.apply(final);
      tf.dispose([...final.values()]);
    } finally {
      tf.dispose([...gradients.values()]);
    }
    return { loss: tokens > 0 ? lossSum / tokens : 0, tokens, gradNorm };
  }

  optimizerState(): Promise<OptimizerState> {
    return this.requireOptimizer().exportState();
  }

  async loadOptimizerState(state: OptimizerState): Promise<void> {
    this.requireOptimizer().importState(state);
  }

  async snapshot(modules: readonly ModuleId[]): Promise<ModuleSnapshot> {
    const names = modules.flatMap((m) => this.tensorsOfModule(m));
    return { modules: [...modules], tensors: await this.weights.read(names) };
  }

  async restore(snapshot: ModuleSnapshot): Promise<void> {
    this.weights.write(snapshot.tensors);
  }

  getWeights(names: readonly string[]): Promise<NamedTensor[]> {
    return this.weights.read(names);
  }

  async setWeights(tensors: readonly NamedTensor[]): Promise<void> {
    this.weights.write(tensors);
  }

  /** Hugging Face names of every weight tensor (a tied head is the embedding matrix and is not listed). */
  tensorNames(): string[] {
    return this.weights.names();
  }

  async save(dir: string): Promise<void> {
    const tensors = await this.weights.read(this.weights.names());
    await saveCheckpoint(dir, {
      config: this.source.config,
      tensors,
      ...(this.source.dir ? { copyFrom: this.source.dir } : {}),
    });
  }

  async dispose(): Promise<void> {
    this.optimizer?.dispose();
    this.optimizer = undefined;
    this.weights.dispose();
    tf.dispose([this.rope.cos, this.rope.sin]);
  }

  private tensorsOfModule(module: ModuleId): string[] {
    return moduleTensorNames(module, { qkvBias: this.architecture.qkvBias });
  }

  private padId(): number {
    return this.architecture.padTokenId ?? this.architecture.eosTokenIds[0] ?? 0;
  }

  private requireOptimizer(): GroupedAdamW {
    if (!this.optimizer) throw new MllrError('ARGUMENT_INVALID', 'call configure(groups, settings) before training');
    return this.optimizer;
  }
}

/**
 * Lets queued I/O run. tfjs on wasm/cpu resolves `data()` at once, so a loop of engine calls would otherwise run
 * on microtasks alone and starve IPC: a stop request or a test runner's heartbeat would wait until the loop ends.
 */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function globalNorm(gradients: ReadonlyMap<string, tf.Tensor>): number {
  if (gradients.size === 0) return 0;
  const total = tf.tidy(() => tf.sqrt(tf.addN([...gradients.values()].map((g) => tf.sum(tf.square(g))))));
  const value = total.dataSync()[0]!;
  total.dispose();
  return value;
}
