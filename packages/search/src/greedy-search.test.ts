import { StoppedError, type ModuleId } from '@mllr/core';
import { describe, expect, it } from 'vitest';
import { GreedySearch, type GreedyStep } from './greedy-search.js';
import { additiveProbe, contextFor, scoresFor } from './test-fixtures/search-context.js';

// 4 layers = 28 modules, so the default cap is 7. Score = canonical index, so the ranking runs from L3.down back to
// L0.q: L3.down, L3.up, L3.gate, L3.o, L3.v, L3.k, L3.q, L2.down, L2.up, …
const scores = scoresFor(4, (_, i) => i);

describe('GreedySearch', () => {
  it('skips a harmful candidate, keeps growing, and stops after too many rejections in a row', async () => {
    // Budget 0.05 below clean: four ordinary modules (0.048) fit, a fifth does not; L3.up alone costs 0.2.
    const probe = additiveProbe({ 'L3.up': 0.2 }, 0.012);
    const steps: GreedyStep[] = [];
    const result = await new GreedySearch().search(
      contextFor({ scores, numLayers: 4, evaluateSet: probe.evaluateSet, onStep: (s) => steps.push(s) }),
    );

    expect(result.modules).toEqual(['L3.v', 'L3.o', 'L3.gate', 'L3.down']);
    expect(result.modules.length).toBeGreaterThan(0);
    expect(result.modules.length).toBeLessThan(result.cap);
    expect(result.cap).toBe(7);
    expect(result.stopped).toBe('consecutive-rejects');
    expect(result.trace.map((s) => [s.candidate, s.accepted, s.size])).toEqual([
      ['L3.down', true, 1],
      ['L3.up', false, 1],
      ['L3.gate', true, 2],
      ['L3.o', true, 3],
      ['L3.v', true, 4],
      // eight rejections in a row (the default limit), then it stops without trying L2.q
      ['L3.k', false, 4],
      ['L3.q', false, 4],
      ['L2.down', false, 4],
      ['L2.up', false, 4],
      ['L2.gate', false, 4],
      ['L2.o', false, 4],
      ['L2.v', false, 4],
      ['L2.k', false, 4],
    ]);
    // Every accepted step kept the joint value at or above the threshold; every rejected one fell below it.
    for (const step of result.trace) expect(step.value >= 0.95).toBe(step.accepted);
    expect(await probe.evaluateSet(result.modules)).toBeGreaterThanOrEqual(0.95);
    // onStep saw the same decisions, in the same order.
    expect(steps).toEqual(result.trace);
    expect(probe.calls).toHaveLength(result.trace.length + 1);
  });

  it('perturbs the whole set jointly: each evaluation is the kept set plus the candidate, in canonical order', async () => {
    const probe = additiveProbe({ 'L3.up': 0.2 }, 0.012);
    await new GreedySearch({ maxModules: 2 }).search(
      contextFor({ scores, numLayers: 4, evaluateSet: probe.evaluateSet }),
    );
    expect(probe.calls).toEqual([['L3.down'], ['L3.up', 'L3.down'], ['L3.gate', 'L3.down']]);
  });

  it('stops at the default cap of a quarter of the modules, and at an explicit maxModules', async () => {
    const probe = additiveProbe({}, 0.001);
    const result = await new GreedySearch().search(
      contextFor({ scores, numLayers: 4, evaluateSet: probe.evaluateSet }),
    );
    expect(result.modules).toEqual(['L3.q', 'L3.k', 'L3.v', 'L3.o', 'L3.gate', 'L3.up', 'L3.down']);
    expect(result.stopped).toBe('size-cap');
    expect(probe.calls).toHaveLength(7); // no evaluation beyond the cap

    const three = await new GreedySearch({ maxModules: 3 }).search(
      contextFor({ scores, numLayers: 4, evaluateSet: probe.evaluateSet }),
    );
    expect(three.modules).toEqual(['L3.gate', 'L3.up', 'L3.down']);
    const half = await new GreedySearch({ maxFraction: 0.5 }).search(
      contextFor({ scores, numLayers: 4, evaluateSet: probe.evaluateSet }),
    );
    expect(half.modules).toHaveLength(14);
    expect(half.cap).toBe(14);
  });

  it('takes every candidate when the cap exceeds the module count and nothing is rejected', async () => {
    const small = scoresFor(1, (_, i) => -i);
    const result = await new GreedySearch({ maxModules: 100 }).search(
      contextFor({ scores: small, numLayers: 1, evaluateSet: additiveProbe({}, 0).evaluateSet }),
    );
    expect(result.cap).toBe(7);
    expect(result.modules).toHaveLength(7);
    expect(result.stopped).toBe('size-cap');
  });

  it('returns an empty set, saying so, when no candidate passes', async () => {
    const result = await new GreedySearch({ maxConsecutiveRejects: 3 }).search(
      contextFor({ scores, numLayers: 4, evaluateSet: additiveProbe({}, 0.2).evaluateSet }),
    );
    expect(result.modules).toEqual([]);
    expect(result.stopped).toBe('consecutive-rejects');
    expect(result.trace.map((s) => s.accepted)).toEqual([false, false, false]);
  });

  it('reports running out of candidates, and skips modules below minScore without evaluating them', async () => {
    const probe = additiveProbe({ 'L3.o': 0.2 }, 0.01);
    const result = await new GreedySearch({ minScore: 24 }).search(
      contextFor({ scores, numLayers: 4, evaluateSet: probe.evaluateSet }),
    );
    // Scores 24-27 are L3.o, L3.gate, L3.up, L3.down; L3.o is harmful.
    expect(result.modules).toEqual(['L3.gate', 'L3.up', 'L3.down']);
    expect(result.stopped).toBe('no-candidates');
    expect(probe.calls.flat().every((m) => ['L3.o', 'L3.gate', 'L3.up', 'L3.down'].includes(m))).toBe(true);
  });

  it('breaks score ties in canonical module order', async () => {
    const tied = scoresFor(2, () => 0.5);
    const probe = additiveProbe({}, 0);
    const result = await new GreedySearch({ maxModules: 3 }).search(
      contextFor({ scores: tied, numLayers: 2, evaluateSet: probe.evaluateSet }),
    );
    expect(result.trace.map((s) => s.candidate)).toEqual(['L0.q', 'L0.k', 'L0.v']);
  });

  it('calls checkpoint before each evaluation, and a throwing checkpoint stops the search', async () => {
    const probe = additiveProbe({}, 0.001);
    let checkpoints = 0;
    const steps: ModuleId[] = [];
    const search = new GreedySearch().search(
      contextFor({
        scores,
        numLayers: 4,
        evaluateSet: probe.evaluateSet,
        onStep: (s) => steps.push(s.candidate),
        throwIfStopped: () => {
          checkpoints++;
          if (checkpoints === 3) throw new StoppedError();
        },
      }),
    );
    await expect(search).rejects.toBeInstanceOf(StoppedError);
    expect(probe.calls).toHaveLength(2);
    expect(steps).toEqual(['L3.down', 'L3.up']);
  });

  it('rejects missing or broken scores and a probe value that is not a number', async () => {
    const greedy = new GreedySearch();
    const ok = additiveProbe({}, 0).evaluateSet;
    await expect(greedy.search(contextFor({ scores: [], numLayers: 4, evaluateSet: ok }))).rejects.toMatchObject({
      code: 'ARGUMENT_INVALID',
    });
    await expect(
      greedy.search(contextFor({ scores: [{ module: 'L4.q', score: 1 }], numLayers: 4, evaluateSet: ok })),
    ).rejects.toThrow(/L4\.q has a score, but the model has layers 0-3/);
    await expect(
      greedy.search(contextFor({ scores: [{ module: 'L0.q', score: NaN }], numLayers: 4, evaluateSet: ok })),
    ).rejects.toThrow(/non-finite/);
    const twice = [
      { module: 'L0.q' as const, score: 1 },
      { module: 'L0.q' as const, score: 2 },
    ];
    await expect(greedy.search(contextFor({ scores: twice, numLayers: 4, evaluateSet: ok }))).rejects.toThrow(
      /more than once/,
    );
    await expect(
      greedy.search(contextFor({ scores, numLayers: 4, evaluateSet: async () => NaN })),
    ).rejects.toMatchObject({
      code: 'ARGUMENT_INVALID',
    });
  });

  it('exposes its threshold option (default 0.95) for the dashboard and search.json', () => {
    expect(new GreedySearch({ threshold: 0.8 }).threshold).toBe(0.8);
    expect(new GreedySearch().threshold).toBe(0.95);
  });

  it('validates options when built by hand', () => {
    expect(() => new GreedySearch({ threshold: 0 })).toThrow(expect.objectContaining({ code: 'ARGUMENT_INVALID' }));
    expect(() => new GreedySearch({ maxModules: 3, maxFraction: 0.5 })).toThrow(
      expect.objectContaining({ details: [expect.objectContaining({ where: 'options.maxModules' })] }),
    );
  });
});
