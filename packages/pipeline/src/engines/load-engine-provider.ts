import { rootContainer, type EngineProvider, type PluginRef } from '@mllr/core';
import { BUILTIN_PLUGINS } from '../plugins/builtin-plugins.js';
import type { PluginCatalog } from '../plugins/plugin-catalog.js';
import { PluginComposer } from '../plugins/plugin-composer.js';

/**
 * The engine provider a command names (`tfjs`, `onnx`, or a `module:` plugin), composed like a run's `inference`
 * slot (or its `training` slot, for `mllr finetune`), for commands that work on a model outside a run (`mllr
 * generate`, `mllr inspect`, `mllr finetune`).
 */
export function loadEngineProvider(
  ref: PluginRef,
  catalog: PluginCatalog = BUILTIN_PLUGINS,
  cwd = process.cwd(),
  slot: 'inference' | 'training' = 'inference',
): Promise<EngineProvider> {
  const composer = new PluginComposer(rootContainer.createChildContainer(), catalog, cwd);
  return composer.load(slot, ref, '--engine');
}
