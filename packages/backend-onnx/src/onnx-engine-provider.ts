import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import {
  MllrError,
  type EngineProvider,
  type LoraOpenOptions,
  type ModelFolderDescription,
  type OpenEngineOptions,
} from '@mllr/core';
import { WEIGHTS_FILE, WEIGHTS_INDEX_FILE, loadCheckpoint, parameterCount, readPeftAdapter } from '@mllr/model';
import { measureOnnxMatMulGflops } from './bench/matmul-probe.js';
import { checkOnnxDevice, cudaProviderInstalled, type OnnxDevice } from './engine/execution-provider.js';
import { OnnxEngine, type OnnxEngineOptions } from './engine/onnx-engine.js';
import { OptimumOnnxEngine } from './engine/optimum-engine.js';
import { loadOnnxRuntime } from './engine/load-runtime.js';
import { onnxModelFile, readOnnxFolder } from './import/onnx-folder.js';
import { trainingGraphSources } from './train-graph/training-session.js';
import { OnnxLoraTrainingEngine } from './train/onnx-lora-training-engine.js';
import { OnnxTrainingEngine } from './train/onnx-training-engine.js';

/** Plugin options of the onnx engine. */
export interface OnnxProviderOptions {
  /** `auto` (default): CUDA when its provider is installed, else CPU; `cpu`; `cuda` (falls back to CPU with a message). */
  device?: string;
  /** Intra-op CPU threads; default: os.availableParallelism(). */
  threads?: number;
  onMessage?: (message: string) => void;
}

/**
 * Opens ONNX engines on model folders; what this package registers for the `inference` slot. A Hugging Face
 * checkpoint folder (safetensors) is exported to ONNX in memory; a folder holding only a model.onnx is run from
 * its files: an mllr export as an OnnxEngine, a decoder in Hugging Face Optimum's convention (model.onnx, or the
 * older layout's decoder_model_merged.onnx) as an
 * OptimumOnnxEngine (generation and evaluation only: it has no per-layer hidden states).
 */
export class OnnxEngineProvider implements EngineProvider {
  readonly name = 'onnx';

  constructor(private readonly defaults: OnnxProviderOptions = {}) {}

  async device(options: OpenEngineOptions = {}): Promise<string> {
    const device = this.deviceOf(options);
    await loadOnnxRuntime();
    if (device === 'cpu' || (device === 'auto' && !cudaProviderInstalled())) return 'cpu';
    return cudaProviderInstalled() ? 'cuda' : 'cpu (CUDA execution provider not installed)';
  }

  /** Intra-op threads of its sessions: the plugin's `threads`, else the caller's, else one per core. */
  async threads(options: OpenEngineOptions = {}): Promise<number> {
    return this.sessionSettings(options).threads ?? availableParallelism();
  }

  async matmulGflops(options: OpenEngineOptions & { size?: number } = {}): Promise<number> {
    return measureOnnxMatMulGflops({
      threads: await this.threads(options),
      ...(options.size !== undefined ? { size: options.size } : {}),
    });
  }

  async openInference(modelDir: string, options: OpenEngineOptions = {}): Promise<OnnxEngine | OptimumOnnxEngine> {
    const settings = this.sessionSettings(options);
    const hasCheckpoint = existsSync(join(modelDir, WEIGHTS_FILE)) || existsSync(join(modelDir, WEIGHTS_INDEX_FILE));
    if (!hasCheckpoint && onnxModelFile(modelDir)) {
      const folder = await readOnnxFolder(modelDir);
      if (folder.kind === 'mllr') return OnnxEngine.open(modelDir, settings);
      return OptimumOnnxEngine.open(modelDir, settings, folder.info);
    }
    return OnnxEngine.create(await loadCheckpoint(modelDir), settings);
  }

  /**
   * The ONNX training engine on a checkpoint folder: mllr's training graph (weights as inputs, gradients of the
   * trainable tensors only) run by ONNX Runtime, AdamW in WebAssembly SIMD loops beside it.
   */
  async openTraining(modelDir: string, options: OpenEngineOptions = {}): Promise<OnnxTrainingEngine> {
    const hasCheckpoint = existsSync(join(modelDir, WEIGHTS_FILE)) || existsSync(join(modelDir, WEIGHTS_INDEX_FILE));
    if (!hasCheckpoint && onnxModelFile(modelDir)) {
      throw new MllrError(
        'CHECKPOINT_UNSUPPORTED',
        `${modelDir} holds only an ONNX model; the onnx engine trains from a safetensors checkpoint`,
      );
    }
    const settings = this.sessionSettings(options);
    return OnnxTrainingEngine.create(await loadCheckpoint(modelDir), {
      gradients: trainingGraphSources(settings),
      device: await this.device(options),
    });
  }

