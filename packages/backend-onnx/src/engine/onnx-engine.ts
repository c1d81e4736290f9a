import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  MllrError,
  createRng,
  type BatchLogits,
  type GenerateOptions,
  type InferenceEngine,
  type LastTokenHiddenStates,
  type ModelArchitecture,
  type NamedTensor,
  type TokenBatch,
} from '@mllr/core';
import { expectedTensorShapes } from '@mllr/model';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { IO_NAMES } from '../export/decoder-graph.js';
import { encodeDecoderModel } from '../export/encode-model.js';
import { exportOnnx, readOnnxExport, readOnnxWeights, type OnnxExport, type OnnxExportInfo } from '../export/export-onnx.js';
import { tensorMap, type ModelSource } from '../export/model-source.js';
import { chooseToken } from '@mllr/core';
import { createSession, type SessionSettings } from './execution-provider.js';
import { loadOnnxRuntime, type OnnxRuntime } from './load-runtime.js';
import { padLeft, type PaddedBatch } from './padded-batch.js';

/** How to start the engine: device (`auto`, `cpu`, `cuda`), CPU threads, where notices go. */
export type OnnxEngineOptions = SessionSettings;

/** Weights larger than this are handed to ONNX Runtime through a temporary external-data export, not one buffer. */
const INLINE_LIMIT_BYTES = 1.5 * 2 ** 30;

/** The weights a session is built from: in memory, or an export folder's files as they are on disk. */
type WeightOrigin = { kind: 'memory'; tensors: Map<string, NamedTensor> } | { kind: 'export'; info: OnnxExportInfo };

/**
 * Inference on ONNX Runtime (onnxruntime-node) over mllr's decoder export: logits, per-layer last-token hidden
 * states and KV-cache generation, with the same padding, stopping and sampling rules as the tfjs engine. One
 * session serves every call; replacing weights rebuilds it (lazily, at the next call).
 */
export class OnnxEngine implements InferenceEngine {
  readonly name = 'onnx';
  private session: Promise<{ session: InferenceSession; device: 'cpu' | 'cuda' }> | undefined;
  private currentDevice: string;
  private tempDir: string | undefined;
  private disposed = false;

  private constructor(
    private readonly ort: OnnxRuntime,
    readonly architecture: ModelArchitecture,
    private origin: WeightOrigin,
    private settings: OnnxEngineOptions,
    created: { session: InferenceSession; device: 'cpu' | 'cuda' },
  ) {
    this.session = Promise.resolve(created);
    this.currentDevice = created.device;
    this.settleDevice(created.device);
  }

  /** An engine on a model in memory (a loaded checkpoint, or another engine's weights); nothing is written to disk. */
  static async create(source: ModelSource, options: OnnxEngineOptions = {}): Promise<OnnxEngine> {
    const ort = await loadOnnxRuntime();
    const tensors = tensorMap(source.tensors);
    const origin: WeightOrigin = { kind: 'memory', tensors };
    const holder: { tempDir?: string } = {};
    const created = await sessionFor(ort, source.architecture, origin, options, holder);
    const engine = new OnnxEngine(ort, source.architecture, origin, options, created);
    engine.tempDir = holder.tempDir;
    return engine;
  }

  /** An engine on a folder written by exportOnnx (model.onnx + model.onnx.data), loaded by ONNX Runtime from disk. */
  static async open(dir: string, options: OnnxEngineOptions = {}): Promise<OnnxEngine> {
    const ort = await loadOnnxRuntime();
    const info = await readOnnxExport(dir);
    const origin: WeightOrigin = { kind: 'export', info };
    const created = await sessionFor(ort, info.architecture, origin, options, {});
    return new OnnxEngine(ort, info.architecture, origin, options, created);
  }

  /** `cpu` or `cuda`: the execution provider really in use. */
  get device(): string {
    return this.currentDevice;
  }

