import { MllrError, chooseToken, createRng, type BatchLogits, type GenerateOptions, type ModelArchitecture, type TokenBatch } from '@mllr/core';
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

/** What a runner needs from its engine: the (lazily built) session, and whether the engine was disposed. */
export interface SessionSource {
  session(): Promise<InferenceSession>;
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
    // Left padding put each sequence at the end of its row; cut the padding back off.
    const data = batch.sequences.map((seq, b) => {
      const start = (b * padded.width + padded.width - seq.length) * vocab;
      return values.slice(start, start + seq.length * vocab);
    });
    return { vocabSize: vocab, data };
  }

  /**
   * Continues each prompt with the KV cache: one run over the left-padded prompts, then one single-token run per
   * step that feeds the previous `present` key/values back as `past_key_values`. A sequence ends at a stop token
   * (kept in its output) or at `maxNewTokens`; generation also ends where the model's context ends.
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
    const cacheNames = Array.from({ length: arch.numLayers }, (_, l) => [IO_NAMES.presentKey(l), IO_NAMES.presentValue(l)]).flat();

    let out = await this.run(batch, undefined, [IO_NAMES.logits, ...cacheNames]);
    let logits = lastColumn(out[IO_NAMES.logits]!, vocab);
    let mask = batch.mask;
    let width = batch.width;
    const positions = batch.lengths.map(BigInt);
    for (let step = 0; step < Math.min(options.maxNewTokens, room + 1); step++) {
      const chosen = prompts.map((_, b) => {
        if (done[b]) return padId;
        const token = chooseToken(logits, b * vocab, vocab, options, rng);
        outputs[b]!.push(token);
        if (stop.has(token) || outputs[b]!.length >= options.maxNewTokens) done[b] = true;
        return token;
      });
      if (done.every(Boolean) || step === room) break;
      mask = appendColumn(mask, batch.size, width, 1n);
      width++;
      const next: PaddedBatch = { size: batch.size, width, lengths: batch.lengths, ids: BigInt64Array.from(chosen.map(BigInt)), positions: BigInt64Array.from(positions), mask };
      out = await this.run(next, out, [IO_NAMES.logits, ...cacheNames], 1);
      logits = out[IO_NAMES.logits]!.data as Float32Array;
      for (let b = 0; b < positions.length; b++) positions[b]! += 1n;
    }
    return outputs;
  }

  /**
   * One session run over a padded batch: `previous` holds the last run's outputs, whose `present` key/values
   * become this run's past (none: a past of length 0); `steps` is how many new tokens each row carries. Lets
   * queued I/O run first, since a run blocks the event loop while it computes.
   */
  async run(batch: PaddedBatch, previous: RunOutputs | undefined, fetches: readonly string[], steps = batch.width): Promise<RunOutputs> {
    if (this.source.disposed()) throw new MllrError('ARGUMENT_INVALID', 'the onnx engine was disposed');
    await nextTurn();
    const { Tensor } = this.ort;
    const arch = this.architecture;
    const feeds: Record<string, Tensor> = {
      [IO_NAMES.inputIds]: new Tensor('int64', batch.ids, [batch.size, steps]),
      [IO_NAMES.attentionMask]: new Tensor('int64', batch.mask, [batch.size, batch.width]),
    };
    if (this.inputs.positionIds) feeds[IO_NAMES.positionIds] = new Tensor('int64', batch.positions, [batch.size, steps]);
    if (this.inputs.useCacheBranch) feeds[USE_CACHE_BRANCH] = new Tensor('bool', Uint8Array.of(previous ? 1 : 0), [1]);
    const empty = [batch.size, arch.numKvHeads, 0, arch.headDim];
    for (let l = 0; l < arch.numLayers; l++) {
      feeds[IO_NAMES.pastKey(l)] = previous ? previous[IO_NAMES.presentKey(l)]! : new Tensor('float32', new Float32Array(0), empty);
      feeds[IO_NAMES.pastValue(l)] = previous ? previous[IO_NAMES.presentValue(l)]! : new Tensor('float32', new Float32Array(0), empty);
    }
    const session = await this.source.session();
    return session.run(feeds, fetches);
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

/** The logits of the last position of each row: [B, T, V] → B·V values. */
function lastColumn(logits: Tensor, vocab: number): Float32Array {
  const [batch, steps] = logits.dims as [number, number, number];
  const values = logits.data as Float32Array;
  const out = new Float32Array(batch * vocab);
  for (let b = 0; b < batch; b++) out.set(values.subarray((b * steps + steps - 1) * vocab, (b * steps + steps) * vocab), b * vocab);
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
