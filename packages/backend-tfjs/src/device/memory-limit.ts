import { MllrError, type ModelArchitecture } from '@mllr/core';
import { formatBytes, memoryFloorBytes } from '@mllr/model';
import type { TfjsDevice } from './select-device.js';

/** The WebAssembly heap tfjs-backend-wasm can grow to: 32-bit addresses, 4 GiB. */
export const WASM_HEAP_BYTES = 4 * 2 ** 30;

/** Room the heap needs beyond the floor for activations of even a small batch, the kernels' scratch and the runtime. */
const WASM_RESERVE_BYTES = 512 * 2 ** 20;

/**
 * Refuses, before any weight is loaded, a model whose weights (and, to train, gradients and AdamW moments) cannot
 * fit the device's memory: on wasm the 4 GiB heap, where an overflow otherwise ends in an opaque `Aborted()`.
 * Native devices (tfjs-node, tfjs-node-gpu) and cpu use the process's memory and are not checked here.
 */
export function checkFitsDevice(
  arch: ModelArchitecture,
  device: TfjsDevice,
  use: 'inference' | 'training',
  modelDir: string,
): void {
  if (device !== 'wasm') return;
  const floor = memoryFloorBytes(arch, use);
  if (floor + WASM_RESERVE_BYTES <= WASM_HEAP_BYTES) return;
  const what =
    use === 'training'
      ? 'full fine-tuning (weights, gradients and AdamW moments, before activations)'
      : 'its float32 weights, before activations';
  throw new MllrError(
    'MODEL_TOO_LARGE',
    `${modelDir} is too large for the tfjs engine on wasm: ${what} need about ${formatBytes(floor)}, and the WebAssembly heap ` +
      `holds ${formatBytes(WASM_HEAP_BYTES)} in all. Use the onnx engine (native memory; --engine onnx, or engine.inference / ` +
      'engine.training: onnx in a run config), or tfjs-node where it is installed.',
  );
}

/** Whether an error is the wasm runtime running out of memory (an abort, or a failed heap growth). */
export function isWasmOutOfMemory(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  // `memory access out of bounds` is how a wasm kernel fails when a tensor's offsets pass the 4 GiB address space.
  return /Aborted\(|Cannot enlarge memory|out of memory|Array buffer allocation failed|memory access out of bounds/i.test(
    message,
  );
}

/**
 * Engine-internal out-of-memory text never reaches users: it becomes an MllrError saying what ran out and what to
 * do. Other errors pass through unchanged.
 */
export function translateOutOfMemory(error: unknown, device: string, task: string): unknown {
  if (!isWasmOutOfMemory(error)) return error;
  return new MllrError(
    'MODEL_TOO_LARGE',
    `the tfjs engine (${device}) ran out of memory during ${task}` +
      (device === 'wasm' ? ` (the WebAssembly heap holds at most ${formatBytes(WASM_HEAP_BYTES)})` : '') +
      '; use a smaller batch or sequence length, or the onnx engine, which uses native memory',
    { cause: error },
  );
}
