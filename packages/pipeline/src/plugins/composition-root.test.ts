import {
  EventSink,
  PluginLoader,
  RunConfigSchema,
  RunConfigToken,
  RunStore,
  resourceScope,
  rootContainer,
} from '@mllr/core';
import { describe, expect, it } from 'vitest';
import { BUILTIN_PLUGINS } from './builtin-plugins.js';
import { createRunContainer, openScope, withScope } from './composition-root.js';
import { OwnedResources } from './owned-resources.js';

const config = RunConfigSchema.parse({ seed: 5 });

/** A stand-in for an engine that records when it is disposed. */
function resource(name: string, log: string[], fail = false) {
  return {
    name,
    dispose: async () => {
      log.push(name);
      if (fail) throw new Error(`${name} failed to close`);
    },
  };
}

describe('createRunContainer', () => {
  it('registers the run services once for the run, and the plugin loader on the same container', () => {
    const events: EventSink = { emit: (e) => ({ ...e, seq: 0, time: 0 }) };
    const store = { dir: '/tmp/run' } as RunStore;
    const { container, composer } = createRunContainer({
      config,
      catalog: BUILTIN_PLUGINS,
      configDir: '.',
      events,
      store,
    });
    expect(container.resolve(RunConfigToken)).toBe(config);
    expect(container.resolve(EventSink)).toBe(events);
    expect(container.resolve(RunStore)).toBe(store);
    expect(container.resolve(PluginLoader)).toBe(composer);
    // A scope sees the same run services.
    expect(openScope(container).resolve(RunConfigToken)).toBe(config);
  });

  it('resolves a store given as a function only when it is asked for, so it can open after composition', () => {
    const folder: { store?: RunStore } = {};
    const { container } = createRunContainer({
      config,
      catalog: BUILTIN_PLUGINS,
      configDir: '.',
      store: () => folder.store!,
    });
    folder.store = { dir: '/tmp/later' } as RunStore;
    expect(container.resolve<RunStore>(RunStore).dir).toBe('/tmp/later');
  });

  it('gives each scope its own resource scope, one per scope however often it is asked for', () => {
    const { container } = createRunContainer({ config, catalog: BUILTIN_PLUGINS, configDir: '.' });
    const a = openScope(container);
    const b = openScope(container);
    expect(resourceScope(a)).toBe(resourceScope(a));
    expect(resourceScope(a)).not.toBe(resourceScope(b));
    expect(resourceScope(a)).toBeInstanceOf(OwnedResources);
    // A job's scope inside a stage's scope has its own too.
    expect(resourceScope(openScope(a))).not.toBe(resourceScope(a));
  });

  it('disposes what a scope owned when the scope container is disposed, last owned first, and nothing of another scope', async () => {
    const { container } = createRunContainer({ config, catalog: BUILTIN_PLUGINS, configDir: '.' });
    const log: string[] = [];
    const stage = openScope(container);
    const other = openScope(container);
    resourceScope(stage).own(resource('training', log));
    resourceScope(stage).own(resource('inference', log));
    resourceScope(other).own(resource('other', log));
    await stage.dispose();
    expect(log).toEqual(['inference', 'training']);
  });

  it('refuses a container the composition root did not build, saying where to build it', () => {
    expect(() => resourceScope(rootContainer.createChildContainer())).toThrow(
      "build it with the pipeline's composition root (createRunContainer)",
    );
  });
});

describe('withScope', () => {
  const run = () => createRunContainer({ config, catalog: BUILTIN_PLUGINS, configDir: '.' }).container;

  it('disposes what the body owned once it returns, and returns its result', async () => {
    const log: string[] = [];
    const result = await withScope(run(), async (scope) => {
      resourceScope(scope).own(resource('engine', log));
      expect(log).toEqual([]);
      return 42;
    });
    expect(result).toBe(42);
    expect(log).toEqual(['engine']);
  });

  it('disposes what the body owned when it fails, and throws the body error even when a disposal fails too', async () => {
    const log: string[] = [];
    const failing = withScope(run(), async (scope) => {
      resourceScope(scope).own(resource('engine', log, true));
      throw new Error('stage failed');
    });
    await expect(failing).rejects.toThrow('stage failed');
    expect(log).toEqual(['engine']);
  });

  it('reports a failed disposal after a body that succeeded', async () => {
    const log: string[] = [];
    const closing = withScope(run(), async (scope) => void resourceScope(scope).own(resource('engine', log, true)));
    await expect(closing).rejects.toThrow('engine failed to close');
  });
});

describe('OwnedResources', () => {
  it('release disposes at once and not again when the scope ends', async () => {
    const log: string[] = [];
    const owned = new OwnedResources();
    const first = owned.own(resource('model 1', log));
    owned.own(resource('model 2', log));
    await owned.release(first);
    expect(log).toEqual(['model 1']);
    await owned.dispose();
    expect(log).toEqual(['model 1', 'model 2']);
  });

  it('disposes every resource even when one fails, then throws the first failure', async () => {
    const log: string[] = [];
    const owned = new OwnedResources();
    owned.own(resource('a', log));
    owned.own(resource('b', log, true));
    owned.own(resource('c', log, true));
    await expect(owned.dispose()).rejects.toThrow('c failed to close');
    expect(log).toEqual(['c', 'b', 'a']);
  });
});
