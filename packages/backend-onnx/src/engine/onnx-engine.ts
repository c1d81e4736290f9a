import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  MllrError,
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
import {
  exportOnnx,
  readOnnxExport,
  readOnnxWeights,
  type OnnxExport,
  type OnnxExportInfo,
} from '../export/export-onnx.js';
import { tensorMap, type ModelSource } from '../export/model-source.js';
import type { RuntimeKernels } from '../export/runtime-decoder-layer.js';
import { ENGINE_KERNELS, withStandardFallback } from './engine-kernels.js';
import { DecoderRunner } from './decoder-runner.js';
import { createSession, type SessionSettings } from './execution-provider.js';
import { loadOnnxRuntime, type OnnxRuntime } from './load-runtime.js';

/** How to start the engine: device (`auto`, `cpu`, `cuda`), CPU threads, where notices go. */
export type OnnxEngineOptions = SessionSettings;

/** Weights larger than this are handed to ONNX Runtime through a temporary external-data export, not one buffer. */
const INLINE_LIMIT_BYTES = 1.5 * 2 ** 30;

/** The weights a session is built from: in memory, or an export folder's files as they are on disk. */
type WeightOrigin = { kind: 'memory'; tensors: Map<string, NamedTensor> } | { kind: 'export'; info: OnnxExportInfo };

/**
 * When `setWeights` leaves at least this share of the parameters different from the baseline session's, the engine
 * rebuilds that session on the new weights instead of feeding them: a whole new model runs faster with its weights
 * folded and prepacked, and is not held twice in memory.
 */
const REBUILD_SHARE = 0.5;

/**
 * Inference on ONNX Runtime (onnxruntime-node) over mllr's decoder export: logits, per-layer last-token hidden
 * states and KV-cache generation, with the same padding, stopping and sampling rules as the tfjs engine.
 *
 * Two sessions: the baseline session, whose weights are constant initializers (ONNX Runtime folds the Transpose in
 * front of each MatMul and prepacks the weight), serves every call while the weights are the ones it was built
 * from; the fed session, the same graph with every weight a graph input, built once at the first call after
 * `setWeights` changed some, serves calls while any differs, fed the current weights (baseline tensors and the
 * overrides) at each run. A perturbation and its restore therefore cost no session rebuild, and once every changed
 * tensor is set back the baseline session answers again, bit for bit as before. (onnxruntime-node cannot override
 * an initializer by a feed of the same name, as ONNX IR 4 allows: it feeds only the graph's non-initializer inputs
 * and silently drops other feeds.)
 */
export class OnnxEngine implements InferenceEngine {
  readonly name = 'onnx';
  private session: Promise<{ session: InferenceSession; device: 'cpu' | 'cuda' }> | undefined;
  private fedSession: Promise<InferenceSession> | undefined;
  /** The fed session once created, to recognise it when the runner asks for its feeds. */
  private fedSessionCreated: InferenceSession | undefined;
  /** Tensors (copies) that differ, bit for bit, from the baseline session's weights. */
  private readonly overrides = new Map<string, NamedTensor>();
  /** The fed session's weight feeds for the current overrides (made at the first run after a change). */
  private weightFeeds: Record<string, Tensor> | undefined;
  private currentDevice: string;
  private tempDir: string | undefined;
  private disposed = false;
  private readonly runner: DecoderRunner;

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
    this.runner = new DecoderRunner(
      ort,
      architecture,
      { positionIds: true, useCacheBranch: false },
      {
        session: () =>
          this.overrides.size > 0 ? this.ensureFedSession() : this.ensureSession().then((s) => s.session),
        extraFeeds: (session) => (session === this.fedSessionCreated ? this.currentWeightFeeds() : undefined),
        disposed: () => this.disposed,
      },
    );
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

  logits(batch: TokenBatch): Promise<BatchLogits> {
    return this.runner.logits(batch);
  }

