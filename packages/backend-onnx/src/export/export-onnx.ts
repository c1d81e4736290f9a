import { copyFile, open, rename, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { MllrError, TEMP_PREFIX, writeFileAtomic, type ModelArchitecture, type NamedTensor } from '@mllr/core';
import { COPIED_FILES, architectureToConfig } from '@mllr/model';
import {
  ARCHITECTURE_KEY,
  FORMAT,
  FORMAT_KEY,
  dataFileChunks,
  encodeDecoderModel,
  type DataEntry,
} from './encode-model.js';
import { littleEndianBytes } from './graph-builder.js';
import { tensorMap, type ModelSource } from './model-source.js';
import type { RuntimeKernels } from './runtime-decoder-layer.js';
import { decodeOnnxModel } from '../import/onnx-model-file.js';
import { onnx, type OnnxTypes } from './onnx-proto.js';

/** The graph file of an export folder. */
export const MODEL_FILE = 'model.onnx';
/** The one external data file holding every weight. */
export const DATA_FILE = 'model.onnx.data';

/** What exportOnnx wrote. */
export interface OnnxExport {
  dir: string;
  modelFile: string;
  dataFile: string;
  architecture: ModelArchitecture;
}

/**
 * Writes `dir/model.onnx` (the decoder graph, opset 17) and `dir/model.onnx.data` (every weight, float32, as
 * external data), plus config.json and the source's tokenizer files, so the folder is also a model folder that
 * `mllr generate --engine onnx` opens. Each file is written atomically. The graph has standard ONNX ops only, so
 * any ONNX runtime reads it, unless `kernels` asks for ONNX Runtime's fused ones (the engine's own temporary
 * exports of large models).
 */
export async function exportOnnx(source: ModelSource, dir: string, kernels?: RuntimeKernels): Promise<OnnxExport> {
  const weights = tensorMap(source.tensors);
  const encoded = encodeDecoderModel(
    source.architecture,
    (name) => weights.get(name),
    { kind: 'external', location: DATA_FILE },
    kernels,
  );
  const dataFile = join(dir, DATA_FILE);
  const modelFile = join(dir, MODEL_FILE);
  await writeFileAtomic(
    dataFile,
    dataFileChunks(encoded.layout!, (name) => weights.get(name)),
  );
  await writeFileAtomic(modelFile, encoded.model);
  await writeFileAtomic(
    join(dir, 'config.json'),
    `${JSON.stringify(source.config ?? architectureToConfig(source.architecture), null, 2)}\n`,
  );
  if (source.dir !== undefined && source.dir !== dir) {
    for (const name of COPIED_FILES) {
      await copyFile(join(source.dir, name), join(dir, name)).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
      });
    }
  }
  return { dir, modelFile, dataFile, architecture: source.architecture };
}

/** An export folder's graph, as far as mllr needs it: the architecture and where each weight lies. */
export interface OnnxExportInfo {
  dir: string;
  modelFile: string;
  architecture: ModelArchitecture;
  /** Every weight in the external data file (absent for a model that stores weights inline). */
  entries: Map<string, DataEntry & { location: string }>;
}

/** Reads the graph of a folder written by {@link exportOnnx}; a model.onnx made elsewhere is refused. */
export async function readOnnxExport(dir: string): Promise<OnnxExportInfo> {
  const modelFile = join(dir, MODEL_FILE);
  return exportInfoOf(dir, modelFile, await decodeOnnxModel(modelFile));
}

