import { HarmJudge, PLUGIN_SLOTS, rootContainer, type Evaluator, type PluginInfo, type PluginSlot } from '@mllr/core';
import { describe, expect, it } from 'vitest';
import { AccuracyEvaluator } from './evaluators/accuracy-evaluator.js';
import { HarmfulAsrEvaluator, OverRefusalEvaluator } from './evaluators/harm-evaluators.js';
import { LlmJudge } from './llm/llm-judge.js';
import { OnnxClassifierJudge } from './onnx/onnx-classifier-judge.js';
import { optionsSchema, register } from './plugin.js';
import { RefusalDetector } from './refusal/refusal-detector.js';

function registered<T>(slot: PluginSlot, name: string, options: Record<string, unknown> = {}): T {
  const container = rootContainer.createChildContainer();
  const info: PluginInfo = { slot, name, token: PLUGIN_SLOTS[slot], configDir: '/configs' };
  register(container, options, info);
  return container.resolve<T>(info.token);
}

describe('plugin module', () => {
  it('binds each judge name to its judge', () => {
    const refusal = registered<RefusalDetector>('judge', 'refusal', { extraPhrases: ['nope'] });
    expect(refusal).toBeInstanceOf(RefusalDetector);
    expect(refusal.isRefusal('Nope.')).toBe(true);
    expect(registered<HarmJudge>('judge', 'llm', { model: 'gpt-x' })).toBeInstanceOf(LlmJudge);
    expect(registered<HarmJudge>('judge', 'onnx-classifier', { modelPath: 'models/clf' })).toBeInstanceOf(
      OnnxClassifierJudge,
    );
  });

  it('binds each metric name to its evaluator', () => {
    expect(registered<Evaluator>('evaluator', 'harmful_asr')).toBeInstanceOf(HarmfulAsrEvaluator);
    expect(registered<Evaluator>('evaluator', 'over_refusal')).toBeInstanceOf(OverRefusalEvaluator);
    const usability = registered<Evaluator>('evaluator', 'usability', { method: 'exact-match' });
    expect(usability).toBeInstanceOf(AccuracyEvaluator);
    expect(usability.metric).toBe('usability');
    expect(registered<Evaluator>('evaluator', 'expertise').metric).toBe('expertise');
  });

  it('reports bad options with their paths, and unknown names', () => {
    const llm = optionsSchema('llm', 'judge')!.safeParse({ model: '', timeoutMs: -1, apiKey: 'sk-…' });
    expect(llm.success).toBe(false);
    const paths = llm.error!.issues.map((i) => i.path.join('.') || i.message);
    expect(paths).toEqual(expect.arrayContaining(['model', 'timeoutMs']));
    expect(JSON.stringify(llm.error!.issues)).toContain('apiKey');
    expect(optionsSchema('refusal', 'judge')!.safeParse({ phrases: [] }).success).toBe(false);
    expect(optionsSchema('usability', 'evaluator')!.safeParse({ method: 'bleu' }).success).toBe(false);
    expect(optionsSchema('onnx-classifier', 'judge')!.safeParse({}).success).toBe(false);
    expect(optionsSchema('harmful_asr', 'evaluator')!.safeParse({ extra: 1 }).success).toBe(false);
    expect(optionsSchema('refusal', 'evaluator')).toBeUndefined();
    expect(() => registered('judge', 'llm', { model: 'm', threshold: 9 })).toThrow(
      expect.objectContaining({
        code: 'ARGUMENT_INVALID',
        details: [expect.objectContaining({ where: 'options.threshold' })],
      }),
    );
    expect(() => registered('judge', 'keyword')).toThrow(
      /no judge plugin "keyword"; it provides refusal, llm, onnx-classifier/,
    );
  });

  it('fills defaults from the schemas', () => {
    expect(optionsSchema('llm', 'judge')!.parse({ model: 'm' })).toEqual({
      baseUrl: 'https://api.openai.com/v1',
      model: 'm',
      apiKeyEnv: 'OPENAI_API_KEY',
      timeoutMs: 60_000,
      maxRetries: 4,
      threshold: 4,
      concurrency: 4,
      backoffMs: 1000,
    });
    expect(optionsSchema('onnx-classifier', 'judge')!.parse({ modelPath: 'm' })).toEqual({
      modelPath: 'm',
      threshold: 0.5,
      batchSize: 16,
      maxLength: 512,
    });
  });
});
