import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { MllrError, RunConfigSchema, type ErrorDetail, type RunConfig } from '@mllr/core';
import { ConfigSource } from './source-locator.js';
import { DEFAULT_CONFIG_PATH } from './default-config.js';
import { checkPluginNames } from './check-plugin-names.js';
import type { PluginCatalog } from '../plugins/plugin-catalog.js';

/** A validated config and where it came from. */
export interface LoadedConfig {
  config: RunConfig;
  /** Absolute path of the file (the shipped default when none was given). */
  file: string;
  /** Folder that relative paths in the config are resolved against. */
  dir: string;
  /** The file's text as written, copied into the run folder. */
  text: string;
}

/**
 * Reads and validates a run config (YAML or JSON). Every problem is collected and reported at once, each with
 * `file:line:col` and its key path, as one CONFIG_INVALID error.
 */
export async function loadRunConfig(file: string | undefined, catalog: PluginCatalog): Promise<LoadedConfig> {
  const path = resolve(file ?? DEFAULT_CONFIG_PATH);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new MllrError('CONFIG_NOT_FOUND', `cannot read config ${path}: ${code === 'ENOENT' ? 'no such file' : String(code ?? error)}`);
  }
  return parseRunConfig(path, text, catalog);
}

/** Validates config text already in memory; `file` is used for messages and relative paths. */
export function parseRunConfig(file: string, text: string, catalog: PluginCatalog): LoadedConfig {
  const source = ConfigSource.parse(file, text);
  if (source.document.errors.length > 0) {
    const details = source.document.errors.map(
      (e): ErrorDetail => ({ where: source.at(e.pos[0]), message: e.message.split('\n')[0]! }),
    );
    throw new MllrError('CONFIG_PARSE', `config ${file} is not valid YAML or JSON`, { details });
  }
  const raw: unknown = source.document.toJS() ?? {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new MllrError('CONFIG_INVALID', `config ${file} must be a mapping of settings, not ${Array.isArray(raw) ? 'a list' : typeof raw}`);
  }
  const parsed = RunConfigSchema.safeParse(raw);
  const details: ErrorDetail[] = [];
  for (const issue of parsed.error?.issues ?? []) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        details.push({
          where: `${source.locate(issue.path, key)} ${formatPath([...issue.path, key])}`,
          message: 'unknown setting (check the spelling; the pipeline README lists every option)',
        });
      }
    } else {
      details.push({ where: `${source.locate(issue.path)} ${formatPath(issue.path)}`, message: issue.message });
    }
  }
  for (const problem of checkPluginNames(raw, catalog)) {
    details.push({ where: `${source.locate(problem.path)} ${formatPath(problem.path)}`, message: problem.message });
  }
  if (details.length > 0) {
    details.sort((a, b) => positionKey(a.where) - positionKey(b.where));
    throw new MllrError(
      'CONFIG_INVALID',
      `config ${file} has ${details.length} problem${details.length === 1 ? '' : 's'}:`,
      { details },
    );
  }
  return { config: parsed.data!, file, dir: dirname(file), text };
}

/** `proxy.options.sigma`, `strategies[2].schedule`. */
export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(top level)';
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`))
    .join('');
}

// Problems are listed in file order, whichever check found them.
function positionKey(where: string | undefined): number {
  const m = /:(\d+):(\d+) /.exec(where ?? '');
  return m ? Number(m[1]) * 1e6 + Number(m[2]) : 0;
}
