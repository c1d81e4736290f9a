import { createRng, type ModelArchitecture } from '@mllr/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomModel, tinyArchitecture } from '../test-support/fixtures.js';
import { argmax, chooseToken } from '@mllr/core';
import { OnnxEngine } from './onnx-engine.js';

const variants: Array<[string, ModelArchitecture]> = [
  ['llama GQA untied', tinyArchitecture({ maxPositionEmbeddings: 12 })],
  ['qwen2 qkv bias, tied', tinyArchitecture({ family: 'qwen2', qkvBias: true, tieWordEmbeddings: true, maxPositionEmbeddings: 12 })],
  ['mistral MHA', tinyArchitecture({ family: 'mistral', numKvHeads: 4, ropeTheta: 1e6, maxPositionEmbeddings: 12 })],
];

describe.each(variants)('OnnxEngine on a random %s model', (_, arch) => {
  let engine: OnnxEngine;
  beforeAll(async () => {
    engine = await OnnxEngine.create(randomModel(arch, 21), { device: 'cpu', threads: 1 });
  });
  afterAll(() => engine.dispose());

  it('greedy decoding with the KV cache equals argmax of full forwards, step by step', async () => {
    const prompt = [1, 9, 3];
    const [generated] = await engine.generate([prompt], { maxNewTokens: 4, stopTokenIds: [] });
    const sequence = [...prompt];
    for (let i = 0; i < 4; i++) {
      const { data, vocabSize } = await engine.logits({ sequences: [sequence] });
      sequence.push(argmax(data[0]!, (sequence.length - 1) * vocabSize, vocabSize));
    }
    expect(generated).toEqual(sequence.slice(prompt.length));
  });

  it('gives a left-padded sequence the logits and hidden states it gets alone', async () => {
    const short = [1, 4, 5];
    const long = [1, 6, 7, 8, 9, 10, 11];
    const [alone, batched] = await Promise.all([engine.logits({ sequences: [short] }), engine.logits({ sequences: [long, short] })]);
    expect(batched.data[1]!.length).toBe(short.length * arch.vocabSize);
    expect(Math.max(...batched.data[1]!.map((v, i) => Math.abs(v - alone.data[0]![i]!)))).toBeLessThan(1e-5);
    const one = await engine.lastTokenHiddenStates({ sequences: [short] }, [1]);
    const both = await engine.lastTokenHiddenStates({ sequences: [long, short] }, [1, 0]);
    expect(both.layers).toHaveLength(2);
    expect(Math.max(...both.layers[0]![1]!.map((v, i) => Math.abs(v - one.layers[0]![0]![i]!)))).toBeLessThan(1e-5);
  });

  it('samples reproducibly from a seed, and differently from another seed', async () => {
    const prompts = [[1, 5], [1, 6, 7, 8]];
    const options = { maxNewTokens: 6, temperature: 1.5, topP: 0.95, stopTokenIds: [] };
    const a = await engine.generate(prompts, { ...options, seed: 1 });
    expect(await engine.generate(prompts, { ...options, seed: 1 })).toEqual(a);
    const others = await Promise.all([2, 3, 4].map((seed) => engine.generate(prompts, { ...options, seed })));
    expect(others.some((o) => JSON.stringify(o) !== JSON.stringify(a))).toBe(true);
  });
});

describe('OnnxEngine', () => {
  const arch = tinyArchitecture({ maxPositionEmbeddings: 12 });
  let engine: OnnxEngine;
  beforeAll(async () => {
    engine = await OnnxEngine.create(randomModel(arch, 5), { device: 'cpu', threads: 1 });
  });
  afterAll(() => engine.dispose());

  it('reports its name and device', () => {
    expect(engine.name).toBe('onnx');
    expect(engine.device).toBe('cpu');
  });

  it('stops a sequence at a stop token and all of them at the context end', async () => {
    const [free] = await engine.generate([[1, 4]], { maxNewTokens: 5, stopTokenIds: [] });
    const stopAt = free![1]!;
    const [stopped] = await engine.generate([[1, 4]], { maxNewTokens: 5, stopTokenIds: [stopAt] });
    expect(stopped).toEqual(free!.slice(0, free!.indexOf(stopAt) + 1));
    // 12 positions: a 10-token prompt leaves room for 2 more tokens at most.
    const [long] = await engine.generate([[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]], { maxNewTokens: 8, stopTokenIds: [] });
    expect(long).toHaveLength(3);
    expect(await engine.generate([[1, 2]], { maxNewTokens: 0 })).toEqual([[]]);
  });

  it('swaps weights: logits change, equal a fresh engine on the new weights, and come back when restored', async () => {
    const sequences = [[1, 7, 3, 9]];
    const before = await engine.logits({ sequences });
    const [original] = await engine.getWeights(['model.layers.1.mlp.down_proj.weight']);
    const perturbed = { ...original!, data: original!.data.map((v, i) => v + (i % 3) * 0.05) };
    await engine.setWeights([perturbed]);
    const after = await engine.logits({ sequences });
    expect(Math.max(...after.data[0]!.map((v, i) => Math.abs(v - before.data[0]![i]!)))).toBeGreaterThan(1e-3);
    const source = randomModel(arch, 5);
    (source.tensors as Map<string, typeof perturbed>).set(perturbed.name, perturbed);
    const fresh = await OnnxEngine.create(source, { device: 'cpu', threads: 1 });
    expect((await fresh.logits({ sequences })).data).toEqual(after.data);
    await fresh.dispose();
    await engine.setWeights([original!]);
    expect((await engine.logits({ sequences })).data).toEqual(before.data);
  });

  it('refuses bad input with clear messages', async () => {
    await expect(engine.lastTokenHiddenStates({ sequences: [[1]] }, [2])).rejects.toThrow('layer 2 does not exist; the model has layers 0-1');
    await expect(engine.logits({ sequences: [[1, 99]] })).rejects.toThrow("token id 99 is outside the model's vocabulary of 40");
    await expect(engine.logits({ sequences: [[]] })).rejects.toThrow('every sequence needs at least one token');
    await expect(engine.logits({ sequences: [Array.from({ length: 13 }, () => 1)] })).rejects.toThrow("longer than the model's context of 12");
    await expect(engine.setWeights([{ name: 'model.norm.weight', shape: [3], data: new Float32Array(3) }])).rejects.toThrow(
      "tensor model.norm.weight has shape [3] but the model's is [16]",
    );
    await expect(engine.setWeights([{ name: 'nope', shape: [1], data: new Float32Array(1) }])).rejects.toThrow('the model has no tensor nope');
  });

  it('lets the event loop turn between runs while it generates', async () => {
    // A task that re-queues itself each turn of the loop, as IPC and timers would need turns.
    let turns = 0;
    let running = true;
    const tick = (): void => {
      if (!running) return;
      turns++;
      setImmediate(tick);
    };
    setImmediate(tick);
    const [tokens] = await engine.generate([[1, 2]], { maxNewTokens: 8, stopTokenIds: [] });
    running = false;
    // One prefill and one run per new token after the first: each run lets the loop turn at least once.
    expect(turns).toBeGreaterThanOrEqual(tokens!.length);
  });

  it('refuses calls after dispose', async () => {
    const other = await OnnxEngine.create(randomModel(arch, 6), { device: 'cpu', threads: 1 });
    await other.dispose();
    await expect(other.logits({ sequences: [[1]] })).rejects.toThrow('the onnx engine was disposed');
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
