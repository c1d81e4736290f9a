import { describe, expect, it } from 'vitest';
import { PluginRefSchema, RunConfigSchema } from './schema.js';

describe('RunConfigSchema', () => {
  it('fills every slot with its default', () => {
    const config = RunConfigSchema.parse({});
    expect(config.stages).toEqual({ name: 'ml-lr', options: {} });
    expect(config.engine).toMatchObject({ inference: { name: 'onnx' }, training: { name: 'tfjs' }, device: 'auto' });
    expect(config.strategies.map((s) => s.id)).toEqual(['uniform', 'ml-lr', 'swat', 'random-control']);
    expect(config.strategies[3]!.search).toEqual({ name: 'random', options: {} });
    expect(config.training.learning_rate).toBe(1e-3);
  });

  it('normalises plugin references written as names or objects', () => {
    expect(PluginRefSchema.parse('noise')).toEqual({ name: 'noise', options: {} });
    expect(PluginRefSchema.parse({ module: './p.js', options: { a: 1 } })).toEqual({ module: './p.js', options: { a: 1 } });
    expect(PluginRefSchema.safeParse({}).success).toBe(false);
    expect(PluginRefSchema.safeParse({ name: 'a', module: 'b' }).success).toBe(false);
  });

  it('rejects unknown keys and out-of-range values with paths', () => {
    const result = RunConfigSchema.safeParse({ seeds: 0, training: { lr: 1 }, extra: true });
    expect(result.success).toBe(false);
    const paths = result.error!.issues.map((i) => i.path.join('.'));
    expect(paths.sort()).toEqual(['', 'seeds', 'training']);
  });
});
