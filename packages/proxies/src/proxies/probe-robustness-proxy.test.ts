import { allModuleIds, type ModuleId, type RobustnessContext } from '@mllr/core';
import { describe, expect, it } from 'vitest';
import { trainSecurityProbe } from '../probe/security-probe.js';
import { createProxy } from '../plugin.js';
import { LinearModel, probePrompts } from '../test-fixtures/linear-model.js';
import { DEFAULT_PROXY_OPTIONS, evaluateModuleSet } from './probe-robustness-proxy.js';

/** Module weight scales: layer 1's MLP modules are the big ones. */
const scale = (m: ModuleId) => (m === 'L1.up' ? 1.2 : m === 'L1.down' ? 0.8 : m.startsWith('L1.') ? 0.2 : 0.05);

async function setup() {
  const prompts = probePrompts();
  const model = new LinearModel(prompts, scale);
  const engine = model.engine();
  const { probe, perLayer } = await trainSecurityProbe(engine, model.tokenizer(), {
    harmful: prompts.filter((p) => p.harmful).map((p) => p.text),
    benign: prompts.filter((p) => !p.harmful).map((p) => p.text),
    seed: 3,
  });
  const context: RobustnessContext = {
    modules: allModuleIds(2),
    probe,
    inference: engine,
    training: engine,
    seed: 11,
    throwIfStopped: () => undefined,
  };
  return { model, engine, probe, perLayer, context };
}

describe('security probe on a linear stand-in model', () => {
  it('reports per-layer accuracy and freezes the best layer with its clean measurement', async () => {
    const { probe, perLayer } = await setup();
    expect(perLayer.map((r) => r.layer)).toEqual([0, 1]);
    expect(perLayer.every((r) => r.validationAccuracy === 1)).toBe(true);
    expect(probe.layer).toBe(1); // ties go to the deeper layer
    expect(probe.clean.accuracy).toBe(1);
    expect(probe.clean.meanMargin).toBeGreaterThan(0);
  });
});

describe('noise and drift proxies', () => {
  it('score every module, rank the big modules least robust, repeat exactly, and restore the weights', async () => {
    const { context, model } = await setup();
    const before = new Map([...model.weights].map(([k, v]) => [k, Float32Array.from(v.data)]));
    const progress: string[] = [];
    const reported: number[] = [];
    const scores = await createProxy('noise', { repeats: 2 }).score({
      ...context,
      onProgress: (d, t, m, s) => {
        progress.push(`${d}/${t}:${m}`);
        reported.push(s!.score);
      },
    });
    expect(scores.map((s) => s.module)).toEqual(allModuleIds(2));
    expect(progress).toHaveLength(14);
    expect(reported).toEqual(scores.map((s) => s.score));
    expect(new Set(scores.map((s) => s.score.toFixed(6))).size).toBeGreaterThan(3);
    const byModule = Object.fromEntries(scores.map((s) => [s.module, s.score]));
    expect(byModule['L1.up']!).toBeLessThan(byModule['L0.q']!);
    expect(byModule['L1.down']!).toBeLessThan(byModule['L1.q']!);
    expect(scores[0]!.raw?.marginStability).toHaveLength(2);
    for (const [name, data] of before) expect(model.weights.get(name)!.data).toEqual(data);

    const again = await createProxy('noise', { repeats: 2 }).score(context);
    expect(again.map((s) => s.score)).toEqual(scores.map((s) => s.score));
    const otherSeed = await createProxy('noise', { repeats: 2 }).score({ ...context, seed: 12 });
    expect(otherSeed.map((s) => s.score)).not.toEqual(scores.map((s) => s.score));

    const drift = await createProxy('drift', { repeats: 2 }).score(context);
    const driftBy = Object.fromEntries(drift.map((s) => [s.module, s.score]));
    expect(driftBy['L1.up']!).toBeLessThan(driftBy['L0.k']!);
    expect(drift.every((s) => s.score <= 1)).toBe(true);
  });

  it('evaluates module sets jointly: adding a fragile module lowers the value', async () => {
    const { context } = await setup();
    const robust = await evaluateModuleSet(context, ['L0.q', 'L0.k'], 'noise');
    const withFragile = await evaluateModuleSet(context, ['L0.q', 'L0.k', 'L1.up'], 'noise');
    expect(await evaluateModuleSet(context, [], 'noise')).toBe(1);
    expect(robust).toBeGreaterThan(withFragile);
    expect(await evaluateModuleSet(context, ['L0.q', 'L0.k'], 'noise')).toBe(robust);
  });

  it("checks a set jointly with the proxy's own perturbation and settings (drift with its under kind)", async () => {
    const { context } = await setup();
    const set: ModuleId[] = ['L0.q', 'L1.up'];
    const settings = { ...DEFAULT_PROXY_OPTIONS, sigma: 0.2, repeats: 2 };
    const expected = await evaluateModuleSet(context, set, 'noise', settings);
    expect(expected).not.toBe(await evaluateModuleSet(context, set, 'noise'));
    expect(await createProxy('noise', { sigma: 0.2, repeats: 2 }).evaluateSet(context, set)).toBe(expected);
    expect(await createProxy('drift', { under: 'noise', sigma: 0.2, repeats: 2 }).evaluateSet(context, set)).toBe(
      expected,
    );
    expect(await createProxy('noise', {}).evaluateSet(context, [])).toBe(1);
  });

  it('stops at a checkpoint and validates its options', async () => {
    const { context } = await setup();
    let calls = 0;
    const stopping = {
      ...context,
      throwIfStopped: () => {
        if (++calls > 3) throw new Error('stopped');
      },
    };
    await expect(createProxy('noise', {}).score(stopping)).rejects.toThrow('stopped');
    expect(() => createProxy('noise', { sigma: -1 })).toThrow();
    expect(() => createProxy('noise', { sigmaa: 1 })).toThrow();
    expect(() => createProxy('gradient', {})).toThrow('provides noise, ift, drift');
  });
});
