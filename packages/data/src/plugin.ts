import type { DependencyContainer, PluginInfo } from '@mllr/core';
import { FileDatasetReader } from './readers/index.js';

/** Plugin entry for the `reader` slot: csv, json and jsonl all read through the same format-detecting reader. */
export function register(container: DependencyContainer, _options: Record<string, unknown>, info: PluginInfo): void {
  container.register(info.token, { useValue: new FileDatasetReader() });
}
