import type { RuntimeKernels } from '../export/runtime-decoder-layer.js';

/**
 * ONNX Runtime's fused kernels in the OnnxEngine's graphs: RotaryEmbedding, measured 5–6 % faster on the reference
 * shape's forward with the same results within float rounding. MultiHeadAttention, SkipSimplifiedLayerNormalization
 * and the fused q/k/v and gate/up projections were measured too and were not faster here (docs/performance.md,
 * issue 14), so they stay off.
 */
export const ENGINE_KERNELS: RuntimeKernels = { rotary: true, attention: false, projections: false, skipNorm: false };

/** How ONNX Runtime says a graph uses an operator it has no kernel or schema for. */
const MISSING_KERNEL =
  /com\.microsoft|RotaryEmbedding|MultiHeadAttention|SkipSimplifiedLayerNormalization|not find an implementation|No Op registered/i;

/**
 * Creates a session on the graph with ONNX Runtime's fused `kernels` and, where the runtime has no kernel for one
 * of them (a build without the com.microsoft operators), on the standard-op graph, which every ONNX Runtime runs.
 * Other errors pass through.
 */
export async function withStandardFallback<T>(
  create: (kernels?: RuntimeKernels) => Promise<T>,
  kernels: RuntimeKernels,
): Promise<T> {
  try {
    return await create(kernels);
  } catch (error) {
    if (!MISSING_KERNEL.test(String((error as Error)?.message ?? error))) throw error;
    return create(undefined);
  }
}