  async logits(batch: TokenBatch): Promise<BatchLogits> {
    const vocab = this.architecture.vocabSize;
    const padded = this.pad(batch.sequences);
    const out = await this.run(padded, emptyPast, [IO_NAMES.logits]);
    const values = out[IO_NAMES.logits]!.data as Float32Array;
    // Left padding put each sequence at the end of its row; cut the padding back off.
    const data = batch.sequences.map((seq, b) => {
      const start = (b * padded.width + padded.width - seq.length) * vocab;
      return values.slice(start, start + seq.length * vocab);
    });
    return { vocabSize: vocab, data };
  }

  async lastTokenHiddenStates(batch: TokenBatch, layers?: number[]): Promise<LastTokenHiddenStates> {
    const { numLayers, hiddenSize } = this.architecture;
    const wanted = layers ?? Array.from({ length: numLayers }, (_, i) => i);
    for (const l of wanted) {
      if (!Number.isInteger(l) || l < 0 || l >= numLayers) {
        throw new MllrError('ARGUMENT_INVALID', `layer ${l} does not exist; the model has layers 0-${numLayers - 1}`);
      }
    }
    const padded = this.pad(batch.sequences);
    const names = [...new Set(wanted)].map((l) => IO_NAMES.hiddenState(l));
    const out = await this.run(padded, emptyPast, names);
    return {
      hiddenSize,
      layers: wanted.map((l) => {
        const values = out[IO_NAMES.hiddenState(l)]!.data as Float32Array;
        return batch.sequences.map((_, b) => values.slice(b * hiddenSize, (b + 1) * hiddenSize));
      }),
    };
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

    let out = await this.run(batch, emptyPast, [IO_NAMES.logits, ...cacheNames]);
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
      const previous = out;
      out = await this.run(next, (l) => [previous[IO_NAMES.presentKey(l)]!, previous[IO_NAMES.presentValue(l)]!], [IO_NAMES.logits, ...cacheNames], 1);
      logits = out[IO_NAMES.logits]!.data as Float32Array;
      for (let b = 0; b < positions.length; b++) positions[b]! += 1n;
    }
    return outputs;
  }

  /** Replaces some weights (shapes must match); the session is rebuilt with them at the next call. */
  async setWeights(tensors: readonly NamedTensor[]): Promise<void> {
    const shapes = expectedTensorShapes(this.architecture);
    for (const t of tensors) {
      const shape = shapes.get(t.name);
      if (!shape) throw new MllrError('ARGUMENT_INVALID', `the model has no tensor ${t.name}`);
      if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i]) || t.data.length !== shape.reduce((n, d) => n * d, 1)) {
        throw new MllrError('ARGUMENT_INVALID', `tensor ${t.name} has shape [${t.shape}] but the model's is [${shape}]`);
      }
    }
    const weights = await this.memoryWeights();
    for (const t of tensors) weights.set(t.name, { name: t.name, shape: [...t.shape], data: Float32Array.from(t.data) });
    const old = this.session;
    this.session = undefined;
    await old?.then((s) => s.session.release(), () => undefined);
  }

  /** Copies of weights by Hugging Face name. */
  async getWeights(names: readonly string[]): Promise<NamedTensor[]> {
    const weights = await this.memoryWeights();
    return names.map((name) => {
      const t = weights.get(name);
      if (!t) throw new MllrError('ARGUMENT_INVALID', `the model has no tensor ${name}`);
      return { name, shape: [...t.shape], data: t.data.slice() };
    });
  }

  /** Writes the current weights as an export folder (model.onnx + model.onnx.data + config.json). */
  async exportTo(dir: string): Promise<OnnxExport> {
    return exportOnnx({ architecture: this.architecture, tensors: await this.memoryWeights() }, dir);
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    const old = this.session;
    this.session = undefined;
    await old?.then((s) => s.session.release(), () => undefined);
    if (this.tempDir) await rm(this.tempDir, { recursive: true, force: true });
  }

  private async memoryWeights(): Promise<Map<string, NamedTensor>> {
    if (this.origin.kind === 'export') {
      const tensors = await readOnnxWeights(this.origin.info);
      this.origin = { kind: 'memory', tensors: new Map(tensors.map((t) => [t.name, t] as const)) };
    }
    return this.origin.tensors;
  }

  /** One session run; lets queued I/O run first, since a run blocks the event loop while it computes. */
  private async run(
    batch: PaddedBatch,
    past: (layer: number, batch: PaddedBatch, ort: OnnxRuntime, arch: ModelArchitecture) => [Tensor, Tensor],
    fetches: readonly string[],
    steps = batch.width,
  ): Promise<InferenceSession.OnnxValueMapType> {
    if (this.disposed) throw new MllrError('ARGUMENT_INVALID', 'the onnx engine was disposed');
    await nextTurn();
    const { Tensor } = this.ort;
    const feeds: Record<string, Tensor> = {
      [IO_NAMES.inputIds]: new Tensor('int64', batch.ids, [batch.size, steps]),
      [IO_NAMES.positionIds]: new Tensor('int64', batch.positions, [batch.size, steps]),
      [IO_NAMES.attentionMask]: new Tensor('int64', batch.mask, [batch.size, batch.width]),
    };
    for (let l = 0; l < this.architecture.numLayers; l++) {
      const [key, value] = past(l, batch, this.ort, this.architecture);
      feeds[IO_NAMES.pastKey(l)] = key;
      feeds[IO_NAMES.pastValue(l)] = value;
    }
    const { session } = await this.ensureSession();
    return session.run(feeds, fetches);
  }

  private ensureSession(): Promise<{ session: InferenceSession; device: 'cpu' | 'cuda' }> {
    if (!this.session) {
      const holder: { tempDir?: string } = {};
      const previousTemp = this.tempDir;
      this.session = sessionFor(this.ort, this.architecture, this.origin, this.settings, holder).then(async (created) => {
        this.currentDevice = created.device;
        this.settleDevice(created.device);
        if (previousTemp) await rm(previousTemp, { recursive: true, force: true });
        this.tempDir = holder.tempDir;
        return created;
      });
      this.session.catch(() => (this.session = undefined));
    }
    return this.session;
  }

  /** After a CUDA fallback, later sessions (after new weights) go straight to the CPU, without a second notice. */
  private settleDevice(device: 'cpu' | 'cuda'): void {
    if (device === 'cpu' && this.settings.device !== 'cpu') this.settings = { ...this.settings, device: 'cpu' };
  }

  private pad(sequences: readonly (readonly number[])[]): PaddedBatch {
    const arch = this.architecture;
    return padLeft(sequences, this.padId(), arch.maxPositionEmbeddings, arch.vocabSize);
  }

  private padId(): number {
    return this.architecture.padTokenId ?? this.architecture.eosTokenIds[0] ?? 0;
  }
}

