import { checkLossTargets, markLossPositions, MllrError, type ModelArchitecture, type TrainExample } from '@mllr/core';
import type { LoraSettings } from '@mllr/core';
import { parameterCount } from '@mllr/model';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { createSession, type SessionSettings } from '../engine/execution-provider.js';
import { loadOnnxRuntime, type OnnxRuntime } from '../engine/load-runtime.js';
import { padRight } from '../engine/padded-batch.js';
import { buildTrainingGraph, TRAIN_IO, type TrainingGraph } from './training-graph.js';

/** One micro-batch's loss and gradients (summed over its response tokens, not averaged). */
export interface MicroBatchResult {
  lossSum: number;
  /** Response tokens counted in `lossSum`. */
  tokens: number;
  /** d lossSum / d tensor for each trainable tensor (fresh arrays the caller owns). */
  grads: Map<string, Float32Array>;
  /** Σ grad² of each trainable tensor (of this micro-batch's gradient alone); empty when the graph leaves them out. */
  gradSquares: Map<string, number>;
}

/** The int64/float32 inputs of the training graph for a micro-batch (right padding, as the tfjs engine trains). */
export interface TrainingBatch {
  size: number;
  width: number;
  ids: BigInt64Array;
  attentionMask: BigInt64Array;
  positions: BigInt64Array;
  lossMask: Float32Array;
  tokens: number;
}

/**
 * The training graph's inputs for `examples`: position t is counted when token t+1 is a response token (t+1 ≥
 * promptLength, or inside one of the example's `responseSpans`; core's markLossPositions, as the tfjs engine). An
 * example without response tokens is an error, as in the tfjs engine.
 */
export function trainingBatch(arch: ModelArchitecture, examples: readonly TrainExample[]): TrainingBatch {
  examples.forEach((e, i) => checkLossTargets(e, i));
  const padId = arch.padTokenId ?? arch.eosTokenIds[0] ?? 0;
  const padded = padRight(
    examples.map((e) => e.ids),
    padId,
    arch.maxPositionEmbeddings,
    arch.vocabSize,
  );
  const lossMask = new Float32Array(padded.size * padded.width);
  let tokens = 0;
  examples.forEach((e, b) => (tokens += markLossPositions(e, lossMask, b * padded.width)));
  return {
    size: padded.size,
    width: padded.width,
    ids: padded.ids,
    attentionMask: padded.mask,
    positions: padded.positions,
    lossMask,
    tokens,
  };
}

/** Float32 weights above which a training session runs without ONNX Runtime's memory arena. */
export const TRAINING_ARENA_LIMIT_BYTES = 2 ** 30;

/**
 * Whether a training session for `arch` keeps ONNX Runtime's CPU memory arena: yes for models of up to 1 GiB of
 * weights, where reusing the arena's blocks is a quarter of a small step's time; no above, where the arena holds the
 * step's whole high-water mark (gradients and activations) between steps: a Qwen2.5-0.5B-shaped full fine-tuning
 * step (1 × 256) peaked at 13.97 GB with it and 11.74 GB without, at about the same step time (docs/performance.md).
 */
export function trainingMemoryArena(arch: ModelArchitecture): boolean {
  return parameterCount(arch) * 4 <= TRAINING_ARENA_LIMIT_BYTES;
}

/**
 * An onnxruntime-node session over a {@link buildTrainingGraph} graph: one call to {@link compute} is one
 * micro-batch's forward and backward. The session is built once per trainable set; weights are fed on every call.
 * It is a `GradientSource` of the ONNX training engine (train/gradient-source.ts: `trainable`, `compute`,
 * `dispose`); {@link trainingGraphSources} is the matching factory.
 *
 * ```ts
 * const session = await TrainingGraphSession.create(arch, { trainable: ['model.layers.0.mlp.up_proj.weight'] });
 * const { lossSum, tokens, grads } = await session.compute(examples, weights); // weights: every tensor, by HF name
 * await session.dispose();
 * ```
 */
