import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MllrError, type MllrPluginModule, type PluginRef, type PluginSlot } from '@mllr/core';
import type { PluginCatalog } from './plugin-catalog.js';

/** Imports the module behind a plugin reference: a built-in from the catalog, or a user-named path or package. */
export async function loadPluginModule(
  slot: PluginSlot,
  ref: PluginRef,
  where: string,
  configDir: string,
  catalog: PluginCatalog,
): Promise<MllrPluginModule> {
  if (ref.name !== undefined) {
    const entry = catalog.entry(slot, ref.name);
    if (!entry) {
      throw new MllrError(
        'PLUGIN_UNKNOWN',
        `${where}: unknown ${slot} plugin "${ref.name}"; known: ${catalog.names(slot).join(', ') || '(none)'}`,
      );
    }
    if ('load' in entry) return checkShape(await entry.load(), `${slot} plugin "${ref.name}"`);
    const loaded = await importPackage(
      entry.package,
      `${where}: the ${slot} plugin "${ref.name}" is provided by ${entry.package}`,
    );
    return checkShape(loaded, `${entry.package} (${slot} plugin "${ref.name}")`);
  }
  const specifier = ref.module!;
  if (specifier.startsWith('.') || isAbsolute(specifier)) {
    // Only the exact path the user named is loaded: no search path, no fallback.
    const file = resolve(configDir, specifier);
    if (!existsSync(file)) {
      throw new MllrError('PLUGIN_NOT_FOUND', `${where}: plugin module ${file} does not exist`);
    }
    return checkShape(await importOrExplain(pathToFileURL(file).href, file), file);
  }
  return checkShape(await importPackage(specifier, `${where}: plugin package ${specifier}`, configDir), specifier);
}

async function importPackage(pkg: string, context: string, fromDir?: string): Promise<unknown> {
  let target = pkg;
  if (fromDir !== undefined) {
    // Resolve from the config's folder first so a project-local plugin install is found.
    try {
      target = pathToFileURL(createRequire(join(fromDir, 'noop.js')).resolve(pkg)).href;
    } catch {
      target = pkg;
    }
  }
  try {
    return await import(target);
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    if (e.code === 'ERR_MODULE_NOT_FOUND' && String(e.message).includes(pkg)) {
      throw new MllrError('PLUGIN_UNAVAILABLE', `${context}, which is not installed (npm install ${pkg})`);
    }
    throw new MllrError('PLUGIN_INVALID', `${context}, which failed to load: ${e.message}`, { cause: error });
  }
}

async function importOrExplain(url: string, file: string): Promise<unknown> {
  try {
    return await import(url);
  } catch (error) {
    throw new MllrError('PLUGIN_INVALID', `plugin module ${file} failed to load: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

function checkShape(loaded: unknown, what: string): MllrPluginModule {
  if (isPluginModule(loaded)) return loaded;
  // A CommonJS plugin (or one that default-exports its module object) holds it under `default`.
  if (typeof loaded === 'object' && loaded !== null && 'default' in loaded && isPluginModule(loaded.default))
    return loaded.default;
  throw new MllrError(
    'PLUGIN_INVALID',
    `${what} is not an mllr plugin: it must export a function register(container, options, info)`,
  );
}

/** Whether an imported value has the one member every plugin module must have: a `register` function. */
function isPluginModule(value: unknown): value is MllrPluginModule {
  return typeof value === 'object' && value !== null && 'register' in value && typeof value.register === 'function';
}
