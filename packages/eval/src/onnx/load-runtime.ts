import { MllrError } from '@mllr/core';

/** The onnxruntime-node module, as far as the classifier uses it. */
export type OnnxRuntime = typeof import('onnxruntime-node');

/**
 * Imports onnxruntime-node. It is loaded only when an ONNX judge is first used, so that a machine without its
 * native binary can still run every other judge; a failed load is PLUGIN_UNAVAILABLE with the reason.
 */
export async function loadOnnxRuntime(): Promise<OnnxRuntime> {
  try {
    return await import('onnxruntime-node');
  } catch (error) {
    throw new MllrError(
      'PLUGIN_UNAVAILABLE',
      `the onnx-classifier judge needs onnxruntime-node, which could not be loaded (${(error as Error).message}); ` +
        'reinstall it so that its native binary for this platform is present',
      { cause: error },
    );
  }
}
