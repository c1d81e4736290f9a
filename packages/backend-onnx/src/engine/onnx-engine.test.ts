import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ModelArchitecture, type NamedTensor } from '@mllr/core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { randomModel, tinyArchitecture } from '../test-support/fixtures.js';
import { exportOnnx } from '../export/export-onnx.js';
import { tensorMap } from '../export/model-source.js';
import { loadOnnxRuntime } from './load-runtime.js';
import { OnnxEngine } from './onnx-engine.js';

const variants: Array<[string, ModelArchitecture]> = [
  ['llama GQA untied', tinyArchitecture({ maxPositionEmbeddings: 12 })],
  [
    'qwen2 qkv bias, tied',
    tinyArchitecture({ family: 'qwen2', qkvBias: true, tieWordEmbeddings: true, maxPositionEmbeddings: 12 }),
  ],
  ['mistral MHA', tinyArchitecture({ family: 'mistral', numKvHeads: 4, ropeTheta: 1e6, maxPositionEmbeddings: 12 })],
];

describe.each(variants)('OnnxEngine on a random %s model', (_, arch) => {
  let engine: OnnxEngine;
  beforeAll(async () => {
    engine = await OnnxEngine.create(randomModel(arch, 21), { device: 'cpu', threads: 1 });
  });
  afterAll(() => engine.dispose());

  it('gives a left-padded sequence the logits and hidden states it gets alone', async () => {
    const short = [1, 4, 5];
    const long = [1, 6, 7, 8, 9, 10, 11];
    const [alone, batched] = await Promise.all([
      engine.logits({ sequences: [short] }),
      engine.logits({ sequences: [long, short] }),
    ]);
    expect(batched.data[1]!.length).toBe(short.length * arch.vocabSize);
    expect(Math.max(...batched.data[1]!.map((v, i) => Math.abs(v - alone.data[0]![i]!)))).toBeLessThan(1e-5);
    const one = await engine.lastTokenHiddenStates({ sequences: [short] }, [1]);
    const both = await engine.lastTokenHiddenStates({ sequences: [long, short] }, [1, 0]);
    expect(both.layers).toHaveLength(2);
    expect(Math.max(...both.layers[0]![1]!.map((v, i) => Math.abs(v - one.layers[0]![0]![i]!)))).toBeLessThan(1e-5);
  });

  it('runs changed weights (every tensor kind, biases included) through the fed session, and restores exactly', async () => {
    const sequences = [
      [1, 9, 3, 4],
      [5, 2],
    ];
    const before = await engine.logits({ sequences });
    const names = [...tensorMap(randomModel(arch, 21).tensors).keys()].filter((n) => n.includes('layers.0.'));
    const originals = await engine.getWeights(names);
    const changed = originals.map((t) => ({ ...t, data: t.data.map((v, i) => v + 0.02 * Math.cos(i)) }));
    await engine.setWeights(changed);
    const source = randomModel(arch, 21);
    for (const t of changed) (source.tensors as Map<string, NamedTensor>).set(t.name, t);
    const fresh = await OnnxEngine.create(source, { device: 'cpu', threads: 1 });
    const [fed, expected] = [await engine.logits({ sequences }), await fresh.logits({ sequences })];
    await fresh.dispose();
    fed.data.forEach((row, b) => {
      expect(maxDifference(row, before.data[b]!)).toBeGreaterThan(1e-3);
      expect(maxDifference(row, expected.data[b]!)).toBeLessThan(1e-5);
    });
    await engine.setWeights(originals);
    expect((await engine.logits({ sequences })).data).toEqual(before.data);
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

  it('feeds changed weights without a rebuild: logits change, match a fresh engine, and come back bit for bit when restored', async () => {
    const sequences = [
      [1, 7, 3, 9],
      [4, 2],
    ];
    const before = await engine.logits({ sequences });
    const statesBefore = await engine.lastTokenHiddenStates({ sequences });
    const names = ['model.layers.1.mlp.down_proj.weight', 'model.layers.0.self_attn.q_proj.weight'];
    const originals = await engine.getWeights(names);
    const perturbed = originals.map((t) => ({ ...t, data: t.data.map((v, i) => v + (i % 3) * 0.05) }));
    await engine.setWeights(perturbed);
    expect((await engine.getWeights(names)).map((t) => t.data)).toEqual(perturbed.map((t) => t.data));
    const after = await engine.logits({ sequences });
    expect(Math.max(...after.data[0]!.map((v, i) => Math.abs(v - before.data[0]![i]!)))).toBeGreaterThan(1e-3);
    const source = randomModel(arch, 5);
    for (const t of perturbed) (source.tensors as Map<string, NamedTensor>).set(t.name, t);
    const fresh = await OnnxEngine.create(source, { device: 'cpu', threads: 1 });
    // The fresh engine's MatMuls use weights ONNX Runtime prepacked at load, the fed ones do not: equal up to rounding.
    const freshLogits = await fresh.logits({ sequences });
    after.data.forEach((row, b) => expect(maxDifference(row, freshLogits.data[b]!)).toBeLessThan(1e-5));
    await fresh.dispose();
    // Setting one tensor back keeps feeding the other; setting both back returns the baseline session's exact outputs.
    await engine.setWeights([originals[0]!]);
    expect(maxDifference((await engine.logits({ sequences })).data[0]!, before.data[0]!)).toBeGreaterThan(1e-3);
    await engine.setWeights([originals[1]!]);
    expect((await engine.logits({ sequences })).data).toEqual(before.data);
    expect((await engine.lastTokenHiddenStates({ sequences })).layers).toEqual(statesBefore.layers);
    expect(await engine.generate(sequences, { maxNewTokens: 4, stopTokenIds: [] })).toEqual(
      await (async () => {
        const clean = await OnnxEngine.create(randomModel(arch, 5), { device: 'cpu', threads: 1 });
        const ids = await clean.generate(sequences, { maxNewTokens: 4, stopTokenIds: [] });
        await clean.dispose();
        return ids;
      })(),
    );
  });

  it('creates one fed session for any number of perturb → restore rounds, and no other', async () => {
    const ort = await loadOnnxRuntime();
    const other = await OnnxEngine.create(randomModel(arch, 5), { device: 'cpu', threads: 1 });
    const create = vi.spyOn(ort.InferenceSession, 'create');
    try {
      const sequences = [[1, 2, 3]];
      for (const name of [
        'model.layers.0.self_attn.k_proj.weight',
        'model.layers.1.mlp.gate_proj.weight',
        'model.layers.0.self_attn.o_proj.weight',
      ]) {
        const [original] = await other.getWeights([name]);
        await other.setWeights([{ ...original!, data: original!.data.map((v) => v * 2) }]);
        await other.lastTokenHiddenStates({ sequences }, [1]);
        await other.setWeights([original!]);
        await other.lastTokenHiddenStates({ sequences }, [1]);
      }
      expect(create).toHaveBeenCalledTimes(1);
    } finally {
      create.mockRestore();
      await other.dispose();
    }
  });

  it('generates with changed weights through the fed session as a fresh engine does', async () => {
    const [original] = await engine.getWeights(['model.layers.0.mlp.up_proj.weight']);
    const changed = { ...original!, data: original!.data.map((v, i) => v * (1 + (i % 5) * 0.2)) };
    await engine.setWeights([changed]);
    const source = randomModel(arch, 5);
    (source.tensors as Map<string, NamedTensor>).set(changed.name, changed);
    const fresh = await OnnxEngine.create(source, { device: 'cpu', threads: 1 });
    const prompts = [
      [1, 3],
      [1, 5, 6, 7],
    ];
    expect(await engine.generate(prompts, { maxNewTokens: 5, stopTokenIds: [] })).toEqual(
      await fresh.generate(prompts, { maxNewTokens: 5, stopTokenIds: [] }),
    );
    await fresh.dispose();
    await engine.setWeights([original!]);
  });

  it('rebuilds instead when at least half of the parameters change: then bit for bit a fresh engine', async () => {
    const other = await OnnxEngine.create(randomModel(arch, 5), { device: 'cpu', threads: 1 });
    const replacement = randomModel(arch, 77);
    await other.setWeights([...(replacement.tensors as Map<string, NamedTensor>).values()]);
    const fresh = await OnnxEngine.create(randomModel(arch, 77), { device: 'cpu', threads: 1 });
    const sequences = [[1, 7, 3, 9]];
    expect((await other.logits({ sequences })).data).toEqual((await fresh.logits({ sequences })).data);
    await Promise.all([other.dispose(), fresh.dispose()]);
  });

  it('feeds changed weights on an engine opened from an export folder, and restores its outputs exactly', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mllr-onnx-engine-'));
    try {
      await exportOnnx(randomModel(arch, 5), dir);
      const opened = await OnnxEngine.open(dir, { device: 'cpu', threads: 1 });
      const sequences = [[2, 8, 1]];
      const before = await opened.lastTokenHiddenStates({ sequences });
      const [original] = await opened.getWeights(['model.layers.1.self_attn.v_proj.weight']);
      await opened.setWeights([{ ...original!, data: original!.data.map((v) => -v) }]);
      const changed = await opened.lastTokenHiddenStates({ sequences });
      expect(maxDifference(changed.layers[1]![0]!, before.layers[1]![0]!)).toBeGreaterThan(1e-3);
      await opened.setWeights([original!]);
      expect((await opened.lastTokenHiddenStates({ sequences })).layers).toEqual(before.layers);
      await opened.dispose();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses bad input with clear messages', async () => {
    await expect(engine.lastTokenHiddenStates({ sequences: [[1]] }, [2])).rejects.toThrow(
      'layer 2 does not exist; the model has layers 0-1',
    );
    await expect(engine.logits({ sequences: [[1, 99]] })).rejects.toThrow(
      "token id 99 is outside the model's vocabulary of 40",
    );
    await expect(engine.logits({ sequences: [[]] })).rejects.toThrow('every sequence needs at least one token');
    await expect(engine.logits({ sequences: [Array.from({ length: 13 }, () => 1)] })).rejects.toThrow(
      "longer than the model's context of 12",
    );
    await expect(
      engine.setWeights([{ name: 'model.norm.weight', shape: [3], data: new Float32Array(3) }]),
    ).rejects.toThrow("tensor model.norm.weight has shape [3] but the model's is [16]");
    await expect(engine.setWeights([{ name: 'nope', shape: [1], data: new Float32Array(1) }])).rejects.toThrow(
      'the model has no tensor nope',
    );
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

/** Largest absolute difference between two arrays of the same length. */
function maxDifference(a: Float32Array, b: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}
