import { serviceToken } from '../di.js';
import type { PluginRef } from '../config/schema.js';
import type { PluginSlot } from '../plugin.js';

/** Loads the plugin a config names for a slot and returns its service, built in a fresh child container. */
export interface PluginLoader {
  /**
   * `where` is the config key path of the reference (`strategies[1].schedule`), used in error messages.
   * Each call composes a new instance, so list slots (strategies, evaluators) get one service per entry.
   */
  load<T>(slot: PluginSlot, ref: PluginRef, where: string): Promise<T>;
}

/** DI token for {@link PluginLoader}. */
export const PluginLoader = serviceToken('PluginLoader');

/** DI token for the run's validated {@link RunConfig}. */
export const RunConfigToken = serviceToken('RunConfig');
