import { readFile } from 'node:fs/promises';
import { MllrError } from '@mllr/core';
import { FORMAT, FORMAT_KEY } from '../export/encode-model.js';
import { onnx, type OnnxTypes } from '../export/onnx-proto.js';

/**
 * Reads and decodes an ONNX model file. A missing file, or bytes that are not an ONNX model with a graph, is
 * CHECKPOINT_INVALID naming the file. Weights stored as external data are not read (only their table is).
 */
export async function decodeOnnxModel(file: string): Promise<OnnxTypes.ModelProto> {
  let model: OnnxTypes.ModelProto;
  try {
    model = onnx.ModelProto.decode(await readFile(file));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : `not a readable ONNX model (${(error as Error).message})`;
    throw new MllrError('CHECKPOINT_INVALID', `${file}: ${why}`, { cause: error });
  }
  // Protobuf decodes many byte strings without complaint; a model without a graph or inputs is not one.
  if (!model.graph || (model.graph.input ?? []).length === 0) {
    throw new MllrError('CHECKPOINT_INVALID', `${file}: not a readable ONNX model (no graph with inputs)`);
  }
  return model;
}

/** Whether a decoded model is a decoder graph exported by mllr (it carries mllr's format metadata). */
export function isMllrExport(model: OnnxTypes.ModelProto): boolean {
  return (model.metadataProps ?? []).some((p) => p.key === FORMAT_KEY && p.value === FORMAT);
}

/** How many initializers a graph holds and how many values they have in all (from their dims, not their data). */
export function initializerStats(model: OnnxTypes.ModelProto): { tensors: number; values: number } {
  let values = 0;
  const initializers = model.graph?.initializer ?? [];
  for (const t of initializers) values += (t.dims ?? []).reduce<number>((n, d) => n * Number(d), 1);
  return { tensors: initializers.length, values };
}
