import { tf } from '../tf.js';

/** The slice of the wasm backend's API the extra kernels need. */
interface WasmBackendLike {
  readSync(dataId: unknown): ArrayLike<number>;
  makeOutput(shape: number[], dtype: string): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
}

/**
 * UnsortedSegmentSum for the wasm backend, which lacks it. Training needs it: the gradient of an embedding lookup
 * (Gather) scatters rows back with this kernel. Computed in JS on the wasm heap; it runs once per step on
 * [tokens × hidden] values, which is cheap next to the matrix products.
 */
function unsortedSegmentSum({ inputs, attrs, backend }: { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap; backend: unknown }): tf.TensorInfo {
  const { x, segmentIds } = inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
  const numSegments = (attrs as { numSegments: number }).numSegments;
  const wasm = backend as WasmBackendLike;
  // Copy before allocating the output: growing the wasm heap detaches views into it.
  const values = Float32Array.from(wasm.readSync(x.dataId));
  const ids = Int32Array.from(wasm.readSync(segmentIds.dataId));
  const innerShape = x.shape.slice(segmentIds.shape.length);
  const inner = innerShape.reduce((a, b) => a * b, 1);
  const out = wasm.makeOutput([numSegments, ...innerShape], x.dtype);
  const target = wasm.typedArrayFromHeap(out);
  target.fill(0);
  for (let i = 0; i < ids.length; i++) {
    const segment = ids[i]!;
    if (segment < 0 || segment >= numSegments) continue;
    const from = i * inner;
    const to = segment * inner;
    for (let j = 0; j < inner; j++) target[to + j]! += values[from + j]!;
  }
  return out;
}

let registered = false;

/** Registers the kernels the wasm backend lacks for training; safe to call more than once. */
export function registerMissingWasmKernels(): void {
  if (registered) return;
  registered = true;
  if (!tf.getKernel('UnsortedSegmentSum', 'wasm')) {
    tf.registerKernel({ kernelName: 'UnsortedSegmentSum', backendName: 'wasm', kernelFunc: unsortedSegmentSum as tf.KernelFunc });
  }
}
