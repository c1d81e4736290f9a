import { describe, expect, it } from 'vitest';
import { PRETRAINED_MODEL_PATH, PluginRefSchema, RunConfigSchema } from './schema.js';

describe('RunConfigSchema', () => {
  it('fills every slot with its default', () => {
    const config = RunConfigSchema.parse({});
    expect(config.stages).toEqual({ name: 'ml-lr', options: {} });
    expect(config.engine).toMatchObject({ inference: { name: 'onnx' }, training: { name: 'onnx' }, device: 'auto' });
    expect(config.strategies.map((s) => s.id)).toEqual(['uniform', 'ml-lr', 'swat', 'random-control']);
    expect(config.strategies[3]!.search).toEqual({ name: 'random', options: {} });
    expect(config.training.learning_rate).toBe(2e-3);
    expect(config.probe).toEqual({ layer: 'auto', min_accuracy: 0.7, min_gain_over_length: 0.05, on_weak: 'stop' });
  });

  it('takes a fixed probe layer and rejects one that is not a layer index', () => {
    expect(RunConfigSchema.parse({ probe: { layer: 3 } }).probe.layer).toBe(3);
    for (const layer of [-1, 1.5, 'deep']) {
      const result = RunConfigSchema.safeParse({ probe: { layer } });
      expect(result.success).toBe(false);
      expect(result.error!.issues.some((i) => i.path.join('.') === 'probe.layer')).toBe(true);
    }
  });

  it('normalises plugin references written as names or objects', () => {
    expect(PluginRefSchema.parse('noise')).toEqual({ name: 'noise', options: {} });
    expect(PluginRefSchema.parse({ module: './p.js', options: { a: 1 } })).toEqual({
      module: './p.js',
      options: { a: 1 },
    });
    expect(PluginRefSchema.safeParse({}).success).toBe(false);
    expect(PluginRefSchema.safeParse({ name: 'a', module: 'b' }).success).toBe(false);
  });

  it('rejects unknown keys and out-of-range values with paths', () => {
    const result = RunConfigSchema.safeParse({ seeds: 0, training: { lr: 1 }, extra: true });
    expect(result.success).toBe(false);
    const paths = result.error!.issues.map((i) => i.path.join('.'));
    expect(paths.sort()).toEqual(['', 'seeds', 'training']);
  });

  it('keeps the default data and model sections: the embedded world and tiny-chat, no files', () => {
    const config = RunConfigSchema.parse({});
    expect(config.model).toEqual({ path: 'tiny-chat' });
    expect(config.data).toEqual({
      world: {},
      holdout: { fraction: 0.2, evaluate: 'not-trained' },
      probe: { harmful: [], benign: [], size: 200 },
      harmful_eval: [],
      benign_eval: [],
      usability_eval: [],
      expertise_eval: [],
      eval_size: 100,
      on_invalid: 'skip',
    });
    expect(config.training.max_tokens).toBeUndefined();
  });

  it('fills model.pretrain with the tiny-chat shape and points model.path at the run folder', () => {
    const config = RunConfigSchema.parse({
      model: {
        pretrain: {
          data: [
            { path: 'alpaca.json', preset: 'alpaca' },
            { path: 'safety.json', repeat: 2 },
          ],
          steps: 40,
        },
      },
    });
    expect(config.model.path).toBe(PRETRAINED_MODEL_PATH);
    expect(config.model.pretrain).toMatchObject({
      data: [
        { path: 'alpaca.json', preset: 'alpaca', repeat: 1 },
        { path: 'safety.json', repeat: 2 },
      ],
      steps: 40,
      batch_size: 8,
      max_tokens: 64,
      loss: 'response',
      tokenizer: { vocab_size: 4096, min_frequency: 2 },
      architecture: { hidden_size: 128, layers: 4, heads: 4, intermediate_size: 352, context: 128 },
    });
  });

  it('reports every problem of model.pretrain and data with its path', () => {
    const result = RunConfigSchema.safeParse({
      model: {
        path: 'some/model',
        pretrain: {
          data: [],
          max_tokens: 500,
          warmup_steps: 900,
          architecture: { hidden_size: 100, heads: 3, kv_heads: 2 },
        },
      },
      data: { probe: { harmful: [{ path: 'advbench.csv' }] }, holdout: { fraction: 1 }, eval_size: 0, extra: 1 },
    });
    expect(result.success).toBe(false);
    const issues = result.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(issues).toEqual(
      expect.arrayContaining([
        'model.path: give either path (an existing model) or pretrain (train one in this run), not both',
        'model.pretrain.data: name at least one dataset to pretrain on',
        'model.pretrain.max_tokens: max_tokens (500) cannot exceed the context (architecture.context 128)',
        'model.pretrain.warmup_steps: warmup_steps (900) cannot exceed steps (500)',
        'model.pretrain.architecture.heads: hidden_size 100 must split into 3 heads of an even size (rotary embeddings)',
        'model.pretrain.architecture.kv_heads: heads (3) must be a multiple of kv_heads (2)',
        'data.probe.benign: give both harmful and benign probe prompts, or neither',
      ]),
    );
    expect(issues.some((i) => i.startsWith('data.holdout.fraction:'))).toBe(true);
    expect(issues.some((i) => i.startsWith('data.eval_size:'))).toBe(true);
    expect(result.error!.issues.some((i) => i.code === 'unrecognized_keys' && i.keys.includes('extra'))).toBe(true);
    const loss = RunConfigSchema.safeParse({
      model: { pretrain: { data: [{ path: 'a.json', repeat: 0 }], loss: 'prompt' } },
    });
    expect(loss.error!.issues.map((i) => i.path.join('.')).sort()).toEqual([
      'model.pretrain.data.0.repeat',
      'model.pretrain.loss',
    ]);
  });
});
