// Public API of @mllr/backend-tfjs: the TensorFlow.js inference and training engine.
export { TfjsEngine } from './tfjs-engine.js';
export type { ModelSource, TfjsEngineOptions } from './tfjs-engine.js';
export { TFJS_DEVICES, selectTfjsDevice } from './device/select-device.js';
export type { DeviceSelection, TfjsDevice } from './device/select-device.js';
export { registerMissingWasmKernels } from './device/wasm-kernels.js';
export { TfjsEngineProvider } from './tfjs-engine-provider.js';
export { register } from './plugin.js';
export { measureTfjsMatMulGflops } from './bench/matmul-probe.js';
export type { TfjsMatMulProbeOptions } from './bench/matmul-probe.js';