/** Past key/values of length 0, for a run without a cache. */
function emptyPast(_layer: number, batch: PaddedBatch, ort: OnnxRuntime, arch: ModelArchitecture): [Tensor, Tensor] {
  const dims = [batch.size, arch.numKvHeads, 0, arch.headDim];
  return [new ort.Tensor('float32', new Float32Array(0), dims), new ort.Tensor('float32', new Float32Array(0), dims)];
}

/** A session over the weights: the export folder's files, the weights inline, or (when too large) a temporary export. */
async function sessionFor(
  ort: OnnxRuntime,
  arch: ModelArchitecture,
  origin: WeightOrigin,
  settings: OnnxEngineOptions,
  holder: { tempDir?: string },
): Promise<{ session: InferenceSession; device: 'cpu' | 'cuda' }> {
  if (origin.kind === 'export') return createSession(ort, origin.info.modelFile, settings);
  let bytes = 0;
  for (const t of origin.tensors.values()) bytes += t.data.byteLength;
  if (bytes <= INLINE_LIMIT_BYTES) {
    const { model } = encodeDecoderModel(arch, (name) => origin.tensors.get(name), { kind: 'inline' });
    return createSession(ort, model, settings);
  }
  holder.tempDir = await mkdtemp(join(tmpdir(), 'mllr-onnx-'));
  const written = await exportOnnx({ architecture: arch, tensors: origin.tensors }, holder.tempDir);
  return createSession(ort, written.modelFile, settings);
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
