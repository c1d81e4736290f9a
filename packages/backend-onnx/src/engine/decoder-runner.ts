import {
  MllrError,
  chooseToken,
  createRng,
  type BatchLogits,
  type GenerateOptions,
  type ModelArchitecture,
  type TokenBatch,
} from '@mllr/core';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { IO_NAMES } from '../export/decoder-graph.js';
import type { OnnxRuntime } from './load-runtime.js';
import { padLeft, type PaddedBatch } from './padded-batch.js';

/** The inputs a decoder graph takes beyond input_ids, attention_mask and past_key_values.<i>.key/value. */
export interface DecoderInputs {
  /**
   * Whether the graph has a `position_ids` input. Without it the graph counts positions from the cache length, so
   * left padding shifts a row's positions by its padding; with rotary embeddings (every family mllr reads)
   * attention depends only on position differences, so the row's outputs stay those it gets alone, up to rounding.
   */
  positionIds: boolean;
  /**
   * Whether the graph is a merged decoder with a bool `use_cache_branch` input (Optimum's older layout): false on
   * the first run (past of length 0), true on every later one.
   */
  useCacheBranch: boolean;
}

/**
 * What a runner needs from its engine: the (lazily built) session, what that session needs fed beside the
 * decoder's inputs, and whether the engine was disposed.
 */
export interface SessionSource {
  session(): Promise<InferenceSession>;
  /** Tensors fed to `session` at every run beside the decoder's inputs (weights it takes as graph inputs); none if absent. */
  extraFeeds?(session: InferenceSession): Readonly<Record<string, Tensor>> | undefined;
  disposed(): boolean;
}

/** The bool input of a merged decoder that picks the branch with past key/values. */
export const USE_CACHE_BRANCH = 'use_cache_branch';

/** One session run's outputs, by name. */
export type RunOutputs = InferenceSession.OnnxValueMapType;

/**
 * Logits and KV-cache generation over any decoder graph with Hugging Face Optimum's input and output names
 * (mllr's own export and Optimum's): left padding with positions that count real tokens only, the tfjs engine's
 * stopping and sampling rules, and `present` outputs fed back as `past_key_values`. Both ONNX engines use it.
 */
export class DecoderRunner {
  constructor(
    private readonly ort: OnnxRuntime,
    readonly architecture: ModelArchitecture,
    private readonly inputs: DecoderInputs,
    private readonly source: SessionSource,
  ) {}

  async logits(batch: TokenBatch): Promise<BatchLogits> {
    const vocab = this.architecture.vocabSize;
    const padded = this.pad(batch.sequences);
    const out = await this.run(padded, undefined, [IO_NAMES.logits]);
    const values = out[IO_NAMES.logits]!.data as Float32Array;
    // Left padding put each sequence at the end of its row; cut the padding back off. Views, not copies: the
    // output buffer is this call's own (onnxruntime-node copies every output into a new one), and copying the
    // logits again took about 1 % of a 16 × 128 forward.
    const data = batch.sequences.map((seq, b) => {
      const start = (b * padded.width + padded.width - seq.length) * vocab;
      return values.subarray(start, start + seq.length * vocab);
    });
    return { vocabSize: vocab, data };
  }

