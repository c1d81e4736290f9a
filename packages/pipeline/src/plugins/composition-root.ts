import {
  EventSink,
  Lifecycle,
  PluginLoader,
  ResourceScope,
  RunConfigToken,
  RunStore,
  rootContainer,
  type DependencyContainer,
  type RunConfig,
} from '@mllr/core';
import { OwnedResources } from './owned-resources.js';
import type { PluginCatalog } from './plugin-catalog.js';
import { PluginComposer } from './plugin-composer.js';

/** What a run's container is built from; `events` and `store` where the process has them. */
export interface RunContainerParts {
  config: RunConfig;
  catalog: PluginCatalog;
  /** The config file's folder: relative plugin paths and data files resolve against it. */
  configDir: string;
  events?: EventSink;
  /** The run store, or a function that returns it once the run folder is open (it opens after the stage set composed). */
  store?: RunStore | (() => RunStore);
}

/**
 * The one place the pipeline's services and their lifetimes are declared (the composition root). Every process that
 * runs stages or jobs (the engine process, a job worker, `mllr eval`) builds its container here.
 *
 * Lifetimes:
 * - run: the config, the event sink, the run store and the plugin loader, one each for the whole process;
 * - plugin: each `load` composes the plugin in its own child container (PluginComposer), so list slots get one
 *   service per entry;
 * - scope: a {@link ResourceScope} per scope container ({@link openScope}; the stage runner opens one per stage,
 *   the job runners one per job). Disposing the scope container disposes the engines the scope owned, on success
 *   and on failure alike, so stages hold no `try/finally` of their own for them.
 */
export function createRunContainer(parts: RunContainerParts): {
  container: DependencyContainer;
  composer: PluginComposer;
} {
  const container = rootContainer.createChildContainer();
  container.register(RunConfigToken, { useValue: parts.config });
  if (parts.events) container.register(EventSink, { useValue: parts.events });
  const { store } = parts;
  if (typeof store === 'function') container.register(RunStore, { useFactory: () => store() });
  else if (store) container.register(RunStore, { useValue: store });
  const composer = new PluginComposer(container, parts.catalog, parts.configDir);
  container.register(PluginLoader, { useValue: composer });
  // Container-scoped: each scope container builds its own, and tsyringe tracks it for that container's dispose().
  container.register(ResourceScope, { useClass: OwnedResources }, { lifecycle: Lifecycle.ContainerScoped });
  return { container, composer };
}

/**
 * A scope of `parent` (one stage, one job): resolves everything `parent` does, with its own {@link ResourceScope}.
 * End it with `await scope.dispose()`, which disposes what was owned in it; it cannot be used afterwards.
 */
export function openScope(parent: DependencyContainer): DependencyContainer {
  return parent.createChildContainer();
}

/**
 * Runs `body` in a fresh scope of `parent` and disposes the scope when `body` ends, however it ends. Where both the
 * body and the disposal fail, the body's error is the one thrown: it says what went wrong first.
 */
export async function withScope<T>(
  parent: DependencyContainer,
  body: (scope: DependencyContainer) => Promise<T>,
): Promise<T> {
  const scope = openScope(parent);
  let result: T;
  try {
    result = await body(scope);
  } catch (error) {
    try {
      await scope.dispose();
    } catch {
      // The body's error is the one to report.
    }
    throw error;
  }
  await scope.dispose();
  return result;
}
