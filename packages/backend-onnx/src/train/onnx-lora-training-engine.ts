import {
  MllrError,
  isLoraTarget,
  loraTensorNames,
  type AdapterSaveInfo,
  type LoraSettings,
  type LoraTrainingEngine,
  type ModuleId,
} from '@mllr/core';
import {
  expectedTensorShapes,
  initialLoraTensors,
  loadCheckpoint,
  loraShapes,
  mergeLora,
  saveCheckpoint,
  writePeftAdapter,
} from '@mllr/model';
import type { ModelSource } from '../export/model-source.js';
import { checkedModel, OnnxTrainingEngine, type OnnxTrainingEngineOptions } from './onnx-training-engine.js';

/** The adapter a LoRA engine starts from: its settings, and either its tensors (a loaded PEFT adapter) or a seed for a fresh one. */
export interface LoraStart {
  settings: LoraSettings;
  /** Adapter tensors by mllr's names (A [r, in], B [out, r] of every targeted module); absent: PEFT's initialisation from `seed`. */
  tensors?: ReadonlyMap<string, Float32Array>;
  seed: number;
}

/**
 * The ONNX training engine on LoRA adapters: the training graph computes x·Wᵀ + s·(x·Aᵀ)·Bᵀ on the targeted modules,
 * W is a frozen input (no gradient output, no optimizer state, never written), and AdamW with parameter groups trains
 * A and B. Each module's adapter tensors belong to that module (`tensorsOf`), so every schedule's groups (robust, rest)
 * apply to adapters as they do to weights. `save` writes the merged model; `saveAdapter` the PEFT folder.
 */
export class OnnxLoraTrainingEngine extends OnnxTrainingEngine implements LoraTrainingEngine {
  /** The adapter's settings. */
  get lora(): LoraSettings {
    return this.adapter!;
  }

  /** An engine on a model in memory (its Float32Arrays are taken over, as by OnnxTrainingEngine.create) with `start`'s adapter. */
  static createLora(
    source: ModelSource,
    start: LoraStart,
    options: OnnxTrainingEngineOptions,
  ): Promise<OnnxLoraTrainingEngine> {
    checkSettings(start.settings);
    const { weights, shapes, config } = checkedModel(source);
    const arch = source.architecture;
    const adapterShapes = loraShapes(arch, start.settings);
    const tensors = start.tensors ?? initialLoraTensors(arch, start.settings, start.seed);
    for (const [name, shape] of adapterShapes) {
      const data = tensors.get(name);
      const size = shape[0]! * shape[1]!;
      if (!data || data.length !== size)
        throw new MllrError(
          'ARGUMENT_INVALID',
          `the adapter's ${name} needs ${size} values [${shape}], got ${data?.length ?? 'none'}`,
        );
      // A copy: the engine updates adapters in place, and the caller's arrays stay as given.
      weights.set(name, Float32Array.from(data));
      shapes.set(name, shape);
    }
    const engine = new OnnxLoraTrainingEngine(
      arch,
      weights,
      shapes,
      config,
      source.dir,
      options.gradients,
      options.device ?? 'cpu',
      start.settings,
    );
    return Promise.resolve(engine);
  }

  /** An engine on a Hugging Face checkpoint folder with `start`'s adapter. */
  static async openLora(
    dir: string,
    start: LoraStart,
    options: OnnxTrainingEngineOptions,
  ): Promise<OnnxLoraTrainingEngine> {
    return OnnxLoraTrainingEngine.createLora(await loadCheckpoint(dir), start, options);
  }

  tensorsOf(module: ModuleId): string[] {
    return isLoraTarget(module, this.lora) ? loraTensorNames(module) : [];
  }

  /** The merged model, W + s·B·A on every targeted module, in Hugging Face layout (the base weights themselves stay as loaded). */
  override async save(dir: string): Promise<void> {
    this.checkOpen();
    const model = expectedTensorShapes(this.architecture);
    const merged = mergeLora(this.architecture, this.lora, this.weights, this.weights);
    const tensors = [...model].map(([name, shape]) => ({ name, shape, data: merged.get(name)! }));
    await saveCheckpoint(dir, {
      config: this.config,
      tensors,
      ...(this.sourceDir !== undefined ? { copyFrom: this.sourceDir } : {}),
    });
  }

  async saveAdapter(dir: string, info: AdapterSaveInfo): Promise<void> {
    this.checkOpen();
    await writePeftAdapter(dir, this.architecture, {
      settings: this.lora,
      tensors: this.weights,
      baseModel: info.baseModel,
    });
  }
}

function checkSettings(s: LoraSettings): void {
  if (!Number.isInteger(s.r) || s.r < 1)
    throw new MllrError('ARGUMENT_INVALID', `LoRA rank r must be a whole number ≥ 1, got ${s.r}`);
  if (!(s.alpha > 0)) throw new MllrError('ARGUMENT_INVALID', `LoRA alpha must be > 0, got ${s.alpha}`);
  if (s.dropout !== 0)
    throw new MllrError(
      'ARGUMENT_INVALID',
      `LoRA dropout ${s.dropout}: not implemented (mllr trains adapters with dropout 0)`,
    );
  if (s.targets.length === 0) throw new MllrError('ARGUMENT_INVALID', 'LoRA needs at least one target module type');
}