  async lastTokenHiddenStates(batch: TokenBatch, layers?: number[]): Promise<LastTokenHiddenStates> {
    const { numLayers, hiddenSize } = this.architecture;
    const wanted = layers ?? Array.from({ length: numLayers }, (_, i) => i);
    for (const l of wanted) {
      if (!Number.isInteger(l) || l < 0 || l >= numLayers) {
        throw new MllrError('ARGUMENT_INVALID', `layer ${l} does not exist; the model has layers 0-${numLayers - 1}`);
      }
    }
    const padded = this.runner.pad(batch.sequences);
    const names = [...new Set(wanted)].map((l) => IO_NAMES.hiddenState(l));
    const out = await this.runner.run(padded, undefined, names);
    return {
      hiddenSize,
      layers: wanted.map((l) => {
        const values = out[IO_NAMES.hiddenState(l)]!.data as Float32Array;
        return batch.sequences.map((_, b) => values.slice(b * hiddenSize, (b + 1) * hiddenSize));
      }),
    };
  }

  /** KV-cache generation (see DecoderRunner): the tfjs engine's padding, stopping and sampling rules. */
  generate(prompts: number[][], options: GenerateOptions): Promise<number[][]> {
    return this.runner.generate(prompts, options);
  }

  /**
   * Replaces some weights (shapes must match). They are fed to the fed session at every later run, without a session
   * rebuild; a tensor set back to the baseline's values stops being fed, and with none left the baseline session
   * serves again. Changing at least half of the parameters rebuilds the baseline session on them instead.
   */
  async setWeights(tensors: readonly NamedTensor[]): Promise<void> {
    const shapes = expectedTensorShapes(this.architecture);
    for (const t of tensors) {
      const shape = shapes.get(t.name);
      if (!shape) throw new MllrError('ARGUMENT_INVALID', `the model has no tensor ${t.name}`);
      if (
        t.shape.length !== shape.length ||
        t.shape.some((d, i) => d !== shape[i]) ||
        t.data.length !== shape.reduce((n, d) => n * d, 1)
      ) {
        throw new MllrError(
          'ARGUMENT_INVALID',
          `tensor ${t.name} has shape [${t.shape}] but the model's is [${shape}]`,
        );
      }
    }
    const baseline = await this.memoryWeights();
    for (const t of tensors) {
      const data = Float32Array.from(t.data);
      if (sameBits(data, baseline.get(t.name)!.data)) this.overrides.delete(t.name);
      else this.overrides.set(t.name, { name: t.name, shape: [...t.shape], data });
    }
    this.weightFeeds = undefined;
    if (sizeOf(this.overrides.values()) >= REBUILD_SHARE * sizeOf(baseline.values()))
      await this.rebuildBaseline(baseline);
  }

  /** Copies of the current weights by Hugging Face name. */
  async getWeights(names: readonly string[]): Promise<NamedTensor[]> {
    const weights = await this.memoryWeights();
    return names.map((name) => {
      const t = this.overrides.get(name) ?? weights.get(name);
      if (!t) throw new MllrError('ARGUMENT_INVALID', `the model has no tensor ${name}`);
      return { name, shape: [...t.shape], data: t.data.slice() };
    });
  }

  /** Writes the current weights as an export folder (model.onnx + model.onnx.data + config.json). */
  async exportTo(dir: string): Promise<OnnxExport> {
    return exportOnnx(
      { architecture: this.architecture, tensors: new Map([...(await this.memoryWeights()), ...this.overrides]) },
      dir,
    );
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    const old = this.session;
    const fed = this.fedSession;
    this.session = undefined;
    this.fedSession = undefined;
    this.fedSessionCreated = undefined;
    await old?.then(
      (s) => s.session.release(),
      () => undefined,
    );
    await fed?.then(
      (s) => s.release(),
      () => undefined,
    );
    if (this.tempDir) await rm(this.tempDir, { recursive: true, force: true });
  }

  /** Makes the current weights the baseline: the baseline session is rebuilt on them at the next call. */
  private async rebuildBaseline(baseline: Map<string, NamedTensor>): Promise<void> {
    this.origin = { kind: 'memory', tensors: new Map([...baseline, ...this.overrides]) };
    this.overrides.clear();
    const old = this.session;
    this.session = undefined;
    await old?.then(
      (s) => s.session.release(),
      () => undefined,
    );
  }

