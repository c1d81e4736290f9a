import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TORCH_PLAN_FORMAT, planFromJson, planRatesAt, readFinetunePlan } from './plan-file.js';

const TENSORS = [
  'model.embed_tokens.weight',
  'model.layers.0.self_attn.q_proj.weight',
  'model.layers.0.mlp.up_proj.weight',
  'model.norm.weight',
];

function plan(groups: unknown[], extra: Record<string, unknown> = {}): unknown {
  return { format: TORCH_PLAN_FORMAT, base_model: 'tiny-chat', mods_robust: ['L0.q'], param_groups: groups, ...extra };
}

const split = [
  { name: 'mods_robust', params: ['model.layers.0.self_attn.q_proj.weight'], lr: 0.002, weight_decay: 0.01 },
  {
    name: 'rest',
    params: ['model.layers.0.mlp.up_proj.weight', 'model.embed_tokens.weight', 'model.norm.weight'],
    lr: 0,
  },
];

describe('torch plans for mllr finetune', () => {
  it('reads the groups as they are, with the default weight decay where a group has none, and a constant shape', () => {
    const read = planFromJson(plan(split, { strategy: 'ml-lr', schedule: 'ml-lr' }), 'p.json', TENSORS, 0.5);
    expect(read.groups).toEqual([
      {
        name: 'mods_robust',
        tensors: ['model.layers.0.self_attn.q_proj.weight'],
        learningRate: 0.002,
        weightDecay: 0.01,
      },
      {
        name: 'rest',
        tensors: ['model.layers.0.mlp.up_proj.weight', 'model.embed_tokens.weight', 'model.norm.weight'],
        learningRate: 0,
        weightDecay: 0.5,
      },
    ]);
    expect(read.shape).toEqual({ shape: 'constant', warmupSteps: 0, minRatio: 0 });
    expect(planRatesAt(read, 3, 10)).toEqual({ mods_robust: 0.002, rest: 0 });
  });

  it("applies a recorded shape to every group's base rate", () => {
    const read = planFromJson(
      plan(split, { rate_shape: { shape: 'linear', warmup_steps: 2, min_ratio: 0 } }),
      'p.json',
      TENSORS,
      0,
    );
    expect(planRatesAt(read, 0, 10).mods_robust).toBeCloseTo(0.001, 12);
    expect(planRatesAt(read, 2, 10).mods_robust).toBeCloseTo(0.002, 12);
    expect(planRatesAt(read, 6, 10).mods_robust).toBeCloseTo(0.001, 12);
    expect(planRatesAt(read, 6, 10).rest).toBe(0);
  });

  it('refuses, naming the file, what it cannot train exactly as planned', () => {
    const cases: Array<[unknown, string]> = [
      [{ ...(plan(split) as object), format: 'other/v1' }, 'format must be "mllr-lr-plan/v1"'],
      [plan([]), 'param_groups must list at least one group'],
      [plan([{ ...split[0], lr: -1 }, split[1]]), 'param_groups.0.lr must be a number ≥ 0'],
      [plan([split[0], { ...split[1], name: 'mods_robust' }]), 'group "mods_robust" appears twice'],
      [
        plan([split[0], { ...split[1], params: [...split[1]!.params, split[0]!.params[0]] }]),
        'model.layers.0.self_attn.q_proj.weight is in both group "mods_robust" and group "rest"',
      ],
      [
        plan([split[0], { ...split[1], params: [...split[1]!.params, 'model.layers.9.mlp.up_proj.weight'] }]),
        'names 1 tensor the model lacks: model.layers.9.mlp.up_proj.weight',
      ],
      [
        plan([split[0]]),
        'leaves 3 tensors of the model in no group: model.embed_tokens.weight, model.layers.0.mlp.up_proj.weight, model.norm.weight (add them to a group; lr 0 freezes them)',
      ],
      [
        plan(split, { rate_shape: { shape: 'constant', robust_only_steps: 5 } }),
        'rate_shape.robust_only_steps is 5: mllr finetune cannot replay',
      ],
      [plan(split, { rate_shape: { shape: 'step' } }), 'rate_shape.shape must be one of constant, linear, cosine'],
    ];
    for (const [json, message] of cases) {
      expect(() => planFromJson(json, 'p.json', TENSORS, 0), message).toThrow(
        expect.objectContaining({ code: 'ARGUMENT_INVALID', message: expect.stringContaining(`--plan p.json: `) }),
      );
      expect(() => planFromJson(json, 'p.json', TENSORS, 0)).toThrow(message);
    }
  });

  it('lists a few of many missing tensors', () => {
    const many = Array.from({ length: 9 }, (_, i) => `model.layers.${i}.self_attn.q_proj.weight`);
    expect(() => planFromJson(plan([{ name: 'a', params: [many[0]], lr: 1 }]), 'p.json', many, 0)).toThrow(
      'leaves 8 tensors of the model in no group: model.layers.1.self_attn.q_proj.weight, model.layers.2.self_attn.q_proj.weight, model.layers.3.self_attn.q_proj.weight, model.layers.4.self_attn.q_proj.weight, model.layers.5.self_attn.q_proj.weight and 3 more',
    );
  });

  it('names a missing or malformed file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mllr-plan-'));
    await expect(readFinetunePlan(join(dir, 'none.json'), TENSORS, 0)).rejects.toMatchObject({
      code: 'ARGUMENT_INVALID',
      message: `--plan ${join(dir, 'none.json')}: file not found`,
    });
    writeFileSync(join(dir, 'bad.json'), '{"format":');
    await expect(readFinetunePlan(join(dir, 'bad.json'), TENSORS, 0)).rejects.toThrow(
      `--plan ${join(dir, 'bad.json')}: is not valid JSON`,
    );
    writeFileSync(join(dir, 'good.json'), JSON.stringify(plan(split)));
    expect((await readFinetunePlan(join(dir, 'good.json'), TENSORS, 0)).groups).toHaveLength(2);
  });
});
