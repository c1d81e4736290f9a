import type { TrainExample } from '@mllr/core';
import type { GradientSource, GradientSourceFactory, MicroBatchGradients } from '../train/gradient-source.js';

/** Where response token `y` pulls value `i` of every tensor: a fixed grid in [−0.5, 0.5]. */
export function quadraticTarget(y: number, i: number): number {
  return (((i * 7 + y * 13) % 17) - 8) / 16;
}

/** The response tokens of a batch: token t+1 for every t whose t+1 is past the prompt (the causal-LM loss's labels). */
export function responseTokens(batch: readonly TrainExample[]): number[] {
  return batch.flatMap((e) => e.ids.slice(Math.max(1, e.promptLength)));
}

/** Options of {@link QuadraticGradientSource}. */
export interface QuadraticSourceOptions {
  /** Write every call's gradients into the same arrays (as a source with preallocated outputs may). */
  reuseBuffers?: boolean;
}

/**
 * A gradient source whose loss has a closed-form gradient, for testing the optimizer side without a model: every
 * response token y adds ½·(w_i − target(y, i))² for every value i of every tensor (frozen ones included), so
 * d lossSum / d w_i = Σ_y (w_i − target(y, i)). Computed in float64, returned as float32. Records each call.
 */
export class QuadraticGradientSource implements GradientSource {
  /** Every call: the micro-batch it got and the trainable tensors. */
  readonly calls: TrainExample[][] = [];
  disposed = false;
  private readonly buffers = new Map<string, Float32Array>();

  constructor(
    readonly trainable: readonly string[],
    private readonly options: QuadraticSourceOptions = {},
  ) {}

  async compute(
    batch: readonly TrainExample[],
    weights: ReadonlyMap<string, Float32Array>,
  ): Promise<MicroBatchGradients> {
    if (this.disposed) throw new Error('compute after dispose');
    this.calls.push([...batch]);
    const ys = responseTokens(batch);
    let lossSum = 0;
    for (const w of weights.values()) {
      for (const y of ys) for (let i = 0; i < w.length; i++) lossSum += 0.5 * (w[i]! - quadraticTarget(y, i)) ** 2;
    }
    const grads = new Map<string, Float32Array>();
    for (const name of this.trainable) {
      const w = weights.get(name)!;
      let g = this.options.reuseBuffers ? this.buffers.get(name) : undefined;
      if (!g) {
        g = new Float32Array(w.length);
        if (this.options.reuseBuffers) this.buffers.set(name, g);
      }
      for (let i = 0; i < w.length; i++) {
        let sum = 0;
        for (const y of ys) sum += w[i]! - quadraticTarget(y, i);
        g[i] = sum;
      }
      grads.set(name, g);
    }
    return { lossSum, tokens: ys.length, grads };
  }

  async dispose(): Promise<void> {
    this.disposed = true;
  }
}

/** A factory of quadratic sources that keeps every source it opened, in order. */
export function quadraticSources(options: QuadraticSourceOptions = {}): {
  factory: GradientSourceFactory;
  opened: QuadraticGradientSource[];
} {
  const opened: QuadraticGradientSource[] = [];
  const factory: GradientSourceFactory = async ({ trainable }) => {
    const source = new QuadraticGradientSource(trainable, options);
    opened.push(source);
    return source;
  };
  return { factory, opened };
}
