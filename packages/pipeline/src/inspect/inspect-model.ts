import { allModuleIds, type ModelArchitecture, type ModelFolderDescription, type ModuleId } from '@mllr/core';
import { loadCheckpoint } from '@mllr/model';
import { loadEngineProvider } from '../engines/load-engine-provider.js';
import { tokenizerSummary, type TokenizerSummary } from './tokenizer-summary.js';

/** What `mllr inspect` asks for. */
export interface InspectRequest {
  /** The model folder (already resolved: a Hub id or tiny-chat is the caller's to turn into a folder). */
  dir: string;
  /** The engine that reads the folder and names the device (default tfjs). */
  engine?: string;
  device?: string;
}

/** A model folder as `mllr inspect` shows it: architecture, size, module ids, tokenizer and the engine's device. */
export interface ModelInspection {
  /** The folder as the checkpoint loader resolved it (or as given, for a folder the engine described). */
  dir: string;
  architecture: ModelArchitecture;
  parameters: number;
  /** Tensors of the checkpoint, or initializers of the file the engine described. */
  tensors: number;
  /** `safetensors`, or the format the engine described (an ONNX file). */
  format: string;
  /** Set for a folder without a safetensors checkpoint that the engine described (an ONNX file). */
  described?: ModelFolderDescription;
  /** Every module id of the model (L<layer>.<type>), in layer order. */
  modules: ModuleId[];
  /** The tokenizer's end-of-generation tokens and chat template, or null without a tokenizer.json. */
  tokenizer: TokenizerSummary | null;
  engine: string;
  /** The device the engine would use. */
  device: string;
}

/**
 * Reads a model folder for `mllr inspect`. A folder with a safetensors checkpoint is loaded as one (its parameters
 * counted from the tensors); a folder the engine reads otherwise (an ONNX file, for `--engine onnx`) is described by
 * the engine, without loading its weights.
 */
export async function inspectModel(request: InspectRequest): Promise<ModelInspection> {
  const engine = request.engine ?? 'tfjs';
  const provider = await loadEngineProvider({ name: engine, options: {} });
  const described = await provider.describe?.(request.dir);
  const model = described ? fromDescription(request.dir, described) : await fromCheckpoint(request.dir);
  const device = await provider.device(request.device ? { device: request.device } : {});
  const tokenizer = await tokenizerSummary(request.dir);
  return { ...model, modules: allModuleIds(model.architecture.numLayers), tokenizer, engine, device };
}

type FolderModel = Pick<ModelInspection, 'dir' | 'architecture' | 'parameters' | 'tensors' | 'format' | 'described'>;

async function fromCheckpoint(dir: string): Promise<FolderModel> {
  const checkpoint = await loadCheckpoint(dir);
  let parameters = 0;
  for (const t of checkpoint.tensors.values()) parameters += t.data.length;
  return {
    dir: checkpoint.dir,
    architecture: checkpoint.architecture,
    parameters,
    tensors: checkpoint.tensors.size,
    format: 'safetensors',
  };
}

function fromDescription(dir: string, described: ModelFolderDescription): FolderModel {
  return {
    dir,
    architecture: described.architecture,
    parameters: described.parameters,
    tensors: described.storedTensors,
    format: described.format,
    described,
  };
}