  /**
   * Continues each prompt with the KV cache: one run over the left-padded prompts, then one single-token run per
   * step. A sequence ends at a stop token (kept in its output) or at `maxNewTokens`; generation also ends where the
   * model's context ends. Where the graph also returns each run's own keys and values (mllr's export), the cache
   * lives here, in one buffer per layer sized for the whole generation: each step feeds it as the past (unused
   * slots masked) and fetches only the new token's keys and values, instead of copying the whole `present` cache
   * out of ONNX Runtime and back in at every step. Other graphs feed `present` back as `past_key_values`.
   */
  async generate(prompts: number[][], options: GenerateOptions): Promise<number[][]> {
    const arch = this.architecture;
    const vocab = arch.vocabSize;
    const stop = new Set(options.stopTokenIds ?? arch.eosTokenIds);
    const padId = this.padId();
    const rng = createRng(options.seed ?? 0);
    const batch = this.pad(prompts);
    const outputs: number[][] = prompts.map(() => []);
    const done = prompts.map(() => options.maxNewTokens <= 0);
    const room = arch.maxPositionEmbeddings - batch.width;
    const steps = Math.min(options.maxNewTokens, room + 1);
    const cacheNames = Array.from({ length: arch.numLayers }, (_, l) => [
      IO_NAMES.presentKey(l),
      IO_NAMES.presentValue(l),
    ]).flat();
    const newNames = Array.from({ length: arch.numLayers }, (_, l) => [
      IO_NAMES.newKey(l),
      IO_NAMES.newValue(l),
    ]).flat();
    const ownCache = (await this.source.session()).outputNames.includes(IO_NAMES.newKey(0));

    let out = await this.run(batch, undefined, [IO_NAMES.logits, ...cacheNames]);
    let logits = lastColumn(out[IO_NAMES.logits]!, vocab);
    const cache = ownCache ? KvCache.fromPresent(out, arch, batch, batch.width + steps) : undefined;
    let mask = batch.mask;
    let width = batch.width;
    const positions = batch.lengths.map(BigInt);
    for (let step = 0; step < steps; step++) {
      const chosen = prompts.map((_, b) => {
        if (done[b]) return padId;
        const token = chooseToken(logits, b * vocab, vocab, options, rng);
        outputs[b]!.push(token);
        if (stop.has(token) || outputs[b]!.length >= options.maxNewTokens) done[b] = true;
        return token;
      });
      if (done.every(Boolean) || step === room) break;
      const ids = BigInt64Array.from(chosen.map(BigInt));
      if (cache) {
        const next: PaddedBatch = {
          size: batch.size,
          width: cache.capacity + 1,
          lengths: batch.lengths,
          ids,
          positions: BigInt64Array.from(positions),
          mask: cache.mask,
        };
        out = await this.run(next, cache.tensors(this.ort), [IO_NAMES.logits, ...newNames], 1);
        cache.append(out);
      } else {
        mask = appendColumn(mask, batch.size, width, 1n);
        width++;
        const next: PaddedBatch = {
          size: batch.size,
          width,
          lengths: batch.lengths,
          ids,
          positions: BigInt64Array.from(positions),
          mask,
        };
        out = await this.run(next, out, [IO_NAMES.logits, ...cacheNames], 1);
      }
      logits = out[IO_NAMES.logits]!.data as Float32Array;
      for (let b = 0; b < positions.length; b++) positions[b]! += 1n;
    }
    return outputs;
  }

  /**
   * One session run over a padded batch: `previous` holds the last run's outputs, whose `present` key/values
   * become this run's past, or the past itself (key and value per layer); none: a past of length 0. `steps` is how
   * many new tokens each row carries. Lets queued I/O run first, since a run blocks the event loop while it computes.
   */
  async run(
    batch: PaddedBatch,
    previous: RunOutputs | readonly Tensor[] | undefined,
    fetches: readonly string[],
    steps = batch.width,
  ): Promise<RunOutputs> {
    if (this.source.disposed()) throw new MllrError('ARGUMENT_INVALID', 'the onnx engine was disposed');
    await nextTurn();
    const { Tensor } = this.ort;
    const arch = this.architecture;
    const feeds: Record<string, Tensor> = {
      [IO_NAMES.inputIds]: new Tensor('int64', batch.ids, [batch.size, steps]),
      [IO_NAMES.attentionMask]: new Tensor('int64', batch.mask, [batch.size, batch.width]),
    };
    if (this.inputs.positionIds)
      feeds[IO_NAMES.positionIds] = new Tensor('int64', batch.positions, [batch.size, steps]);
    if (this.inputs.useCacheBranch) feeds[USE_CACHE_BRANCH] = new Tensor('bool', Uint8Array.of(previous ? 1 : 0), [1]);
    const empty = [batch.size, arch.numKvHeads, 0, arch.headDim];
    const past = (l: number, part: 0 | 1): Tensor => {
      if (!previous) return new Tensor('float32', new Float32Array(0), empty);
      if (Array.isArray(previous)) return (previous as readonly Tensor[])[2 * l + part]!;
      return (previous as RunOutputs)[part === 0 ? IO_NAMES.presentKey(l) : IO_NAMES.presentValue(l)]!;
    };
    for (let l = 0; l < arch.numLayers; l++) {
      feeds[IO_NAMES.pastKey(l)] = past(l, 0);
      feeds[IO_NAMES.pastValue(l)] = past(l, 1);
    }
    const session = await this.source.session();
    return session.run({ ...feeds, ...this.source.extraFeeds?.(session) }, fetches);
  }

  /** Left-pads sequences for the graph (every last token in the last column). */
  pad(sequences: readonly (readonly number[])[]): PaddedBatch {
    const arch = this.architecture;
    return padLeft(sequences, this.padId(), arch.maxPositionEmbeddings, arch.vocabSize);
  }

  private padId(): number {
    return this.architecture.padTokenId ?? this.architecture.eosTokenIds[0] ?? 0;
  }
}

