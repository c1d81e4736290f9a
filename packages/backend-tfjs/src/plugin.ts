import type { DependencyContainer, PluginInfo } from '@mllr/core';
import { TfjsEngineProvider } from './tfjs-engine-provider.js';

/** Plugin entry: binds the `inference` or `training` slot to the TensorFlow.js engine. Option: `device`. */
export function register(container: DependencyContainer, options: Record<string, unknown>, info: PluginInfo): void {
  const device = typeof options.device === 'string' ? options.device : 'auto';
  container.register(info.token, { useValue: new TfjsEngineProvider(device) });
}
