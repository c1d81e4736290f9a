import { describe, expect, it } from 'vitest';
import { parseModelConfig } from '../config/parse-model-config.js';
import { tinyLlamaConfig } from '../test-fixtures/tiny-model.js';
import { expectedTensorShapes } from './expected-shapes.js';
import { buildModuleMap } from './module-map.js';

const llama = parseModelConfig(tinyLlamaConfig(), 'config.json');
const qwen = parseModelConfig(tinyLlamaConfig({ model_type: 'qwen2' }), 'config.json');

describe('buildModuleMap', () => {
  it('lists every module in canonical order and maps tensors both ways', () => {
    const map = buildModuleMap(llama, expectedTensorShapes(llama).keys());
    expect(map.modules.slice(0, 8)).toEqual(['L0.q', 'L0.k', 'L0.v', 'L0.o', 'L0.gate', 'L0.up', 'L0.down', 'L1.q']);
    expect(map.modules).toHaveLength(14);
    expect(map.tensorsOf('L1.down')).toEqual(['model.layers.1.mlp.down_proj.weight']);
    expect(map.moduleOf('model.layers.0.mlp.gate_proj.weight')).toBe('L0.gate');
    expect(map.moduleOf('model.embed_tokens.weight')).toBeUndefined();
    expect(map.moduleOf('model.layers.0.self_attn.q_proj.bias')).toBeUndefined(); // llama has no q bias
    expect(map.moduleOf('model.layers.9.self_attn.q_proj.weight')).toBeUndefined();
    expect(() => map.tensorsOf('L2.q')).toThrow(expect.objectContaining({ code: 'MODULE_ID_INVALID' }));
  });

  it('includes q/k/v biases for qwen2', () => {
    const map = buildModuleMap(qwen, expectedTensorShapes(qwen).keys());
    expect(map.tensorsOf('L0.v')).toEqual([
      'model.layers.0.self_attn.v_proj.weight',
      'model.layers.0.self_attn.v_proj.bias',
    ]);
    expect(map.tensorsOf('L0.o')).toEqual(['model.layers.0.self_attn.o_proj.weight']);
    expect(map.moduleOf('model.layers.1.self_attn.k_proj.bias')).toBe('L1.k');
  });

  it('names missing module tensors', () => {
    const names = [...expectedTensorShapes(qwen).keys()].filter((n) => n !== 'model.layers.1.self_attn.k_proj.bias');
    expect(() => buildModuleMap(qwen, names)).toThrow(
      expect.objectContaining({
        code: 'CHECKPOINT_INVALID',
        message: expect.stringContaining('model.layers.1.self_attn.k_proj.bias'),
      }),
    );
  });
});
