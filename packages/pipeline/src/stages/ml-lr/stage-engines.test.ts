import { RunConfigSchema } from '@mllr/core';
import { describe, expect, it } from 'vitest';
import { stageEngines, stageEnginesText } from './stage-engines.js';

const recorded = { training: { engine: 'tfjs', device: 'wasm' }, inference: { engine: 'onnx', device: 'cpu' } };

describe('stageEngines', () => {
  it('shows training on the training engine and every inference stage on the inference engine, with recorded devices', () => {
    const uses = stageEngines(RunConfigSchema.parse({}), recorded);
    expect(uses).toEqual([
      { role: 'training', engine: 'tfjs', device: 'wasm', stages: ['base', 'robustness', 'search', 'ift'] },
      { role: 'inference', engine: 'onnx', device: 'cpu', stages: ['base', 'proxy', 'robustness', 'search', 'eval'] },
    ]);
    expect(stageEnginesText(uses)).toBe(
      'training tfjs (wasm): base, robustness, search, ift · inference onnx (cpu): base, proxy, robustness, search, eval',
    );
    expect(stageEnginesText(uses, { compact: true })).toBe('training tfjs (wasm) · inference onnx (cpu)');
  });

  it('moves a stage with its own inference engine to a group of its own, named by its plugin', () => {
    const config = RunConfigSchema.parse({
      engine: { inference: 'onnx', stage_inference: { eval: 'tfjs', proxy: 'onnx' } },
    });
    const uses = stageEngines(config, recorded);
    expect(uses.filter((u) => u.role === 'inference')).toEqual([
      { role: 'inference', engine: 'onnx', device: 'cpu', stages: ['base', 'proxy', 'robustness', 'search'] },
      { role: 'inference', engine: 'tfjs', stages: ['eval'] },
    ]);
    expect(stageEnginesText(uses, { compact: true })).toBe(
      'training tfjs (wasm) · inference onnx (cpu) · inference tfjs: eval',
    );
  });

  it('names the configured plugins where nothing was recorded, and lists pretraining when the config pretrains', () => {
    const config = RunConfigSchema.parse({
      engine: { training: 'onnx', inference: 'tfjs' },
      model: { pretrain: { data: [{ path: 'corpus.jsonl' }] } },
    });
    const uses = stageEngines(config);
    expect(uses).toEqual([
      { role: 'training', engine: 'onnx', stages: ['pretrain', 'base', 'robustness', 'search', 'ift'] },
      { role: 'inference', engine: 'tfjs', stages: ['base', 'proxy', 'robustness', 'search', 'eval'] },
    ]);
  });
});
