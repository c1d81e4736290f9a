import { serviceToken, type DependencyContainer } from '../di.js';
import type { PluginRef } from '../config/schema.js';
import type { PluginServices, PluginSlot } from '../plugin.js';

/** Loads the plugin a config names for a slot and returns its service, built in a fresh child container. */
export interface PluginLoader {
  /**
   * Returns the slot's service type ({@link PluginServices}). `where` is the config key path of the reference
   * (`strategies[1].schedule`), used in error messages. Each call composes a new instance, so list slots
   * (strategies, evaluators) get one service per entry.
   */
  load<S extends PluginSlot>(slot: S, ref: PluginRef, where: string): Promise<PluginServices[S]>;
}

/** DI token for {@link PluginLoader}. */
export const PluginLoader = serviceToken('PluginLoader');

/** The run's {@link PluginLoader}, as registered in `container` (a stage's `context.container`). */
export function pluginLoader(container: DependencyContainer): PluginLoader {
  return container.resolve<PluginLoader>(PluginLoader);
}

/** DI token for the run's validated {@link RunConfig}. */
export const RunConfigToken = serviceToken('RunConfig');
