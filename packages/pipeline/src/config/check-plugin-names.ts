import type { PluginSlot } from '@mllr/core';
import type { PluginCatalog } from '../plugins/plugin-catalog.js';

/** A plugin name that no package provides, with its key path in the config. */
export interface PluginNameProblem {
  path: (string | number)[];
  message: string;
}

/** Where plugin references sit in a config; `*` stands for every entry of a list. */
const PLUGIN_PATHS: ReadonlyArray<{ slot: PluginSlot; path: readonly string[] }> = [
  { slot: 'stages', path: ['stages'] },
  { slot: 'inference', path: ['engine', 'inference'] },
  { slot: 'training', path: ['engine', 'training'] },
  { slot: 'tokenizer', path: ['tokenizer'] },
  { slot: 'proxy', path: ['proxy'] },
  { slot: 'search', path: ['search'] },
  { slot: 'judge', path: ['judge'] },
  { slot: 'schedule', path: ['strategies', '*', 'schedule'] },
  { slot: 'search', path: ['strategies', '*', 'search'] },
  { slot: 'evaluator', path: ['evaluators', '*'] },
  { slot: 'reader', path: ['data', 'ift', 'reader'] },
  { slot: 'reader', path: ['data', 'harmful_eval', '*', 'reader'] },
  { slot: 'reader', path: ['data', 'benign_eval', '*', 'reader'] },
  { slot: 'reader', path: ['data', 'usability_eval', '*', 'reader'] },
  { slot: 'reader', path: ['data', 'expertise_eval', '*', 'reader'] },
  { slot: 'reader', path: ['data', 'probe', 'harmful', '*', 'reader'] },
  { slot: 'reader', path: ['data', 'probe', 'benign', '*', 'reader'] },
  { slot: 'reader', path: ['model', 'pretrain', 'data', '*', 'reader'] },
];

/**
 * Checks every built-in plugin name in a config, as written (before schema validation, so that unknown names are
 * reported together with every other problem). Unknown names list the known ones.
 */
export function checkPluginNames(raw: unknown, catalog: PluginCatalog): PluginNameProblem[] {
  const problems: PluginNameProblem[] = [];
  for (const { slot, value, at } of pluginReferences(raw)) {
    const name = typeof value === 'string' ? value : (value as { name?: unknown } | undefined)?.name;
    if (typeof name !== 'string' || catalog.has(slot, name)) continue;
    const known = catalog.names(slot);
    problems.push({
      path: typeof value === 'string' ? at : [...at, 'name'],
      message:
        `unknown ${slot} plugin "${name}"; known: ${known.length > 0 ? known.join(', ') : '(none)'}` +
        ' (or use `module: <path or package>` for a third-party plugin)',
    });
  }
  return problems;
}

/** Every plugin reference in a config (as written or parsed), with its slot and key path. */
export function pluginReferences(
  config: unknown,
): Array<{ slot: PluginSlot; value: unknown; at: (string | number)[] }> {
  return PLUGIN_PATHS.flatMap(({ slot, path }) =>
    valuesAt(config, path, []).map(({ value, at }) => ({ slot, value, at })),
  );
}

function valuesAt(
  node: unknown,
  path: readonly string[],
  at: (string | number)[],
): Array<{ value: unknown; at: (string | number)[] }> {
  if (path.length === 0) return node === undefined ? [] : [{ value: node, at }];
  if (node === null || typeof node !== 'object') return [];
  const [head, ...rest] = path as [string, ...string[]];
  if (head === '*') {
    if (!Array.isArray(node)) return [];
    return node.flatMap((item, i) => valuesAt(item, rest, [...at, i]));
  }
  return valuesAt((node as Record<string, unknown>)[head], rest, [...at, head]);
}
