import { createRng } from '@mllr/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomModel, tinyArchitecture } from '../test-support/random-model.js';
import { TfjsEngine } from '../tfjs-engine.js';
import { argmax, chooseToken } from '@mllr/core';

describe('generation', () => {
  let engine: TfjsEngine;
  beforeAll(async () => {
    engine = await TfjsEngine.create(randomModel(tinyArchitecture({ maxPositionEmbeddings: 12 }), 21));
  });
  afterAll(() => engine.dispose());

  it('samples reproducibly from a seed, and differently from another seed', async () => {
    const prompts = [[1, 5], [1, 6, 7, 8]];
    const options = { maxNewTokens: 6, temperature: 1.5, topP: 0.95, stopTokenIds: [] };
    const a = await engine.generate(prompts, { ...options, seed: 1 });
    expect(await engine.generate(prompts, { ...options, seed: 1 })).toEqual(a);
    const others = await Promise.all([2, 3, 4].map((seed) => engine.generate(prompts, { ...options, seed })));
    expect(others.some((o) => JSON.stringify(o) !== JSON.stringify(a))).toBe(true);
  });

  it('greedy decoding equals argmax of the logits, step by step', async () => {
    const prompt = [1, 9, 3];
    const [generated] = await engine.generate([prompt], { maxNewTokens: 4, stopTokenIds: [] });
    const sequence = [...prompt];
    for (let i = 0; i < 4; i++) {
      const { data, vocabSize } = await engine.logits({ sequences: [sequence] });
      sequence.push(argmax(data[0]!, (sequence.length - 1) * vocabSize, vocabSize));
    }
    expect(generated).toEqual(sequence.slice(prompt.length));
  });

  it('stops a sequence at a stop token and all of them at the context end', async () => {
    const [free] = await engine.generate([[1, 4]], { maxNewTokens: 5, stopTokenIds: [] });
    const stopAt = free![1]!;
    const [stopped] = await engine.generate([[1, 4]], { maxNewTokens: 5, stopTokenIds: [stopAt] });
    expect(stopped).toEqual(free!.slice(0, free!.indexOf(stopAt) + 1));
    // 12 positions: a 10-token prompt leaves room for 2 more tokens at most.
    const [long] = await engine.generate([[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]], { maxNewTokens: 8, stopTokenIds: [] });
    expect(long).toHaveLength(3);
  });
});

describe('chooseToken', () => {
  const logits = new Float32Array([0, 5, 1, 4.9, -2]);

  it('is greedy at temperature 0 and keeps only the nucleus with top-p', () => {
    expect(chooseToken(logits, 0, 5, {}, createRng(1))).toBe(1);
    const rng = createRng(9);
    const seen = new Set<number>();
    for (let i = 0; i < 200; i++) seen.add(chooseToken(logits, 0, 5, { temperature: 1, topP: 0.9 }, rng));
    expect([...seen].sort()).toEqual([1, 3]);
    for (let i = 0; i < 400; i++) seen.add(chooseToken(logits, 0, 5, { temperature: 5, topP: 1 }, rng));
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4]);
  });
});
