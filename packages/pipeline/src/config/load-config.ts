import { readFile, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { MllrError, RunConfigSchema, type ErrorDetail, type RunConfig } from '@mllr/core';
import { ConfigSource } from './source-locator.js';
import { DEFAULT_CONFIG_PATH } from './default-config.js';
import { checkPluginNames } from './check-plugin-names.js';
import {
  MAX_CONFIG_BYTES,
  MAX_CONFIG_DEPTH,
  MAX_FLOW_DEPTH,
  findSecretSettings,
  flowDepth,
  nestsDeeperThan,
  secretSettingMessage,
} from './secret-settings.js';
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
    const size = (await stat(path)).size;
    if (size > MAX_CONFIG_BYTES)
      throw new MllrError(
        'CONFIG_PARSE',
        `config ${path} is ${size} bytes, more than the ${MAX_CONFIG_BYTES}-byte limit`,
      );
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (error instanceof MllrError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new MllrError(
      'CONFIG_NOT_FOUND',
      `cannot read config ${path}: ${code === 'ENOENT' ? 'no such file' : String(code ?? error)}`,
    );
  }
  return parseRunConfig(path, text, catalog);
}

/**
 * Validates config text already in memory; `file` is used for messages and relative paths. Besides the schema, a
 * config may not hold secrets (keys like api_key or password with a value: name an environment variable instead)
 * and may not nest deeper than {@link MAX_CONFIG_DEPTH}.
 */
export function parseRunConfig(file: string, text: string, catalog: PluginCatalog): LoadedConfig {
  const { source, raw } = parseYaml(file, text);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new MllrError(
      'CONFIG_INVALID',
      `config ${file} must be a mapping of settings, not ${Array.isArray(raw) ? 'a list' : typeof raw}`,
    );
  }
  const secrets = findSecretSettings(raw);
  if (secrets.length > 0) {
    const details = secrets.map((s): ErrorDetail => ({
      where: `${source.locate(s.path)} ${formatPath(s.path)}`,
      message: secretSettingMessage(s.key),
    }));
    throw new MllrError(
      'CONFIG_INVALID',
      `config ${file} holds ${secrets.length === 1 ? 'a secret' : `${secrets.length} secrets`}:`,
      { details },
    );
  }
  const parsed = RunConfigSchema.safeParse(raw);
  const problems: { path: readonly PropertyKey[]; key?: string; message: string }[] = [];
  for (const issue of parsed.error?.issues ?? []) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        problems.push({
          path: issue.path,
          key,
          message: 'unknown setting (check the spelling; the pipeline README lists every option)',
        });
      }
    } else {
      problems.push({ path: issue.path, message: issue.message });
    }
  }
  for (const problem of checkPluginNames(raw, catalog)) problems.push(problem);
  if (problems.length > 0) {
    // Locating a problem in the text costs a walk of the document: list at most MAX_LISTED_PROBLEMS of them.
    const details: ErrorDetail[] = problems.slice(0, MAX_LISTED_PROBLEMS).map((p) => ({
      where: `${source.locate(p.path, p.key)} ${formatPath(p.key === undefined ? p.path : [...p.path, p.key])}`,
      message: p.message,
    }));
    details.sort((a, b) => positionKey(a.where) - positionKey(b.where));
    if (problems.length > MAX_LISTED_PROBLEMS)
      details.push({ message: `… and ${problems.length - MAX_LISTED_PROBLEMS} more` });
    throw new MllrError(
      'CONFIG_INVALID',
      `config ${file} has ${problems.length} problem${problems.length === 1 ? '' : 's'}:`,
      { details },
    );
  }
  return { config: parsed.data!, file, dir: dirname(file), text };
}

/**
 * The YAML document and its plain value. The yaml library recurses per nesting level and slows down sharply with
 * deep flow collections, so size and bracket depth are checked on the text first; a stack overflow, and nesting
 * past {@link MAX_CONFIG_DEPTH}, are CONFIG_PARSE like any syntax error.
 */
function parseYaml(file: string, text: string): { source: ConfigSource; raw: unknown } {
  if (text.length > MAX_CONFIG_BYTES)
    throw new MllrError(
      'CONFIG_PARSE',
      `config ${file} is ${text.length} characters, more than the ${MAX_CONFIG_BYTES} accepted`,
    );
  if (flowDepth(text) > MAX_FLOW_DEPTH) {
    throw new MllrError('CONFIG_PARSE', `config ${file} nests { and [ more than ${MAX_FLOW_DEPTH} levels deep`);
  }
  let source: ConfigSource;
  let raw: unknown;
  try {
    source = ConfigSource.parse(file, text);
    if (source.document.errors.length > 0) {
      const details = source.document.errors.map((e): ErrorDetail => ({
        where: source.at(e.pos[0]),
        message: e.message.split('\n')[0]!,
      }));
      throw new MllrError('CONFIG_PARSE', `config ${file} is not valid YAML or JSON`, { details });
    }
    raw = source.document.toJS() ?? {};
  } catch (error) {
    if (error instanceof MllrError) throw error;
    const why = error instanceof RangeError ? 'it nests too deeply' : (error as Error).message;
    throw new MllrError('CONFIG_PARSE', `config ${file} cannot be read as YAML or JSON: ${why}`, { cause: error });
  }
  if (nestsDeeperThan(raw, MAX_CONFIG_DEPTH)) {
    throw new MllrError(
      'CONFIG_PARSE',
      `config ${file} nests mappings or lists more than ${MAX_CONFIG_DEPTH} levels deep`,
    );
  }
  return { source, raw };
}

/** The most problems one error lists (each with its place in the file); the rest are counted. */
const MAX_LISTED_PROBLEMS = 100;

/** `proxy.options.sigma`, `strategies[2].schedule`. */
export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(top level)';
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('');
}

// Problems are listed in file order, whichever check found them.
function positionKey(where: string | undefined): number {
  const m = /:(\d+):(\d+) /.exec(where ?? '');
  return m ? Number(m[1]) * 1e6 + Number(m[2]) : 0;
}
