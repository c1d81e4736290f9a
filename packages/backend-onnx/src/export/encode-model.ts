import { MllrError, type ModelArchitecture, type NamedTensor } from '@mllr/core';
import { buildDecoderGraph } from './decoder-graph.js';
import type { RuntimeKernels } from './runtime-decoder-layer.js';
import { RUNTIME_DOMAIN, littleEndianBytes, type GraphBuilder, type WeightSlot } from './graph-builder.js';
import { onnx, type OnnxTypes } from './onnx-proto.js';

/** The ONNX opset of mllr's graphs. */
export const OPSET = 17;
/** ONNX IR version written (IR 8 = ONNX 1.10+, read by every ONNX Runtime since 1.10). */
export const IR_VERSION = 8;
/** `metadata_props` key and value that mark a graph made by this package. */
export const FORMAT_KEY = 'mllr.format';
export const FORMAT = 'mllr-decoder/1';
/** `metadata_props` key holding the ModelArchitecture as JSON. */
export const ARCHITECTURE_KEY = 'mllr.architecture';
/** Offsets of tensors in the external data file are multiples of this (the page size, for memory mapping). */
export const DATA_ALIGNMENT = 4096;

/**
 * Where weight data goes: inside the model (one buffer, under 2 GiB), in one external file next to it, or nowhere:
 * `inputs` declares every weight a graph input instead of an initializer, fed at every run (so weights change
 * without a new session; ONNX Runtime then neither folds their Transposes nor prepacks them).
 */
export type WeightStorage = { kind: 'inline' } | { kind: 'external'; location: string } | { kind: 'inputs' };

/** One tensor's place in the external data file. */
export interface DataEntry {
  name: string;
  shape: number[];
  offset: number;
  length: number;
}

/** The serialised model, and for external storage the layout of the data file. */
export interface EncodedModel {
  model: Uint8Array;
  /** Tensors in file order (external storage only). */
  layout?: DataEntry[];
  /** Size of the data file in bytes (external storage only). */
  dataSize?: number;
}

/** Looks a weight up by Hugging Face name. */
export type WeightLookup = (name: string) => NamedTensor | undefined;

/**
 * Builds and serialises the decoder graph of `arch` with weights from `weights` (checked against the shapes the
 * architecture needs). Inline storage puts each weight's bytes in the model; external storage only records offsets
 * into `location`, which the caller writes with {@link writeDataFile} from the returned layout; `inputs` storage
 * writes no weight data (the weights are checked all the same, since every run must feed them).
 */
export function encodeDecoderModel(
  arch: ModelArchitecture,
  weights: WeightLookup,
  storage: WeightStorage,
  kernels?: RuntimeKernels,
): EncodedModel {
  const graph = buildDecoderGraph(arch, kernels);
  const tensors = graph.weights.map((slot) => checkedTensor(slot, weights(slot.name)));
  if (storage.kind === 'inputs') {
    const inputs = graph.weights.map((slot) =>
      onnx.ValueInfoProto.create({
        name: slot.name,
        type: {
          tensorType: {
            elemType: onnx.TensorProto.DataType.FLOAT,
            shape: { dim: slot.shape.map((d) => ({ dimValue: d })) },
          },
        },
      }),
    );
    return { model: serialise(graph, arch, [], inputs) };
  }
  if (storage.kind === 'inline') {
    const bytes = tensors.reduce((n, t) => n + t.data.byteLength, 0);
    if (bytes > 2 ** 31 - 2 ** 26) {
      throw new MllrError(
        'ARGUMENT_INVALID',
        `the weights (${bytes} bytes) are too large for one ONNX protobuf (2 GiB); use external data`,
      );
    }
    const initializers = tensors.map((t) =>
      onnx.TensorProto.create({
        name: t.name,
        dims: t.shape,
        dataType: onnx.TensorProto.DataType.FLOAT,
        rawData: littleEndianBytes(t.data),
      }),
    );
    return { model: serialise(graph, arch, initializers) };
  }
  const layout = dataLayout(tensors);
  const initializers = layout.map((entry) =>
    onnx.TensorProto.create({
      name: entry.name,
      dims: entry.shape,
      dataType: onnx.TensorProto.DataType.FLOAT,
      dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
      externalData: [
        { key: 'location', value: storage.location },
        { key: 'offset', value: String(entry.offset) },
        { key: 'length', value: String(entry.length) },
      ],
    }),
  );
  const last = layout[layout.length - 1];
  return { model: serialise(graph, arch, initializers), layout, dataSize: last ? last.offset + last.length : 0 };
}

/** Offsets of each tensor in an external data file, aligned to {@link DATA_ALIGNMENT}. */
export function dataLayout(tensors: readonly NamedTensor[]): DataEntry[] {
  let offset = 0;
  return tensors.map((t) => {
    offset = Math.ceil(offset / DATA_ALIGNMENT) * DATA_ALIGNMENT;
    const entry = { name: t.name, shape: [...t.shape], offset, length: t.data.byteLength };
    offset += entry.length;
    return entry;
  });
}

/** The bytes of an external data file, in chunks (zero padding between tensors), for a streaming write. */
export async function* dataFileChunks(layout: readonly DataEntry[], weights: WeightLookup): AsyncGenerator<Uint8Array> {
  let position = 0;
  for (const entry of layout) {
    if (entry.offset > position) yield new Uint8Array(entry.offset - position);
    yield littleEndianBytes(weights(entry.name)!.data);
    position = entry.offset + entry.length;
  }
}

function serialise(
  graph: GraphBuilder,
  arch: ModelArchitecture,
  weights: OnnxTypes.ITensorProto[],
  weightInputs: OnnxTypes.IValueInfoProto[] = [],
): Uint8Array {
  const model = onnx.ModelProto.create({
    irVersion: IR_VERSION,
    opsetImport: [
      { domain: '', version: OPSET },
      ...(graph.nodes.some((n) => n.domain === RUNTIME_DOMAIN) ? [{ domain: RUNTIME_DOMAIN, version: 1 }] : []),
    ],
    producerName: '@mllr/backend-onnx',
    producerVersion: '0.1.0',
    docString: `${arch.family} decoder exported by mllr: logits, present key/values and per-layer last-token hidden states`,
    metadataProps: [
      { key: FORMAT_KEY, value: FORMAT },
      { key: ARCHITECTURE_KEY, value: JSON.stringify(arch) },
    ],
    graph: {
      name: `mllr-${arch.family}-decoder`,
      node: graph.nodes,
      initializer: [...weights, ...graph.constants],
      input: [...graph.inputs, ...weightInputs],
      output: graph.outputs,
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

function checkedTensor(slot: WeightSlot, tensor: NamedTensor | undefined): NamedTensor {
  if (!tensor) throw new MllrError('CHECKPOINT_INVALID', `the model has no tensor ${slot.name}`);
  const size = slot.shape.reduce((n, d) => n * d, 1);
  if (
    tensor.shape.length !== slot.shape.length ||
    tensor.shape.some((d, i) => d !== slot.shape[i]) ||
    tensor.data.length !== size
  ) {
    throw new MllrError(
      'CHECKPOINT_INVALID',
      `tensor ${slot.name} has shape [${tensor.shape}] but the architecture needs [${slot.shape}]`,
    );
  }
  return tensor;
}
