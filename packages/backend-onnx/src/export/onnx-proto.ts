// The one place this package imports onnx-proto (protobufjs classes generated from ONNX's onnx.proto), so the
// rest of the code sees a single `onnx` namespace.
import onnxProto from 'onnx-proto';

export const { onnx } = onnxProto;
export type { onnx as OnnxTypes } from 'onnx-proto';

/** Element types used by mllr's graphs (values of TensorProto.DataType). */
export const ElemType = {
  FLOAT: onnx.TensorProto.DataType.FLOAT,
  DOUBLE: onnx.TensorProto.DataType.DOUBLE,
  INT64: onnx.TensorProto.DataType.INT64,
  BOOL: onnx.TensorProto.DataType.BOOL,
} as const;
