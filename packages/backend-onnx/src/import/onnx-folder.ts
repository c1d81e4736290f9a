import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MllrError } from '@mllr/core';
import { MODEL_FILE, exportInfoOf, type OnnxExportInfo } from '../export/export-onnx.js';
import { decodeOnnxModel, initializerStats, isMllrExport } from './onnx-model-file.js';
import { readOptimumDecoder, type OptimumDecoderInfo } from './optimum-decoder.js';

/** An ONNX model folder: mllr's own export, or a decoder in Hugging Face Optimum's convention. */
export type OnnxFolder =
  | { kind: 'mllr'; info: OnnxExportInfo; initializers: { tensors: number; values: number } }
  | { kind: 'optimum'; info: OptimumDecoderInfo };

/** The file names of Optimum's older decoder layout (separate and merged graphs), which mllr does not run. */
const LEGACY_OPTIMUM_FILES = ['decoder_model_merged.onnx', 'decoder_with_past_model.onnx', 'decoder_model.onnx'];

/**
 * Whether `dir` holds an ONNX model mllr can open (a model.onnx). A folder in Optimum's older layout
 * (decoder_model.onnx, decoder_with_past_model.onnx, decoder_model_merged.onnx) is CHECKPOINT_UNSUPPORTED.
 */
export function hasOnnxModel(dir: string): boolean {
  if (existsSync(join(dir, MODEL_FILE))) return true;
  const legacy = LEGACY_OPTIMUM_FILES.find((name) => existsSync(join(dir, name)));
  if (legacy) {
    throw new MllrError(
      'CHECKPOINT_UNSUPPORTED',
      `${join(dir, legacy)}: Optimum's older layout of separate decoder graphs is not supported; export the model again with a current optimum-cli (one model.onnx with past_key_values)`,
    );
  }
  return false;
}

/** Reads `dir/model.onnx` once and tells which kind of decoder it is, checked as that kind. */
export async function readOnnxFolder(dir: string): Promise<OnnxFolder> {
  const modelFile = join(dir, MODEL_FILE);
  const model = await decodeOnnxModel(modelFile);
  if (isMllrExport(model)) return { kind: 'mllr', info: exportInfoOf(dir, modelFile, model), initializers: initializerStats(model) };
  return { kind: 'optimum', info: await readOptimumDecoder(dir, modelFile, model) };
}