  /**
   * The ONNX training engine on LoRA adapters of a checkpoint folder: a fresh adapter (PEFT's initialisation from
   * `lora.seed`) or the PEFT adapter folder `lora.init`, whose r, alpha, targets and rslora must be `lora.settings`'.
   */
  async openLoraTraining(
    modelDir: string,
    lora: LoraOpenOptions,
    options: OpenEngineOptions = {},
  ): Promise<OnnxLoraTrainingEngine> {
    const hasCheckpoint = existsSync(join(modelDir, WEIGHTS_FILE)) || existsSync(join(modelDir, WEIGHTS_INDEX_FILE));
    if (!hasCheckpoint && onnxModelFile(modelDir)) {
      throw new MllrError(
        'CHECKPOINT_UNSUPPORTED',
        `${modelDir} holds only an ONNX model; the onnx engine trains adapters on a safetensors checkpoint`,
      );
    }
    const checkpoint = await loadCheckpoint(modelDir);
    let tensors: ReadonlyMap<string, Float32Array> | undefined;
    if (lora.init !== undefined) {
      const adapter = await readPeftAdapter(lora.init, checkpoint.architecture);
      const { settings } = lora;
      const differs: string[] = (['r', 'alpha', 'rslora'] as const).filter(
        (key) => adapter.settings[key] !== settings[key],
      );
      if (adapter.settings.targets.join(',') !== settings.targets.join(',')) differs.push('targets');
      if (differs.length > 0) {
        const show = (key: string, s: LoraOpenOptions['settings']) =>
          `${key} ${JSON.stringify(s[key as keyof typeof s])}`;
        throw new MllrError(
          'ARGUMENT_INVALID',
          `${lora.init}: the adapter has ${differs.map((k) => show(k, adapter.settings)).join(', ')} but the run asks for ${differs.map((k) => show(k, settings)).join(', ')}`,
        );
      }
      tensors = adapter.tensors;
    }
    const settings = this.sessionSettings(options);
    return OnnxLoraTrainingEngine.createLora(
      checkpoint,
      { settings: lora.settings, seed: lora.seed, ...(tensors ? { tensors } : {}) },
      { gradients: trainingGraphSources(settings), device: await this.device(options) },
    );
  }

  /** Session settings from the plugin's options and the caller's: the plugin's own `threads` wins over a worker's share. */
  private sessionSettings(options: OpenEngineOptions): OnnxEngineOptions {
    const settings: OnnxEngineOptions = { device: this.deviceOf(options) };
    const threads = this.defaults.threads ?? options.threads;
    if (threads !== undefined) settings.threads = threads;
    if (this.defaults.onMessage) settings.onMessage = this.defaults.onMessage;
    return settings;
  }

  /**
   * For `mllr inspect`: what an ONNX model folder without a safetensors checkpoint holds (architecture from
   * config.json, initializer counts from the graph, without loading it into ONNX Runtime); undefined for a
   * checkpoint folder, which is read as a checkpoint.
   */
  async describe(modelDir: string): Promise<ModelFolderDescription | undefined> {
    const hasCheckpoint = existsSync(join(modelDir, WEIGHTS_FILE)) || existsSync(join(modelDir, WEIGHTS_INDEX_FILE));
    if (hasCheckpoint || !onnxModelFile(modelDir)) return undefined;
    const folder = await readOnnxFolder(modelDir);
    const architecture = folder.info.architecture;
    const initializers = folder.kind === 'mllr' ? folder.initializers : folder.info.initializers;
    return {
      file: folder.info.modelFile,
      format: folder.kind === 'mllr' ? 'ONNX, exported by mllr' : "ONNX, Hugging Face Optimum's decoder convention",
      architecture,
      parameters: parameterCount(architecture),
      storedTensors: initializers.tensors,
      storedValues: initializers.values,
      hiddenStates: folder.kind === 'mllr',
    };
  }

  private deviceOf(options: OpenEngineOptions): OnnxDevice {
    const device = options.device ?? this.defaults.device ?? 'auto';
    return checkOnnxDevice(device);
  }
}

/** Checks plugin options (`device`, `threads`). */
export function providerOptions(options: Record<string, unknown>): OnnxProviderOptions {
  const out: OnnxProviderOptions = {};
  for (const key of Object.keys(options)) {
    if (key !== 'device' && key !== 'threads')
      throw new MllrError('CONFIG_INVALID', `onnx engine: unknown option "${key}"; known: device, threads`);
  }
  if (options.device !== undefined) {
    if (typeof options.device !== 'string')
      throw new MllrError('CONFIG_INVALID', 'onnx engine: device must be auto, cpu or cuda');
    out.device = checkOnnxDevice(options.device);
  }
  if (options.threads !== undefined) {
    const t = options.threads;
    if (typeof t !== 'number' || !Number.isInteger(t) || t < 1)
      throw new MllrError('CONFIG_INVALID', 'onnx engine: threads must be a whole number ≥ 1');
    out.threads = t;
  }
  return out;
}