export class TrainingGraphSession {
  private constructor(
    private readonly ort: OnnxRuntime,
    private readonly session: InferenceSession,
    /** The graph this session runs. */
    readonly graph: TrainingGraph,
    /** The device the session runs on. */
    readonly device: 'cpu' | 'cuda',
  ) {}

  /** Builds the training graph of `arch` and opens a session for it (`settings`: device, threads). */
  static async create(
    arch: ModelArchitecture,
    options: {
      trainable: readonly string[];
      gradSquares?: boolean;
      settings?: SessionSettings;
      adapter?: LoraSettings;
    },
  ): Promise<TrainingGraphSession> {
    const graph = buildTrainingGraph(arch, {
      trainable: options.trainable,
      gradSquares: options.gradSquares,
      ...(options.adapter ? { adapter: options.adapter } : {}),
    });
    const ort = await loadOnnxRuntime();
    const settings = { memoryArena: trainingMemoryArena(arch), ...options.settings };
    const { session, device } = await createSession(ort, graph.model, settings);
    return new TrainingGraphSession(ort, session, graph, device);
  }

  /** The tensors that get gradients. */
  get trainable(): readonly string[] {
    return this.graph.trainable;
  }

  /**
   * Loss and gradients of one micro-batch. `weights` holds every tensor of the checkpoint (trainable and frozen) by
   * Hugging Face name, float32 in the checkpoint's layout; the arrays are read, not kept.
   */
  async compute(
    examples: readonly TrainExample[],
    weights: ReadonlyMap<string, Float32Array>,
  ): Promise<MicroBatchResult> {
    const batch = trainingBatch(this.graph.architecture, examples);
    const { Tensor } = this.ort;
    const dims = [batch.size, batch.width];
    const feeds: Record<string, Tensor> = {
      [TRAIN_IO.inputIds]: new Tensor('int64', batch.ids, dims),
      [TRAIN_IO.attentionMask]: new Tensor('int64', batch.attentionMask, dims),
      [TRAIN_IO.positionIds]: new Tensor('int64', batch.positions, dims),
      [TRAIN_IO.lossMask]: new Tensor('float32', batch.lossMask, dims),
    };
    for (const [name, shape] of this.graph.tensors) {
      const data = weights.get(name);
      const size = shape.reduce((n, d) => n * d, 1);
      if (!data) throw new MllrError('ARGUMENT_INVALID', `no weights given for tensor ${name}`);
      if (data.length !== size)
        throw new MllrError(
          'ARGUMENT_INVALID',
          `tensor ${name} has ${data.length} values but its shape [${shape}] needs ${size}`,
        );
      feeds[name] = new Tensor('float32', data, [...shape]);
    }
    const out = await this.session.run(feeds);
    const grads = new Map<string, Float32Array>();
    const gradSquares = new Map<string, number>();
    for (const name of this.graph.trainable) {
      grads.set(name, out[TRAIN_IO.grad(name)]!.data as Float32Array);
      const square = out[TRAIN_IO.gradSquare(name)];
      if (square) gradSquares.set(name, Number(square.data[0]));
    }
    return {
      lossSum: Number(out[TRAIN_IO.lossSum]!.data[0]),
      tokens: Number(out[TRAIN_IO.tokenCount]!.data[0]),
      grads,
      gradSquares,
    };
  }

  /** Frees the session. */
  async dispose(): Promise<void> {
    await this.session.release();
  }
}

/**
 * A factory of training-graph sessions with fixed session settings, in the shape the ONNX training engine asks for
 * (`GradientSourceFactory`: a new source whenever the set of trainable tensors changes). Its graphs leave out
 * `grad_sq.<name>` unless asked: the engine takes the norm of the accumulated gradient itself.
 */
export function trainingGraphSources(
  settings: SessionSettings = {},
  options: { gradSquares?: boolean } = {},
): (request: {
  architecture: ModelArchitecture;
  trainable: readonly string[];
  adapter?: LoraSettings;
}) => Promise<TrainingGraphSession> {
  const gradSquares = options.gradSquares ?? false;
  return (request) =>
    TrainingGraphSession.create(request.architecture, {
      trainable: request.trainable,
      gradSquares,
      settings,
      ...(request.adapter ? { adapter: request.adapter } : {}),
    });
}
