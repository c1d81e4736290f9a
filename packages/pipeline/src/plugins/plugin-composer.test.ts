import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EventSink, rootContainer, type ModuleId, type RobustnessContext, type RunEventInput } from '@mllr/core';
import { describe, expect, it } from 'vitest';
import { parseRunConfig } from '../config/load-config.js';
import { BUILTIN_PLUGINS } from './builtin-plugins.js';
import { PluginComposer } from './plugin-composer.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'test-fixtures');

function composerWithSink() {
  const logged: RunEventInput[] = [];
  const container = rootContainer.createChildContainer();
  container.register(EventSink, {
    useValue: { emit: (e: RunEventInput) => (logged.push(e), { ...e, seq: 0, time: 0 }) },
  });
  return { composer: new PluginComposer(container, BUILTIN_PLUGINS, fixtures), logged };
}

describe('PluginComposer', () => {
  it('composes a third-party plugin named in config, injecting its options and the event sink', async () => {
    const { config } = parseRunConfig(
      join(fixtures, 'run.yaml'),
      'proxy:\n  module: ./echo-proxy-plugin.ts\n  options: { score: 0.75 }\n',
      BUILTIN_PLUGINS,
    );
    const { composer, logged } = composerWithSink();
    const proxy = await composer.load('proxy', config.proxy, 'proxy');
    expect(proxy.name).toBe('echo');
    const modules: ModuleId[] = ['L0.q', 'L1.down'];
    const scores = await proxy.score({ modules, throwIfStopped: () => undefined } as unknown as RobustnessContext);
    expect(scores).toEqual([
      { module: 'L0.q', score: 0.75 },
      { module: 'L1.down', score: 0.75 },
    ]);
    expect(logged).toEqual([{ type: 'log', level: 'info', message: 'echo scoring 2 modules' }]);
  });

  it('gives every load its own instance (one per strategy or evaluator)', async () => {
    const { composer } = composerWithSink();
    const ref = { module: './echo-proxy-plugin.ts', options: { score: 0.5 } };
    const a = await composer.load('proxy', ref, 'strategies[0].search');
    const b = await composer.load('proxy', ref, 'strategies[1].search');
    expect(a).not.toBe(b);
  });

  it('validates plugin options against the plugin schema, with config paths', async () => {
    const { composer } = composerWithSink();
    const error = await composer
      .load('proxy', { module: './echo-proxy-plugin.ts', options: { score: 3, extra: true } }, 'proxy')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'CONFIG_INVALID' });
    const wheres = (error as { details: Array<{ where: string }> }).details.map((d) => d.where).sort();
    expect(wheres).toEqual(['proxy.options', 'proxy.options.score']);
  });

  it('turns a constructor parameter without @inject into a readable error', async () => {
    const { composer } = composerWithSink();
    const error = await composer
      .load('proxy', { module: './missing-inject-plugin.ts', options: {} }, 'proxy')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'DI_MISSING_INJECT', exitCode: 2 });
    expect((error as Error).message).toBe(
      'proxy (proxy plugin ./missing-inject-plugin.ts): RobustnessProxy: constructor parameter #1 of ForgetfulProxy has no ' +
        '@inject(Token). Every constructor parameter needs an explicit @inject(Token), because decorator metadata is not emitted.',
    );
  });

  it('explains a dependency nobody registered', async () => {
    const container = rootContainer.createChildContainer(); // no EventSink registered
    const composer = new PluginComposer(container, BUILTIN_PLUGINS, fixtures);
    const error = await composer
      .load('proxy', { module: './echo-proxy-plugin.ts', options: { score: 1 } }, 'proxy')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'DI_UNRESOLVED' });
    expect((error as Error).message).toContain('needs EventSink, which no plugin or the pipeline registered');
  });

  it('reports missing files, non-plugins, unknown names and uninstalled packages', async () => {
    const { composer } = composerWithSink();
    const dir = mkdtempSync(join(tmpdir(), 'mllr-plugin-'));
    writeFileSync(join(dir, 'not-a-plugin.mjs'), 'export const x = 1;\n');
    await expect(composer.load('proxy', { module: './nope.js', options: {} }, 'proxy')).rejects.toMatchObject({
      code: 'PLUGIN_NOT_FOUND',
      message: `proxy: plugin module ${join(fixtures, 'nope.js')} does not exist`,
    });
    await expect(
      composer.load('proxy', { module: join(dir, 'not-a-plugin.mjs'), options: {} }, 'proxy'),
    ).rejects.toMatchObject({
      code: 'PLUGIN_INVALID',
      message: expect.stringContaining('must export a function register'),
    });
    await expect(composer.load('proxy', { name: 'nosie', options: {} }, 'proxy')).rejects.toMatchObject({
      code: 'PLUGIN_UNKNOWN',
      message: 'proxy: unknown proxy plugin "nosie"; known: drift, ift, noise',
    });
    const withGhost = new PluginComposer(
      rootContainer.createChildContainer(),
      BUILTIN_PLUGINS.extend({
        proxy: { ghost: { package: '@mllr/not-installed', summary: 'a package nobody installed' } },
      }),
      fixtures,
    );
    await expect(withGhost.load('proxy', { name: 'ghost', options: {} }, 'proxy')).rejects.toMatchObject({
      code: 'PLUGIN_UNAVAILABLE',
      message:
        'proxy: the proxy plugin "ghost" is provided by @mllr/not-installed, which is not installed (npm install @mllr/not-installed)',
    });
  });
});
