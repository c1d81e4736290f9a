import { MllrError, type DependencyContainer, type PluginInfo, type PluginSlot, type SearchStrategy } from '@mllr/core';
import type { z, ZodType } from 'zod';
import { GreedySearch } from './greedy-search.js';
import { InverseSearch } from './inverse-search.js';
import {
  GreedyOptionsSchema,
  InverseOptionsSchema,
  PatternOptionsSchema,
  RandomOptionsSchema,
  TopKOptionsSchema,
  parseOptions,
} from './options.js';
import { PatternSearch } from './pattern-search.js';
import { RandomSearch } from './random-search.js';
import { TopKSearch } from './topk-search.js';

/** One plugin of this package: its options schema and how to build it from options. */
interface PluginEntry {
  schema: ZodType;
  create(options: unknown): SearchStrategy;
}

function entry<S extends ZodType>(schema: S, create: (options: z.output<S>) => SearchStrategy): PluginEntry {
  return { schema, create: (options) => create(options as z.output<S>) };
}

/** The search strategies this package provides; all fill the `search` slot. */
const SEARCH_PLUGINS: Record<string, PluginEntry> = {
  greedy: entry(GreedyOptionsSchema, (options) => new GreedySearch(options)),
  topk: entry(TopKOptionsSchema, (options) => new TopKSearch(options)),
  pattern: entry(PatternOptionsSchema, (options) => new PatternSearch(options)),
  random: entry(RandomOptionsSchema, (options) => new RandomSearch(options)),
  inverse: entry(InverseOptionsSchema, (options) => new InverseSearch(options)),
};

function pluginFor(name: string, slot: PluginSlot): PluginEntry | undefined {
  return slot === 'search' && Object.hasOwn(SEARCH_PLUGINS, name) ? SEARCH_PLUGINS[name] : undefined;
}

/** The zod schema of a plugin's options, or undefined when this package has no plugin of that name in that slot. */
export function optionsSchema(name: string, slot: PluginSlot): ZodType | undefined {
  return pluginFor(name, slot)?.schema;
}

/**
 * Plugin entry: binds `info.token` to the search strategy named by `info.name` (`greedy`, `topk`, `pattern`,
 * `random`, `inverse`). Options are validated here too, so defaults apply also when the caller skipped `optionsSchema`.
 */
export function register(container: DependencyContainer, options: Record<string, unknown>, info: PluginInfo): void {
  const plugin = pluginFor(info.name, info.slot);
  if (!plugin) {
    const known = info.slot === 'search' ? Object.keys(SEARCH_PLUGINS) : [];
    throw new MllrError(
      'PLUGIN_UNKNOWN',
      `@mllr/search has no ${info.slot} plugin "${info.name}"` +
        (known.length > 0 ? `; it provides ${known.join(', ')}` : ''),
    );
  }
  const parsed = parseOptions(plugin.schema, options, `the ${info.slot} plugin "${info.name}"`);
  container.register(info.token, { useValue: plugin.create(parsed) });
}
