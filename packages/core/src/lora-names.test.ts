import { describe, expect, it } from 'vitest';
import { LoraAdapterSchema, ModelSchema } from './config/schema.js';
import { isLoraTarget, loraScaling, loraTensorNames } from './lora-names.js';

describe('LoRA names and settings', () => {
  it("names a module's adapter tensors after its weight, PEFT's saved names without base_model.model.", () => {
    expect(loraTensorNames('L3.q')).toEqual([
      'model.layers.3.self_attn.q_proj.lora_A.weight',
      'model.layers.3.self_attn.q_proj.lora_B.weight',
    ]);
    expect(loraTensorNames('L0.down')).toEqual([
      'model.layers.0.mlp.down_proj.lora_A.weight',
      'model.layers.0.mlp.down_proj.lora_B.weight',
    ]);
    expect(isLoraTarget('L2.gate', { targets: ['q', 'gate'] })).toBe(true);
    expect(isLoraTarget('L2.up', { targets: ['q', 'gate'] })).toBe(false);
  });

  it('scales by alpha/r, or alpha/√r with rslora', () => {
    expect(loraScaling({ r: 8, alpha: 16, rslora: false })).toBe(2);
    expect(loraScaling({ r: 16, alpha: 8, rslora: true })).toBe(2);
  });

  it('training.adapter: documented defaults; dropout above 0 and a repeated target refused', () => {
    expect(LoraAdapterSchema.parse({ type: 'lora' })).toEqual({
      type: 'lora',
      r: 8,
      alpha: 16,
      dropout: 0,
      targets: ['q', 'k', 'v', 'o', 'gate', 'up', 'down'],
      rslora: false,
    });
    const dropout = LoraAdapterSchema.safeParse({ type: 'lora', dropout: 0.05 });
    expect(dropout.success).toBe(false);
    expect(dropout.error?.issues[0]?.message).toMatch(/LoRA dropout is not implemented/);
    expect(LoraAdapterSchema.safeParse({ type: 'lora', targets: ['q', 'q'] }).success).toBe(false);
    expect(LoraAdapterSchema.safeParse({ type: 'dora' }).success).toBe(false);
  });

  it('model.adapter applies to an existing model, not to a pretrained one', () => {
    expect(ModelSchema.parse({ path: 'm', adapter: 'a' })).toEqual({ path: 'm', adapter: 'a' });
    expect(ModelSchema.safeParse({ adapter: 'a', pretrain: { data: [{ path: 'x' }] } }).success).toBe(false);
  });
});
