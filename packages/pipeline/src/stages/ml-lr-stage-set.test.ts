import { RunConfigSchema, RunConfigToken, rootContainer, type StageSet } from '@mllr/core';
import { describe, expect, it } from 'vitest';
import { register } from './ml-lr-stage-set.js';

function stageSetOf(raw: Record<string, unknown>): StageSet {
  const container = rootContainer.createChildContainer();
  container.register(RunConfigToken, { useValue: RunConfigSchema.parse(raw) });
  const token = Symbol('stages');
  register(container, {}, { slot: 'stages', name: 'ml-lr', token, configDir: '.' });
  return container.resolve<StageSet>(token);
}

describe('the ml-lr stage set', () => {
  it('tells the dashboard header the training engine and the inference engines, stage overrides included', () => {
    expect(stageSetOf({}).info?.engine).toBe('training onnx · inference onnx');
    expect(
      stageSetOf({ engine: { training: 'tfjs', device: 'wasm', stage_inference: { eval: 'tfjs' } } }).info?.engine,
    ).toBe('training tfjs · inference onnx · inference tfjs: eval');
  });
});
