import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MllrError, rootContainer, type PluginRef } from '@mllr/core';
import { AccuracyEvaluator, HarmfulAsrEvaluator } from '@mllr/eval';
import { describe, expect, it } from 'vitest';
import { BUILTIN_PLUGINS } from '../plugins/builtin-plugins.js';
import { PluginComposer } from '../plugins/plugin-composer.js';
import { loadEvaluators } from './load-evaluators.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'test-fixtures');
const composer = () => new PluginComposer(rootContainer.createChildContainer(), BUILTIN_PLUGINS, fixtures);
const fixed = (metric: string, value: number): PluginRef => ({
  module: './fixed-evaluator-plugin.ts',
  options: { metric, value },
});

describe('loadEvaluators', () => {
  it('gives each headline metric its configured evaluator (built-in with options, or third-party), else the standard one', async () => {
    const evaluators = await loadEvaluators(composer(), {
      evaluators: [fixed('expertise', 0.25), { name: 'usability', options: { method: 'exact-match' } }],
    });
    expect(evaluators.map((e) => e.metric)).toEqual(['harmful_asr', 'over_refusal', 'usability', 'expertise']);
    expect(evaluators[0]).toBeInstanceOf(HarmfulAsrEvaluator);
    expect(evaluators[2]).toBeInstanceOf(AccuracyEvaluator);
    expect(evaluators[3]).not.toBeInstanceOf(AccuracyEvaluator);
    const measured = await evaluators[3]!.evaluate({
      samples: [{ prompt: 'a' }, { prompt: 'b' }, { prompt: 'c' }, { prompt: 'd' }],
    } as never);
    expect(measured).toEqual({ value: 0.25, numerator: 1, denominator: 4 });
  });

  it('refuses an evaluator of a metric the run has no evaluation set for, naming its config path', async () => {
    const error = await loadEvaluators(composer(), {
      evaluators: [{ name: 'harmful_asr', options: {} }, fixed('toxicity', 0.5)],
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MllrError);
    expect((error as MllrError).code).toBe('CONFIG_INVALID');
    expect((error as MllrError).message).toMatch(
      /^evaluators\[1\]: the evaluator measures "toxicity", but a run has evaluation sets only for harmful_asr, over_refusal/,
    );
  });

  it('refuses two evaluators of the same metric', async () => {
    await expect(
      loadEvaluators(composer(), { evaluators: [{ name: 'expertise', options: {} }, fixed('expertise', 1)] }),
    ).rejects.toThrow(/evaluators\[1\]: evaluators\[0\] already measures expertise/);
  });
});
