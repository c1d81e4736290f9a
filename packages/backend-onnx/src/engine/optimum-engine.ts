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
import type { InferenceSession } from 'onnxruntime-node';
import { onnxModelFile } from '../import/onnx-folder.js';
import { readOptimumDecoder, type OptimumDecoderInfo } from '../import/optimum-decoder.js';
import { decodeOnnxModel } from '../import/onnx-model-file.js';
import { DecoderRunner } from './decoder-runner.js';
import { createSession, firstLine, type SessionSettings } from './execution-provider.js';
import { loadOnnxRuntime, type OnnxRuntime } from './load-runtime.js';

/**
 * Inference on an ONNX decoder exported by Hugging Face Optimum (or any graph in its convention): logits and
 * KV-cache generation with the same padding, stopping and sampling rules as mllr's own export, through the same
 * runner. Such a graph has no per-layer hidden-state outputs and its weights are fixed, so lastTokenHiddenStates
 * and setWeights are refused with CHECKPOINT_UNSUPPORTED.
 */
export class OptimumOnnxEngine implements InferenceEngine {
  readonly name = 'onnx';
  readonly architecture: ModelArchitecture;
  private session: InferenceSession | undefined;
  private readonly runner: DecoderRunner;

  private constructor(
    readonly info: OptimumDecoderInfo,
    session: InferenceSession,
    readonly device: 'cpu' | 'cuda',
    ort: OnnxRuntime,
  ) {
    this.architecture = info.architecture;
    this.session = session;
    this.runner = new DecoderRunner(ort, info.architecture, info.inputs, {
      session: () => Promise.resolve(session),
      disposed: () => this.session === undefined,
    });
  }

  /**
   * Opens the folder's model.onnx or decoder_model_merged.onnx (checked by readOptimumDecoder unless `info` is
   * given) with config.json's architecture.
   */
  static async open(dir: string, options: SessionSettings = {}, info?: OptimumDecoderInfo): Promise<OptimumOnnxEngine> {
    const ort = await loadOnnxRuntime();
    const modelFile = onnxModelFile(dir);
    if (!modelFile) throw new MllrError('CHECKPOINT_INVALID', `${dir}: no model.onnx or decoder_model_merged.onnx`);
    const checked = info ?? (await readOptimumDecoder(dir, modelFile, await decodeOnnxModel(modelFile)));
    let created;
    try {
      created = await createSession(ort, checked.modelFile, options);
    } catch (error) {
      // A graph that decodes but that ONNX Runtime refuses (bad nodes, a missing model.onnx_data) is bad input.
      throw new MllrError(
        'CHECKPOINT_INVALID',
        `${checked.modelFile}: ONNX Runtime could not load it (${firstLine(error)})`,
        { cause: error },
      );
    }
    return new OptimumOnnxEngine(checked, created.session, created.device, ort);
  }

  logits(batch: TokenBatch): Promise<BatchLogits> {
    return this.runner.logits(batch);
  }

  /** KV-cache generation (see DecoderRunner); greedy unless a temperature is given. */
  generate(prompts: number[][], options: GenerateOptions): Promise<number[][]> {
    return this.runner.generate(prompts, options);
  }

  lastTokenHiddenStates(_batch: TokenBatch, _layers?: number[]): Promise<LastTokenHiddenStates> {
    return Promise.reject(
      new MllrError(
        'CHECKPOINT_UNSUPPORTED',
        `${this.info.modelFile} has no per-layer hidden-state outputs (it was not exported by mllr), so it serves generation and ` +
          'evaluation only: the security probe (proxy), robustness and search stages read per-layer hidden states, and ' +
          'fine-tuning (ift) changes weights, so they need the model as a safetensors checkpoint (config.json + model.safetensors)',
      ),
    );
  }

  setWeights(_tensors: readonly NamedTensor[]): Promise<void> {
    return Promise.reject(
      new MllrError(
        'CHECKPOINT_UNSUPPORTED',
        `${this.info.modelFile}: the weights of an ONNX model not exported by mllr cannot be replaced (robustness perturbation and ` +
          'fine-tuning need the model as a safetensors checkpoint)',
      ),
    );
  }

  async dispose(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    await session?.release();
  }
}
