import { MllrError } from '@mllr/core';

/** The onnxruntime-node module. */
export type OnnxRuntime = typeof import('onnxruntime-node');

let runtime: Promise<OnnxRuntime> | undefined;

/**
 * Imports onnxruntime-node once per process, when an engine is first opened (so that importing this package, for
 * example to export a model, never needs the native binary). A failed load is PLUGIN_UNAVAILABLE with the reason.
 */
export function loadOnnxRuntime(): Promise<OnnxRuntime> {
  runtime ??= import('onnxruntime-node').catch((error: unknown) => {
    runtime = undefined;
    throw new MllrError(
      'PLUGIN_UNAVAILABLE',
      `the onnx engine needs onnxruntime-node, which could not be loaded (${(error as Error).message}); ` +
        'reinstall it so that its native binary for this platform is present',
      { cause: error },
    );
  });
  return runtime;
}
