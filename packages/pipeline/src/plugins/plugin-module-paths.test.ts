import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILTIN_PLUGINS } from './builtin-plugins.js';
import { loadPluginModule } from './load-plugin-module.js';

const PLUGIN = 'export const marker = "%s"; export function register() {}\n';

describe('plugin modules load only from the path the user named', () => {
  it('resolves a relative path against the config folder, not the working directory', async () => {
    const root = mkdtempSync(join(tmpdir(), 'mllr-plugin-path-'));
    const configDir = join(root, 'configs');
    mkdirSync(configDir);
    writeFileSync(join(configDir, 'p.mjs'), PLUGIN.replace('%s', 'config folder'));
    writeFileSync(join(root, 'p.mjs'), PLUGIN.replace('%s', 'working directory'));
    const cwd = process.cwd();
    process.chdir(root);
    try {
      const loaded = (await loadPluginModule(
        'proxy',
        { module: './p.mjs', options: {} },
        'proxy',
        configDir,
        BUILTIN_PLUGINS,
      )) as unknown as { marker: string };
      expect(loaded.marker).toBe('config folder');
    } finally {
      process.chdir(cwd);
    }
  });

  it('is an error when the named file is missing, even if a file of that name exists elsewhere', async () => {
    const root = mkdtempSync(join(tmpdir(), 'mllr-plugin-path-'));
    const configDir = join(root, 'configs');
    mkdirSync(configDir);
    writeFileSync(join(root, 'p.mjs'), PLUGIN.replace('%s', 'elsewhere'));
    await expect(
      loadPluginModule('proxy', { module: './p.mjs', options: {} }, 'proxy', configDir, BUILTIN_PLUGINS),
    ).rejects.toMatchObject({
      code: 'PLUGIN_NOT_FOUND',
      message: `proxy: plugin module ${join(configDir, 'p.mjs')} does not exist`,
    });
    await expect(
      loadPluginModule('proxy', { module: '../missing/p.mjs', options: {} }, 'proxy', configDir, BUILTIN_PLUGINS),
    ).rejects.toMatchObject({
      code: 'PLUGIN_NOT_FOUND',
      message: expect.stringContaining(join(root, 'missing', 'p.mjs')),
    });
  });

  it('takes a plugin from the module or its default export, and refuses a module without a register function', async () => {
    const configDir = mkdtempSync(join(tmpdir(), 'mllr-plugin-shape-'));
    writeFileSync(join(configDir, 'default.mjs'), 'export default { marker: "default", register() {} };\n');
    writeFileSync(join(configDir, 'none.mjs'), 'export const register = 42;\n');
    const load = (file: string) =>
      loadPluginModule('proxy', { module: `./${file}`, options: {} }, 'proxy', configDir, BUILTIN_PLUGINS);
    expect(((await load('default.mjs')) as unknown as { marker: string }).marker).toBe('default');
    await expect(load('none.mjs')).rejects.toMatchObject({
      code: 'PLUGIN_INVALID',
      message: expect.stringMatching(/is not an mllr plugin: it must export a function register/),
    });
  });
});
