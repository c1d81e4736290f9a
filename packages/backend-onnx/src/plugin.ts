import type { DependencyContainer, PluginInfo } from '@mllr/core';
import { OnnxEngineProvider, providerOptions } from './onnx-engine-provider.js';

/** Plugin entry: binds the `inference` or `training` slot to the ONNX Runtime engines. Options: `device`, `threads`. */
export function register(container: DependencyContainer, options: Record<string, unknown>, info: PluginInfo): void {
  container.register(info.token, { useValue: new OnnxEngineProvider(providerOptions(options)) });
}
