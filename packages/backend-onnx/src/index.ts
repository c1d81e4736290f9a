// Public API of @mllr/backend-onnx: ONNX export of mllr's decoders and the onnxruntime-node inference engine.
export { OnnxEngine } from './engine/onnx-engine.js';
export type { OnnxEngineOptions } from './engine/onnx-engine.js';
export { OptimumOnnxEngine } from './engine/optimum-engine.js';
export { DecoderRunner, USE_CACHE_BRANCH } from './engine/decoder-runner.js';
export type { DecoderInputs, RunOutputs, SessionSource } from './engine/decoder-runner.js';
export { MERGED_DECODER_FILE, onnxModelFile, readOnnxFolder } from './import/onnx-folder.js';
export type { OnnxFolder } from './import/onnx-folder.js';
export { readOptimumDecoder } from './import/optimum-decoder.js';
export type { OptimumDecoderInfo } from './import/optimum-decoder.js';
export { ONNX_DEVICES, checkOnnxDevice, cudaProviderInstalled } from './engine/execution-provider.js';
export type { OnnxDevice, SessionSettings } from './engine/execution-provider.js';
export {
  DATA_FILE,
  MODEL_FILE,
  exportInfoOf,
  exportOnnx,
  readOnnxExport,
  readOnnxWeights,
  writeOnnxWeights,
} from './export/export-onnx.js';
export type { OnnxExport, OnnxExportInfo } from './export/export-onnx.js';
export { AXES, IO_NAMES, buildDecoderGraph } from './export/decoder-graph.js';
/** Which of ONNX Runtime's fused kernels an inference graph uses (buildDecoderGraph, encodeDecoderModel). */
export type { RuntimeKernels } from './export/runtime-decoder-layer.js';
export { ARCHITECTURE_KEY, FORMAT, FORMAT_KEY, IR_VERSION, OPSET, encodeDecoderModel } from './export/encode-model.js';
export type { DataEntry, EncodedModel, WeightStorage } from './export/encode-model.js';
export type { ModelSource } from './export/model-source.js';
/**
 * Fine-tuning (the TrainingEngine contract): weights as Float32Arrays in JavaScript, loss and gradients per
 * micro-batch from a GradientSource (mllr's ONNX training graph), AdamW with parameter groups, gradient accumulation
 * and global-norm clipping as the tfjs engine does them. Not yet registered as a plugin.
 */
export { OnnxTrainingEngine } from './train/onnx-training-engine.js';
/** The ONNX training engine on LoRA adapters (W frozen, A and B trained), written in PEFT's format. */
export { OnnxLoraTrainingEngine } from './train/onnx-lora-training-engine.js';
export type { LoraStart } from './train/onnx-lora-training-engine.js';
export type { OnnxTrainingEngineOptions } from './train/onnx-training-engine.js';
/** What the training engine needs from a gradient computation, and how it asks for one. */
export type {
  GradientSource,
  GradientSourceFactory,
  GradientSourceRequest,
  MicroBatchGradients,
} from './train/gradient-source.js';
export { OnnxEngineProvider } from './onnx-engine-provider.js';
export type { OnnxProviderOptions } from './onnx-engine-provider.js';
export { register } from './plugin.js';
export { measureOnnxMatMulGflops } from './bench/matmul-probe.js';
export type { OnnxMatMulProbeOptions } from './bench/matmul-probe.js';
export { addGradients, addVjp } from './autodiff/backward.js';
export { TRAIN_IO, TRAINING_FORMAT, buildTrainingGraph } from './train-graph/training-graph.js';
export type { TrainingGraph, TrainingGraphOptions } from './train-graph/training-graph.js';
export { TrainingGraphSession, trainingBatch, trainingGraphSources } from './train-graph/training-session.js';
export type { MicroBatchResult, TrainingBatch } from './train-graph/training-session.js';
