import { PLUGIN_SLOTS, SearchStrategy, rootContainer, type PluginInfo, type PluginSlot } from '@mllr/core';
import { describe, expect, it } from 'vitest';
import { GreedySearch } from './greedy-search.js';
import { InverseSearch } from './inverse-search.js';
import { PatternSearch } from './pattern-search.js';
import { optionsSchema, register } from './plugin.js';
import { RandomSearch } from './random-search.js';
import { TopKSearch } from './topk-search.js';

function registered(name: string, options: Record<string, unknown> = {}, slot: PluginSlot = 'search'): SearchStrategy {
  const container = rootContainer.createChildContainer();
  const info: PluginInfo = { slot, name, token: PLUGIN_SLOTS[slot], configDir: '/configs' };
  register(container, options, info);
  return container.resolve<SearchStrategy>(info.token);
}

const issuesOf = (name: string, options: unknown) => {
  const parsed = optionsSchema(name, 'search')!.safeParse(options);
  expect(parsed.success).toBe(false);
  return parsed.error!.issues.map((i) => i.path.join('.'));
};

describe('plugin module', () => {
  it('binds each search name to its strategy under the slot token', () => {
    expect(PLUGIN_SLOTS.search).toBe(SearchStrategy);
    expect(registered('greedy', { threshold: 0.9 })).toBeInstanceOf(GreedySearch);
    expect(registered('topk', { k: 4 })).toBeInstanceOf(TopKSearch);
    const pattern = registered('pattern', { types: ['q', 'v'], layers: '0-3' });
    expect(pattern).toBeInstanceOf(PatternSearch);
    expect((pattern as PatternSearch).selectors).toEqual(['L0-3.q|v']);
    expect(registered('random')).toBeInstanceOf(RandomSearch);
    expect(registered('inverse', { size: 3 })).toBeInstanceOf(InverseSearch);
    expect(registered('greedy').name).toBe('greedy');
  });

  it('rejects unknown names and other slots', () => {
    expect(() => registered('beam')).toThrow(
      /no search plugin "beam"; it provides greedy, topk, pattern, random, inverse/,
    );
    expect(() => registered('greedy', {}, 'proxy')).toThrow(expect.objectContaining({ code: 'PLUGIN_UNKNOWN' }));
    expect(optionsSchema('greedy', 'proxy')).toBeUndefined();
    expect(optionsSchema('toString', 'search')).toBeUndefined();
  });

  it('reports bad options with their paths', () => {
    expect(
      issuesOf('greedy', { threshold: 1.5, maxModules: 0, maxConsecutiveRejects: 2.5, minScore: 'x', extra: 1 }),
    ).toEqual(expect.arrayContaining(['threshold', 'maxModules', 'maxConsecutiveRejects', 'minScore', '']));
    expect(issuesOf('greedy', { maxModules: 3, maxFraction: 0.5 })).toEqual(['maxModules']);
    expect(issuesOf('topk', { k: 2, maxFraction: 0.1 })).toEqual(['k']);
    expect(issuesOf('topk', { maxFraction: 0 })).toEqual(['maxFraction']);
    expect(issuesOf('pattern', {})).toEqual(['']);
    expect(issuesOf('pattern', { types: ['qq'], layers: 'a-b' })).toEqual(['types.0', 'layers']);
    expect(issuesOf('pattern', { types: [] })).toEqual(['types']);
    expect(issuesOf('pattern', { selectors: ['L0.q'], layers: '0' })).toEqual(['selectors']);
    expect(issuesOf('random', { size: 3, sizeOf: 'topk' })).toEqual(['size']);
    expect(issuesOf('random', { size: 0 })).toEqual(['size']);
    expect(issuesOf('inverse', { size: 2, sizeOf: 'greedy' })).toEqual(['size']);
    expect(() => registered('greedy', { threshold: 2 })).toThrow(
      expect.objectContaining({
        code: 'ARGUMENT_INVALID',
        details: [expect.objectContaining({ where: 'options.threshold' })],
      }),
    );
  });

  it('fills defaults from the schemas', () => {
    expect(optionsSchema('greedy', 'search')!.parse({})).toEqual({ threshold: 0.95, maxConsecutiveRejects: 8 });
    expect(optionsSchema('topk', 'search')!.parse({})).toEqual({});
    expect(optionsSchema('random', 'search')!.parse({})).toEqual({});
  });
});