  /** The fed session (every weight a graph input), created at its first use; it holds no weights itself. */
  private ensureFedSession(): Promise<InferenceSession> {
    if (!this.fedSession) {
      const weights = this.memoryWeights();
      this.fedSession = weights.then(async (tensors) => {
        const encode = (kernels?: RuntimeKernels) =>
          encodeDecoderModel(this.architecture, (name) => tensors.get(name), { kind: 'inputs' }, kernels).model;
        const created = await withStandardFallback(
          (kernels) => createSession(this.ort, encode(kernels), this.settings),
          ENGINE_KERNELS,
        );
        this.currentDevice = created.device;
        this.settleDevice(created.device);
        this.fedSessionCreated = created.session;
        return created.session;
      });
      this.fedSession.catch(() => (this.fedSession = undefined));
    }
    return this.fedSession;
  }

  /** Every weight of the graph as the fed session takes it: the override where there is one, else the baseline's. */
  private currentWeightFeeds(): Record<string, Tensor> {
    if (!this.weightFeeds) {
      if (this.origin.kind !== 'memory')
        throw new MllrError('INTERNAL', 'the onnx engine feeds weights before it has read them');
      const baseline = this.origin.tensors;
      const feeds: Record<string, Tensor> = {};
      for (const name of expectedTensorShapes(this.architecture).keys()) {
        const t = this.overrides.get(name) ?? baseline.get(name)!;
        feeds[name] = new this.ort.Tensor('float32', t.data, t.shape);
      }
      this.weightFeeds = feeds;
    }
    return this.weightFeeds;
  }

  private async memoryWeights(): Promise<Map<string, NamedTensor>> {
    if (this.origin.kind === 'export') {
      const tensors = await readOnnxWeights(this.origin.info);
      this.origin = { kind: 'memory', tensors: new Map(tensors.map((t) => [t.name, t] as const)) };
    }
    return this.origin.tensors;
  }

  private ensureSession(): Promise<{ session: InferenceSession; device: 'cpu' | 'cuda' }> {
    if (!this.session) {
      const holder: { tempDir?: string } = {};
      const previousTemp = this.tempDir;
      this.session = sessionFor(this.ort, this.architecture, this.origin, this.settings, holder).then(
        async (created) => {
          this.currentDevice = created.device;
          this.settleDevice(created.device);
          if (previousTemp) await rm(previousTemp, { recursive: true, force: true });
          this.tempDir = holder.tempDir;
          return created;
        },
      );
      this.session.catch(() => (this.session = undefined));
    }
    return this.session;
  }

  /** After a CUDA fallback, later sessions (after new weights) go straight to the CPU, without a second notice. */
  private settleDevice(device: 'cpu' | 'cuda'): void {
    if (device === 'cpu' && this.settings.device !== 'cpu') this.settings = { ...this.settings, device: 'cpu' };
  }
}

/** Whether two float32 arrays hold the same bits (so -0 differs from 0, and a NaN equals only the same NaN). */
function sameBits(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

/** How many values the tensors hold together. */
function sizeOf(tensors: Iterable<NamedTensor>): number {
  let n = 0;
  for (const t of tensors) n += t.data.length;
  return n;
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
    const encode = (kernels?: RuntimeKernels) =>
      encodeDecoderModel(arch, (name) => origin.tensors.get(name), { kind: 'inline' }, kernels).model;
    return withStandardFallback((kernels) => createSession(ort, encode(kernels), settings), ENGINE_KERNELS);
  }
  holder.tempDir = await mkdtemp(join(tmpdir(), 'mllr-onnx-'));
  const dir = holder.tempDir;
  return withStandardFallback(
    async (kernels) =>
      createSession(
        ort,
        (await exportOnnx({ architecture: arch, tensors: origin.tensors }, dir, kernels)).modelFile,
        settings,
      ),
    ENGINE_KERNELS,
  );
}
