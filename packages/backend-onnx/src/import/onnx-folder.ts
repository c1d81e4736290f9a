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

/** The merged decoder of Optimum's older layout (an If on use_cache_branch over the graphs with and without past). */
export const MERGED_DECODER_FILE = 'decoder_model_merged.onnx';
/** The separate graphs of Optimum's older layout, which mllr runs only through the merged one. */
const SEPARATE_DECODER_FILES = ['decoder_with_past_model.onnx', 'decoder_model.onnx'];

/**
 * The ONNX model of a folder that mllr can open: `model.onnx` (mllr's export, or Optimum's current layout), else
 * `decoder_model_merged.onnx` (Optimum's older layout); undefined when there is neither. A folder with only the
 * older layout's separate graphs (decoder_model.onnx, decoder_with_past_model.onnx) is CHECKPOINT_UNSUPPORTED.
 */
export function onnxModelFile(dir: string): string | undefined {
  for (const name of [MODEL_FILE, MERGED_DECODER_FILE]) if (existsSync(join(dir, name))) return join(dir, name);
  const separate = SEPARATE_DECODER_FILES.find((name) => existsSync(join(dir, name)));
  if (separate) {
    throw new MllrError(
      'CHECKPOINT_UNSUPPORTED',
      `${join(dir, separate)}: Optimum's older layout without its merged graph (${MERGED_DECODER_FILE}) is not supported; export the model again with optimum-cli (one model.onnx with past_key_values)`,
    );
  }
  return undefined;
}

/** Reads a folder's ONNX model (see onnxModelFile) once and tells which kind of decoder it is, checked as that kind. */
export async function readOnnxFolder(dir: string): Promise<OnnxFolder> {
  const modelFile = onnxModelFile(dir) ?? join(dir, MODEL_FILE);
  const model = await decodeOnnxModel(modelFile);
  if (isMllrExport(model))
    return { kind: 'mllr', info: exportInfoOf(dir, modelFile, model), initializers: initializerStats(model) };
  return { kind: 'optimum', info: await readOptimumDecoder(dir, modelFile, model) };
}
