import { moduleTensorNames, type ModuleId } from '@mllr/core';
import { describe, expect, it } from 'vitest';
import { nonModuleTensors, syntheticContext } from '../test-fixtures/contexts.js';
import { partitionTensors } from './partition-tensors.js';

const ROBUST: ModuleId[] = ['L0.q', 'L1.down'];

describe('partitionTensors', () => {
  it('puts every tensor in exactly one group: robust modules, other modules, non-module tensors', () => {
    const context = syntheticContext(ROBUST);
    const { robust, rest, other } = partitionTensors(context);
    expect(robust).toEqual(['model.layers.0.self_attn.q_proj.weight', 'model.layers.1.mlp.down_proj.weight']);
    expect(other).toEqual(nonModuleTensors(2));
    expect(rest).toHaveLength(14 - 2);
    expect(rest).not.toContain(robust[0]);
    const all = [...robust, ...rest, ...other];
    expect(new Set(all).size).toBe(all.length);
    expect([...all].sort()).toEqual([...context.tensors].sort());
  });

  it('keeps a module’s biases with its weight (qwen2 q/k/v)', () => {
    const context = syntheticContext(['L1.k'], { qkvBias: true });
    const { robust, rest } = partitionTensors(context);
    expect(robust).toEqual(moduleTensorNames('L1.k', { qkvBias: true }));
    expect(rest).toContain('model.layers.0.self_attn.q_proj.bias');
  });

  it('places a tensor listed twice once', () => {
    const context = syntheticContext(ROBUST);
    const groups = partitionTensors({
      ...context,
      tensors: [...context.tensors, 'model.norm.weight', context.tensors.at(-1)!],
    });
    expect(Object.values(groups).flat()).toHaveLength(context.tensors.length);
  });

  it('rejects a robust module the model lacks', () => {
    expect(() => partitionTensors(syntheticContext(['L0.q', 'L5.v', 'L7.up']))).toThrow(
      expect.objectContaining({
        code: 'ARGUMENT_INVALID',
        message: 'the robust set names modules the model does not have: L5.v, L7.up',
      }),
    );
  });

  it('rejects a module tensor that is not trainable, and a tensor two modules claim', () => {
    const context = syntheticContext(ROBUST);
    const missing = { ...context, tensors: context.tensors.filter((t) => t !== 'model.layers.1.mlp.up_proj.weight') };
    expect(() => partitionTensors(missing)).toThrow(
      /tensor model\.layers\.1\.mlp\.up_proj\.weight of module L1\.up is not among the trainable tensors/,
    );
    const shared = {
      ...context,
      tensorsOf: (m: ModuleId) => (m === 'L0.k' ? moduleTensorNames('L0.q') : context.tensorsOf(m)),
    };
    expect(() => partitionTensors(shared)).toThrow(
      expect.objectContaining({
        code: 'ARGUMENT_INVALID',
        message: expect.stringContaining('belongs to both modules L0.q and L0.k'),
      }),
    );
  });
});
