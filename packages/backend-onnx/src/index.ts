// Public API of @mllr/backend-onnx: ONNX export of mllr's decoders and the onnxruntime-node inference engine.
export { OnnxEngine } from './engine/onnx-engine.js';
export type { OnnxEngineOptions } from './engine/onnx-engine.js';
export { ONNX_DEVICES, checkOnnxDevice, cudaProviderInstalled } from './engine/execution-provider.js';
export type { OnnxDevice, SessionSettings } from './engine/execution-provider.js';
export { DATA_FILE, MODEL_FILE, exportOnnx, readOnnxExport, readOnnxWeights, writeOnnxWeights } from './export/export-onnx.js';
export type { OnnxExport, OnnxExportInfo } from './export/export-onnx.js';
export { AXES, IO_NAMES, buildDecoderGraph } from './export/decoder-graph.js';
export { ARCHITECTURE_KEY, FORMAT, FORMAT_KEY, IR_VERSION, OPSET, encodeDecoderModel } from './export/encode-model.js';
export type { DataEntry, EncodedModel, WeightStorage } from './export/encode-model.js';
export type { ModelSource } from './export/model-source.js';
export { OnnxEngineProvider } from './onnx-engine-provider.js';
export type { OnnxProviderOptions } from './onnx-engine-provider.js';
export { register } from './plugin.js';
