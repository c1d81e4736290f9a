import { allModuleIds, type ModuleId, type ModuleScore, type RobustnessContext } from '@mllr/core';
import { TfjsEngine } from '@mllr/backend-tfjs';
import { generateWorld, toTrainExample } from '@mllr/data';
import { loadCheckpoint, loadTokenizer } from '@mllr/model';
import { createProxy, evaluateModuleSet, formatHeatmap, robustnessHeatmap, trainSecurityProbe } from '@mllr/proxies';
import { GreedySearch } from '@mllr/search';
import { TINY_CHAT_DIR } from '@mllr/tiny-chat';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The ML-LR method on tiny-chat: the security probe, module robustness scores and the greedy search.
const NOISE = { repeats: 1 };
describe('ML-LR method on tiny-chat', () => {
  let engine: TfjsEngine;
  let context: RobustnessContext;
  let perLayer: Awaited<ReturnType<typeof trainSecurityProbe>>['perLayer'];
  let scores: ModuleScore[];

  beforeAll(async () => {
    const world = generateWorld({ seed: 1234 });
    engine = await TfjsEngine.create(await loadCheckpoint(TINY_CHAT_DIR));
    const tokenizer = await loadTokenizer(TINY_CHAT_DIR);
    const trained = await trainSecurityProbe(engine, tokenizer, {
      harmful: world.probe.harmful,
      benign: world.probe.benign,
      seed: 1234,
    });
    perLayer = trained.perLayer;
    context = {
      modules: allModuleIds(4),
      probe: trained.probe,
      inference: engine,
      training: engine,
      seed: 1234,
      throwIfStopped: () => undefined,
    };
    // One perturbation per module (the runs' setting too): the averaging of repeats is the proxies package's to test.
    scores = await createProxy('noise', NOISE).score(context);
  }, 240_000);
  afterAll(() => engine?.dispose());

  it('finds the security feature: per-layer probe accuracy, chosen layer clean accuracy ≥ 0.95', () => {
    console.log(
      [
        'layer  train   validation  margin',
        ...perLayer.map(
          (r) =>
            `L${r.layer}     ${r.trainAccuracy.toFixed(3)}   ${r.validationAccuracy.toFixed(3)}       ${r.validationMargin.toFixed(2)}`,
        ),
      ].join('\n'),
    );
    expect(perLayer).toHaveLength(4);
    console.log(
      `chosen layer L${context.probe.layer}: clean accuracy ${context.probe.clean.accuracy.toFixed(3)}, mean margin ${context.probe.clean.meanMargin.toFixed(2)}`,
    );
    expect(context.probe.clean.accuracy).toBeGreaterThanOrEqual(0.95);
  });

  it('scores all 28 modules, differently, and identically again for the same seed', async () => {
    const heatmap = robustnessHeatmap(scores, 4);
    console.log(`robustness (noise proxy; 1 = the probe sees no change):\n${formatHeatmap(heatmap)}`);
    expect(scores.map((s) => s.module)).toEqual(allModuleIds(4));
    expect(heatmap.values.flat().every((v) => typeof v === 'number')).toBe(true);
    const distinct = new Set(scores.map((s) => s.score.toFixed(4)));
    expect(distinct.size).toBeGreaterThan(20);
    // Same seed, same numbers (checked on a few modules to keep the suite quick).
    const again = await createProxy('noise', NOISE).score({ ...context, modules: context.modules.slice(0, 5) });
    expect(again.map((s) => s.score)).toEqual(scores.slice(0, 5).map((s) => s.score));
  }, 240_000);

  it('the ift proxy fine-tunes one module at a time and puts every weight back exactly', async () => {
    const world = generateWorld({ seed: 1234 });
    const tokenizer = await loadTokenizer(TINY_CHAT_DIR);
    const names = engine.tensorNames();
    const before = await engine.getWeights(names);
    const scores = await createProxy('ift', { repeats: 1, iftSteps: 4 }).score({
      ...context,
      modules: ['L0.q', 'L3.down'],
      iftExamples: world.ift.train.map((s) => toTrainExample(s, tokenizer)),
    });
    console.log(`ift proxy: ${scores.map((s) => `${s.module} ${s.score.toFixed(4)}`).join(', ')}`);
    expect(scores.every((s) => Number.isFinite(s.score) && s.score < 1)).toBe(true);
    const after = await engine.getWeights(names);
    after.forEach((t, i) =>
      expect(Buffer.from(t.data.buffer).equals(Buffer.from(before[i]!.data.buffer)), t.name).toBe(true),
    );
  }, 240_000);

  it('greedy search returns a non-empty set below its cap and logs every decision', async () => {
    const steps: string[] = [];
    const result = await new GreedySearch({}).search({
      scores,
      numLayers: 4,
      seed: 1234,
      evaluateSet: (modules: readonly ModuleId[]) => evaluateModuleSet(context, modules, 'noise'),
      onStep: (s) =>
        steps.push(
          `${s.accepted ? 'keep' : 'drop'} ${s.candidate.padEnd(7)} value ${s.value.toFixed(4)} → size ${s.size}`,
        ),
      throwIfStopped: () => undefined,
    });
    console.log(
      `greedy search (threshold 0.95, cap 7):\n${steps.join('\n')}\nMods_Robust: ${result.modules.join(' ')}`,
    );
    expect(result.modules.length).toBeGreaterThan(0);
    expect(result.modules.length).toBeLessThanOrEqual(7);
    expect(steps.length).toBe(result.trace?.length);
    expect(steps.filter((s) => s.startsWith('keep'))).toHaveLength(result.modules.length);
  }, 240_000);
});