/**
 * A generation's key/value cache held on the JavaScript side: per layer a key and a value buffer of
 * [batch, kv_heads, capacity, head_dim], and the attention mask over its slots plus the token being fed (always
 * visible). The prompt's `present` fills the first slots; each step's new keys and values go into the next one.
 * Unused slots are zeros and masked, so they add exactly nothing to attention.
 */
class KvCache {
  /** [batch, capacity + 1]: 1 where a slot holds a real token; the last column is the token being fed. */
  readonly mask: BigInt64Array;
  private readonly buffers: Float32Array[];
  private used: number;

  private constructor(
    private readonly arch: ModelArchitecture,
    private readonly batchSize: number,
    readonly capacity: number,
    promptMask: BigInt64Array,
    promptWidth: number,
  ) {
    this.buffers = Array.from(
      { length: 2 * arch.numLayers },
      () => new Float32Array(batchSize * arch.numKvHeads * capacity * arch.headDim),
    );
    this.mask = new BigInt64Array(batchSize * (capacity + 1));
    for (let b = 0; b < batchSize; b++) {
      this.mask.set(promptMask.subarray(b * promptWidth, (b + 1) * promptWidth), b * (capacity + 1));
      this.mask[b * (capacity + 1) + capacity] = 1n;
    }
    this.used = promptWidth;
  }

  /** A cache of `capacity` slots holding the prompt run's `present` keys and values. */
  static fromPresent(out: RunOutputs, arch: ModelArchitecture, batch: PaddedBatch, capacity: number): KvCache {
    const cache = new KvCache(arch, batch.size, capacity, batch.mask, batch.width);
    for (let l = 0; l < arch.numLayers; l++) {
      cache.write(2 * l, out[IO_NAMES.presentKey(l)]!.data as Float32Array, 0, batch.width);
      cache.write(2 * l + 1, out[IO_NAMES.presentValue(l)]!.data as Float32Array, 0, batch.width);
    }
    return cache;
  }

  /** The past to feed: key and value per layer, [batch, kv_heads, capacity, head_dim], without copying. */
  tensors(ort: OnnxRuntime): Tensor[] {
    const dims = [this.batchSize, this.arch.numKvHeads, this.capacity, this.arch.headDim];
    return this.buffers.map((data) => new ort.Tensor('float32', data, dims));
  }

  /** Stores a single-token run's new keys and values in the next slot and makes that slot visible. */
  append(out: RunOutputs): void {
    if (this.used >= this.capacity)
      throw new MllrError('INTERNAL', `the generation cache of ${this.capacity} slots is full`);
    for (let l = 0; l < this.arch.numLayers; l++) {
      this.write(2 * l, out[IO_NAMES.newKey(l)]!.data as Float32Array, this.used, 1);
      this.write(2 * l + 1, out[IO_NAMES.newValue(l)]!.data as Float32Array, this.used, 1);
    }
    for (let b = 0; b < this.batchSize; b++) this.mask[b * (this.capacity + 1) + this.used] = 1n;
    this.used++;
  }

  /** Copies `width` positions of [batch, kv_heads, width, head_dim] into slots from `slot` on. */
  private write(buffer: number, source: Float32Array, slot: number, width: number): void {
    const { numKvHeads, headDim } = this.arch;
    const target = this.buffers[buffer]!;
    for (let row = 0; row < this.batchSize * numKvHeads; row++) {
      target.set(
        source.subarray(row * width * headDim, (row + 1) * width * headDim),
        (row * this.capacity + slot) * headDim,
      );
    }
  }
}

/** The logits of the last position of each row: [B, T, V] → B·V values. */
function lastColumn(logits: Tensor, vocab: number): Float32Array {
  const [batch, steps] = logits.dims as [number, number, number];
  const values = logits.data as Float32Array;
  const out = new Float32Array(batch * vocab);
  for (let b = 0; b < batch; b++)
    out.set(values.subarray((b * steps + steps - 1) * vocab, (b * steps + steps) * vocab), b * vocab);
  return out;
}

/** A [rows, width] int64 matrix with one more column holding `value`. */
function appendColumn(matrix: BigInt64Array, rows: number, width: number, value: bigint): BigInt64Array {
  const out = new BigInt64Array(rows * (width + 1));
  for (let r = 0; r < rows; r++) {
    out.set(matrix.subarray(r * width, (r + 1) * width), r * (width + 1));
    out[r * (width + 1) + width] = value;
  }
  return out;
}

/**
 * Lets queued I/O run between engine calls, as the tfjs engine does: a loop of runs would otherwise hold the event
 * loop, and a stop request or heartbeat over IPC would wait until it ends.
 */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
