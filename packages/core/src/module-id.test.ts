import { describe, expect, it } from 'vitest';
import {
  allModuleIds,
  formatModuleId,
  moduleIdForTensor,
  moduleTensorNames,
  parseModuleId,
  resolveModuleSelectors,
  sortModuleIds,
} from './module-id.js';

describe('module ids', () => {
  it('parse and format round-trip for every module of a model', () => {
    const ids = allModuleIds(2);
    expect(ids).toHaveLength(14);
    expect(ids.slice(0, 7)).toEqual(['L0.q', 'L0.k', 'L0.v', 'L0.o', 'L0.gate', 'L0.up', 'L0.down']);
    for (const id of ids) expect(formatModuleId(parseModuleId(id))).toBe(id);
  });

  it('reject malformed ids with a message that shows the form', () => {
    for (const bad of ['L3', 'l3.q', 'L03.q', 'L3.qq', 'L-1.q', '3.q', 'L3.q ']) {
      expect(() => parseModuleId(bad)).toThrow(/is not a module id: expected L<layer>\.<type>/);
    }
  });

  it('map to Hugging Face tensor names and back', () => {
    expect(moduleTensorNames('L3.q')).toEqual(['model.layers.3.self_attn.q_proj.weight']);
    expect(moduleTensorNames('L3.k', { qkvBias: true })).toEqual([
      'model.layers.3.self_attn.k_proj.weight',
      'model.layers.3.self_attn.k_proj.bias',
    ]);
    expect(moduleTensorNames('L0.o', { qkvBias: true })).toEqual(['model.layers.0.self_attn.o_proj.weight']);
    expect(moduleTensorNames('L12.down')).toEqual(['model.layers.12.mlp.down_proj.weight']);
    for (const id of allModuleIds(3)) {
      for (const name of moduleTensorNames(id, { qkvBias: true })) expect(moduleIdForTensor(name)).toBe(id);
    }
    expect(moduleIdForTensor('model.embed_tokens.weight')).toBeUndefined();
    expect(moduleIdForTensor('model.layers.0.input_layernorm.weight')).toBeUndefined();
    expect(moduleIdForTensor('lm_head.weight')).toBeUndefined();
  });

  it('sort layer-major in canonical type order', () => {
    expect(sortModuleIds(['L1.q', 'L0.down', 'L10.k', 'L0.q', 'L2.gate'])).toEqual([
      'L0.q',
      'L0.down',
      'L1.q',
      'L2.gate',
      'L10.k',
    ]);
  });
});

describe('resolveModuleSelectors', () => {
  it('resolves layers, ranges, lists, wildcards and type alternatives', () => {
    expect(resolveModuleSelectors(['L1.q'], 4)).toEqual(['L1.q']);
    expect(resolveModuleSelectors(['L0-1.q|v'], 4)).toEqual(['L0.q', 'L0.v', 'L1.q', 'L1.v']);
    expect(resolveModuleSelectors(['L0,3.down', 'L3.down'], 4)).toEqual(['L0.down', 'L3.down']);
    expect(resolveModuleSelectors(['gate'], 3)).toEqual(['L0.gate', 'L1.gate', 'L2.gate']);
    expect(resolveModuleSelectors(['L2.*'], 3)).toHaveLength(7);
    expect(resolveModuleSelectors(['L*.*'], 2)).toEqual(allModuleIds(2));
  });

  it('treats selectors that match nothing or name missing layers as errors', () => {
    expect(() => resolveModuleSelectors(['L4.q'], 4)).toThrow('names layer 4, but the model has layers 0-3');
    expect(() => resolveModuleSelectors(['L1.attn'], 4)).toThrow('"attn" is not a module type');
    expect(() => resolveModuleSelectors(['L3-1.q'], 4)).toThrow('range 3-1 runs backwards');
    expect(() => resolveModuleSelectors(['X1.q'], 4)).toThrow('the layer part must start with L');
    expect(() => resolveModuleSelectors(['q'], 0)).toThrow('matches no module');
  });
});
