import type { PluginRef, RunConfig } from '@mllr/core';
import type { ConfigRow } from './report-data.js';

/** A plugin choice in one line: `greedy {"maxModules":4}`. */
export function pluginText(ref: PluginRef): string {
  const name = ref.name ?? ref.module ?? '?';
  return Object.keys(ref.options ?? {}).length > 0 ? `${name} ${JSON.stringify(ref.options)}` : name;
}

/** The settings of a run config that explain its results, as readable lines (values are unescaped text). */
export function configSummary(config: RunConfig, seeds: readonly number[]): ConfigRow[] {
  const rows: ConfigRow[] = [
    { key: 'model', value: config.model.path },
    {
      key: 'engine',
      value: `training ${pluginText(config.engine.training)}, inference ${pluginText(config.engine.inference)}, device ${config.engine.device}`,
    },
    { key: 'seed', value: String(config.seed) },
    { key: 'seeds', value: `${config.seeds} (${seeds.join(', ')})` },
    { key: 'proxy', value: pluginText(config.proxy) },
    { key: 'search', value: pluginText(config.search) },
    {
      key: 'strategies',
      value: config.strategies.map(strategyText).join('; '),
    },
    {
      key: 'training',
      value: Object.entries(config.training)
        .map(([k, v]) => `${k} ${v}`)
        .join(', '),
    },
    { key: 'judge', value: pluginText(config.judge) },
    { key: 'evaluators', value: config.evaluators.map(pluginText).join(', ') },
  ];
  const data = config.data as Record<string, unknown> & { dir?: string; world?: { seed?: number } };
  const sources = [
    ...(typeof data.dir === 'string' ? [`dir ${data.dir}`] : []),
    ...(data.world?.seed !== undefined ? [`world seed ${data.world.seed}`] : []),
    ...dataSources(data),
  ];
  rows.push({ key: 'data', value: sources.length > 0 ? sources.join('; ') : 'embedded world' });
  return rows;
}

/** `name path` for every dataset source (an object with a `path`) under the data config, lists and nested ones too. */
function dataSources(value: Record<string, unknown>, prefix = ''): string[] {
  const out: string[] = [];
  for (const [key, entry] of Object.entries(value)) {
    const name = prefix ? `${prefix}.${key}` : key;
    for (const item of Array.isArray(entry) ? entry : [entry]) {
      if (item === null || typeof item !== 'object') continue;
      const path = (item as { path?: unknown }).path;
      if (typeof path === 'string') out.push(`${name} ${path}`);
      else if (!Array.isArray(item)) out.push(...dataSources(item as Record<string, unknown>, name));
    }
  }
  return out;
}

/** A strategy in words: `random-control: ml-lr with search random, 5 sets, sweep alpha 0.05, 0.1`. */
function strategyText(strategy: RunConfig['strategies'][number]): string {
  const sweep = Object.entries(strategy.sweep ?? {})[0];
  return (
    `${strategy.id}: ${pluginText(strategy.schedule)}` +
    (strategy.search ? ` with search ${pluginText(strategy.search)}` : '') +
    (strategy.count !== undefined && strategy.count > 1 ? `, ${strategy.count} sets` : '') +
    (sweep ? `, sweep ${sweep[0]} ${sweep[1].join(', ')}` : '')
  );
}
