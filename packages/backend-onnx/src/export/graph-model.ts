import type { GraphBuilder } from './graph-builder.js';
import { IR_VERSION, OPSET } from './encode-model.js';
import { onnx, type OnnxTypes } from './onnx-proto.js';

/** What a standalone graph's model file says about itself. */
export interface GraphModelInfo {
  name: string;
  docString?: string;
  metadata?: Readonly<Record<string, string>>;
  /** Initializers beyond the builder's inline constants (the builder's weight slots are not written). */
  initializers?: readonly OnnxTypes.ITensorProto[];
}

/**
 * Serialises a {@link GraphBuilder} whose data is all inline (constants, plus `initializers`) as an ONNX model,
 * opset {@link OPSET}: the form of mllr's generated graphs other than the decoder export (training graphs, test
 * graphs), whose weights are graph inputs.
 */
export function encodeGraphModel(g: GraphBuilder, info: GraphModelInfo): Uint8Array {
  const model = onnx.ModelProto.create({
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: OPSET }],
    producerName: '@mllr/backend-onnx',
    producerVersion: '0.1.0',
    docString: info.docString ?? '',
    metadataProps: Object.entries(info.metadata ?? {}).map(([key, value]) => ({ key, value })),
    graph: {
      name: info.name,
      node: g.nodes,
      initializer: [...(info.initializers ?? []), ...g.constants],
      input: g.inputs,
      output: g.outputs,
    },
  });
  return onnx.ModelProto.encode(model).finish();
}
