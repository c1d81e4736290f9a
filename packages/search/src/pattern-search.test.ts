import { describe, expect, it } from 'vitest';
import { PatternSearch } from './pattern-search.js';
import { contextFor } from './test-fixtures/search-context.js';

const model = (numLayers: number) => contextFor({ scores: [], numLayers });

describe('PatternSearch', () => {
  it('resolves module types × a layer range', async () => {
    const pattern = new PatternSearch({ types: ['k', 'q', 'q'], layers: '0-1' });
    expect(pattern.selectors).toEqual(['L0-1.k|q']);
    expect((await pattern.search(model(4))).modules).toEqual(['L0.q', 'L0.k', 'L1.q', 'L1.k']);
  });

  it('takes every layer when only types are given, and every type when only layers are', async () => {
    expect((await new PatternSearch({ types: ['down'] }).search(model(3))).modules).toEqual([
      'L0.down',
      'L1.down',
      'L2.down',
    ]);
    expect((await new PatternSearch({ layers: '2' }).search(model(3))).modules).toEqual([
      'L2.q',
      'L2.k',
      'L2.v',
      'L2.o',
      'L2.gate',
      'L2.up',
      'L2.down',
    ]);
  });

  it('accepts core selectors, merging overlaps', async () => {
    const result = await new PatternSearch({ selectors: ['L0.q|v', 'L0,2.v', 'o'] }).search(model(3));
    expect(result.modules).toEqual(['L0.q', 'L0.v', 'L0.o', 'L1.o', 'L2.v', 'L2.o']);
  });

  it('is an error, not a no-op, when the pattern names a missing layer or matches nothing', async () => {
    await expect(new PatternSearch({ types: ['q'], layers: '2-5' }).search(model(4))).rejects.toMatchObject({
      code: 'SELECTOR_EMPTY',
      message: expect.stringContaining('names layer 5, but the model has layers 0-3'),
    });
    await expect(new PatternSearch({ types: ['q'] }).search(model(0))).rejects.toMatchObject({
      code: 'SELECTOR_EMPTY',
    });
    await expect(new PatternSearch({ selectors: ['L9.*'] }).search(model(4))).rejects.toMatchObject({
      code: 'SELECTOR_EMPTY',
    });
  });
});