/** The export info of an already decoded `modelFile`; a graph without mllr's metadata is refused. */
export function exportInfoOf(dir: string, modelFile: string, model: OnnxTypes.ModelProto): OnnxExportInfo {
  const meta = new Map((model.metadataProps ?? []).map((p) => [p.key, p.value] as const));
  if (meta.get(FORMAT_KEY) !== FORMAT || !meta.get(ARCHITECTURE_KEY)) {
    throw new MllrError(
      'CHECKPOINT_UNSUPPORTED',
      `${modelFile} was not exported by mllr (no ${FORMAT_KEY} = ${FORMAT} metadata); this reads only mllr's own export folders (OnnxEngineProvider opens Hugging Face Optimum decoders)`,
    );
  }
  const architecture = JSON.parse(meta.get(ARCHITECTURE_KEY)!) as ModelArchitecture;
  const entries = new Map<string, DataEntry & { location: string }>();
  for (const t of model.graph?.initializer ?? []) {
    if (t.dataLocation !== onnx.TensorProto.DataLocation.EXTERNAL) continue;
    const ext = new Map((t.externalData ?? []).map((e) => [e.key, e.value] as const));
    const name = t.name ?? '';
    const location = ext.get('location') ?? '';
    // Data files sit next to the graph; a path that leads elsewhere is refused rather than followed.
    if (location === '' || basename(location) !== location || location.startsWith('.')) {
      throw new MllrError(
        'CHECKPOINT_INVALID',
        `${modelFile}: tensor ${name} names the data file "${location}", which is not a file next to the model`,
      );
    }
    entries.set(name, {
      name,
      shape: (t.dims ?? []).map(Number),
      location,
      offset: Number(ext.get('offset') ?? 0),
      length: Number(ext.get('length')),
    });
  }
  return { dir, modelFile, architecture, entries };
}

/** Reads weights (all by default) of an export folder from its external data file. */
export async function readOnnxWeights(
  info: OnnxExportInfo,
  names: readonly string[] = [...info.entries.keys()],
): Promise<NamedTensor[]> {
  const handles = new Map<string, Awaited<ReturnType<typeof open>>>();
  try {
    const out: NamedTensor[] = [];
    for (const name of names) {
      const entry = info.entries.get(name);
      if (!entry) throw new MllrError('ARGUMENT_INVALID', `${info.modelFile} has no weight ${name}`);
      let handle = handles.get(entry.location);
      if (!handle) {
        handle = await open(join(info.dir, entry.location), 'r');
        handles.set(entry.location, handle);
      }
      const data = new Float32Array(entry.length / 4);
      const { bytesRead } = await handle.read(new Uint8Array(data.buffer), 0, entry.length, entry.offset);
      if (bytesRead !== entry.length)
        throw new MllrError('CHECKPOINT_INVALID', `${join(info.dir, entry.location)} ends inside tensor ${name}`);
      out.push({ name, shape: entry.shape, data });
    }
    return out;
  } finally {
    await Promise.all([...handles.values()].map((h) => h.close()));
  }
}

/**
 * Replaces some weights of an export folder in place (a fine-tuned or perturbed module) without rebuilding the
 * graph: the data file is copied, the tensors are written at their offsets, and the copy replaces the file.
 */
export async function writeOnnxWeights(dir: string, tensors: readonly NamedTensor[]): Promise<void> {
  const info = await readOnnxExport(dir);
  const byFile = new Map<string, Array<{ entry: DataEntry; tensor: NamedTensor }>>();
  for (const tensor of tensors) {
    const entry = info.entries.get(tensor.name);
    if (!entry) throw new MllrError('ARGUMENT_INVALID', `${info.modelFile} has no weight ${tensor.name}`);
    if (
      tensor.shape.length !== entry.shape.length ||
      tensor.shape.some((d, i) => d !== entry.shape[i]) ||
      tensor.data.byteLength !== entry.length
    ) {
      throw new MllrError(
        'ARGUMENT_INVALID',
        `tensor ${tensor.name} has shape [${tensor.shape}] but the exported model's is [${entry.shape}]`,
      );
    }
    const list = byFile.get(entry.location) ?? [];
    list.push({ entry, tensor });
    byFile.set(entry.location, list);
  }
  for (const [location, patches] of byFile) {
    const file = join(dir, location);
    const temp = join(dir, `${TEMP_PREFIX}${location}.${process.pid}`);
    await copyFile(file, temp);
    try {
      const handle = await open(temp, 'r+');
      try {
        for (const { entry, tensor } of patches)
          await handle.write(littleEndianBytes(tensor.data), 0, entry.length, entry.offset);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, file);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }
}
