import { tf } from '../tf.js';

/** The slice of the wasm backend's API the extra kernels need. */
interface WasmBackendLike {
  readSync(dataId: unknown): ArrayLike<number>;
  makeOutput(shape: number[], dtype: string): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

/**
 * UnsortedSegmentSum for the wasm backend, which lacks it. Training needs it: the gradient of an embedding lookup
 * (Gather) scatters rows back with this kernel. Computed in JS on the wasm heap; it runs once per step on
 * [tokens × hidden] values, which is cheap next to the matrix products.
 */
function unsortedSegmentSum({
  inputs,
  attrs,
  backend,
}: {
  inputs: tf.NamedTensorInfoMap;
  attrs?: tf.NamedAttrMap;
  backend: unknown;
}): tf.TensorInfo {
  const { x, segmentIds } = inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
  const numSegments = (attrs as { numSegments: number }).numSegments;
  const wasm = backend as WasmBackendLike;
  // Copy before allocating the output: growing the wasm heap detaches views into it.
  const values = Float32Array.from(wasm.readSync(x.dataId));
  const ids = Int32Array.from(wasm.readSync(segmentIds.dataId));
  const innerShape = x.shape.slice(segmentIds.shape.length);
  const inner = innerShape.reduce((a, b) => a * b, 1);
  const out = wasm.makeOutput([numSegments, ...innerShape], x.dtype);
  const target = wasm.typedArrayFromHeap(out) as Float32Array;
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

/**
 * Slice for the wasm backend without a full copy of its input. The stock kernel reads the whole input out of the
 * wasm heap (readSync copies) before taking its part, so cutting a [64·128, 32] tensor into 64 row blocks copied the
 * tensor 64 times; the attention product in decoder/attention.ts cuts such blocks on every layer. A contiguous
 * slice of a numeric tensor is now one copy of the part itself; every other slice goes to the stock kernel.
 */
function contiguousSlice(stock: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { inputs, attrs, backend } = args as {
      inputs: { x: tf.TensorInfo };
      attrs: { begin: number | number[]; size: number | number[] };
      backend: unknown;
    };
    const x = inputs.x;
    const [begin, size] = tf.slice_util.parseSliceParams(x as tf.Tensor, attrs.begin, attrs.size) as [
      number[],
      number[],
    ];
    if (x.dtype === 'string' || !tf.slice_util.isSliceContinous(x.shape, begin, size)) return stock(args);
    const wasm = backend as WasmBackendLike;
    const out = wasm.makeOutput(size, x.dtype);
    // Views only after allocating the output: growing the heap detaches earlier views.
    const offset = tf.slice_util.computeFlatOffset(begin, tf.util.computeStrides(x.shape));
    const count = size.reduce((a, b) => a * b, 1);
    wasm.typedArrayFromHeap(out).set(wasm.typedArrayFromHeap(x).subarray(offset, offset + count));
    return out;
  };
}

let registered = false;

/** Registers the kernels the wasm backend lacks for training, and a faster Slice; safe to call more than once. */
export function registerMissingWasmKernels(): void {
  if (registered) return;
  registered = true;
  if (!tf.getKernel('UnsortedSegmentSum', 'wasm')) {
    tf.registerKernel({
      kernelName: 'UnsortedSegmentSum',
      backendName: 'wasm',
      kernelFunc: unsortedSegmentSum as tf.KernelFunc,
    });
  }
  const slice = tf.getKernel('Slice', 'wasm');
  if (slice) {
    tf.unregisterKernel('Slice', 'wasm');
    tf.registerKernel({ ...slice, kernelFunc: contiguousSlice(slice.kernelFunc) });
  }
}
