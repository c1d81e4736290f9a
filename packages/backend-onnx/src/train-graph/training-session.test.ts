import type { ModelArchitecture, TrainExample } from '@mllr/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OnnxEngine } from '../engine/onnx-engine.js';
import { tensorMap } from '../export/model-source.js';
import { lcg } from '../test-support/gradient-check.js';
import { randomModel, tinyArchitecture } from '../test-support/fixtures.js';
import { buildTrainingGraph } from './training-graph.js';
import { TrainingGraphSession, trainingBatch, trainingGraphSources } from './training-session.js';

const ARCHITECTURES: Array<[string, ModelArchitecture]> = [
  ['llama, multi-head, tied head', tinyArchitecture({ numKvHeads: 4, tieWordEmbeddings: true })],
  ['llama, grouped-query (2 kv heads), untied', tinyArchitecture()],
  ['qwen2, qkv bias, grouped-query', tinyArchitecture({ family: 'qwen2', qkvBias: true })],
  ['mistral, multi-query (1 kv head)', tinyArchitecture({ family: 'mistral', numKvHeads: 1 })],
];

/** Random examples of different lengths, with prompts. */
function examples(arch: ModelArchitecture, seed: number, count = 3): TrainExample[] {
  const random = lcg(seed);
  return Array.from({ length: count }, () => {
    const length = 3 + Math.floor(random() * 10);
    const ids = Array.from({ length }, () => 3 + Math.floor(random() * (arch.vocabSize - 3)));
    return { ids, promptLength: 1 + Math.floor(random() * (length - 1)) };
  });
}

function weightsOf(arch: ModelArchitecture, seed: number): Map<string, Float32Array> {
  return new Map([...tensorMap(randomModel(arch, seed).tensors)].map(([n, t]) => [n, t.data] as const));
}

describe('training graph', () => {
  for (const [label, arch] of ARCHITECTURES) {
    describe(label, () => {
      const weights = weightsOf(arch, 11);
      const trainable = [...weights.keys()];
      let session: TrainingGraphSession;
      let engine: OnnxEngine;
      beforeAll(async () => {
        session = await TrainingGraphSession.create(arch, { trainable, settings: { device: 'cpu', threads: 1 } });
        engine = await OnnxEngine.create(randomModel(arch, 11), { device: 'cpu', threads: 1 });
      });
      afterAll(async () => Promise.all([session.dispose(), engine.dispose()]));

      it('loss_sum is the masked cross-entropy of the inference graph’s logits (position t predicts token t+1)', async () => {
        const batch = examples(arch, 5);
        const result = await session.compute(batch, weights);
        let expected = 0;
        let tokens = 0;
        for (const e of batch) {
          const logits = (await engine.logits({ sequences: [e.ids] })).data[0]!;
          for (let t = 0; t + 1 < e.ids.length; t++) {
            if (t + 1 < e.promptLength) continue;
            const row = logits.subarray(t * arch.vocabSize, (t + 1) * arch.vocabSize);
            const max = Math.max(...row);
            const logSum = Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0)) + max;
            expected += logSum - row[e.ids[t + 1]!]!;
            tokens++;
          }
        }
        expect(result.tokens).toBe(tokens);
        expect(Math.abs(result.lossSum - expected) / expected).toBeLessThan(1e-5);
      });

      it('gradients add up over micro-batches (accumulation = the whole batch), whatever the padding', async () => {
        const batch = examples(arch, 9, 4);
        const whole = await session.compute(batch, weights);
        const parts = [
          await session.compute(batch.slice(0, 1), weights),
          await session.compute(batch.slice(1), weights),
        ];
        expect(parts[0]!.tokens + parts[1]!.tokens).toBe(whole.tokens);
        expect(Math.abs(parts[0]!.lossSum + parts[1]!.lossSum - whole.lossSum) / whole.lossSum).toBeLessThan(1e-5);
        for (const name of trainable) {
          const a = parts[0]!.grads.get(name)!;
          const b = parts[1]!.grads.get(name)!;
          const w = whole.grads.get(name)!;
          const scale = Math.max(...w.map(Math.abs));
          const error = Math.max(...w.map((v, i) => Math.abs(a[i]! + b[i]! - v)));
          expect(error / scale, name).toBeLessThan(1e-5);
        }
      });

      it('gradients agree with float32 central differences of the loss on sampled elements', async () => {
        const batch = examples(arch, 3);
        const { grads } = await session.compute(batch, weights);
        const random = lcg(17);
        const step = 1e-2;
        for (const name of [
          'model.embed_tokens.weight',
          'model.layers.0.self_attn.k_proj.weight',
          'model.layers.1.mlp.down_proj.weight',
        ]) {
          const data = weights.get(name)!;
          const grad = grads.get(name)!;
          const scale = Math.max(...grad.map(Math.abs));
          for (let k = 0; k < 3; k++) {
            // Embedding rows of tokens in the batch carry gradient; pick among those for the embedding.
            const i =
              name === 'model.embed_tokens.weight'
                ? batch[0]!.ids[1]! * arch.hiddenSize + k
                : Math.floor(random() * data.length);
            const keep = data[i]!;
            data[i] = keep + step;
            const up = (await session.compute(batch, weights)).lossSum;
            data[i] = keep - step;
            const down = (await session.compute(batch, weights)).lossSum;
            data[i] = keep;
            expect(Math.abs((up - down) / (2 * step) - grad[i]!) / scale, `${name}[${i}]`).toBeLessThan(2e-2);
          }
        }
      });
    });
  }

  it('grad_sq outputs only when asked (the engine factory leaves them out)', async () => {
    const arch = tinyArchitecture();
    const weights = weightsOf(arch, 3);
    const trainable = ['model.norm.weight', 'model.layers.0.mlp.up_proj.weight'];
    const withSquares = await TrainingGraphSession.create(arch, { trainable, settings: { device: 'cpu', threads: 1 } });
    const without = await trainingGraphSources({ device: 'cpu', threads: 1 })({ architecture: arch, trainable });
    try {
      const batch = examples(arch, 2);
      const [a, b] = [await withSquares.compute(batch, weights), await without.compute(batch, weights)];
      expect(b.gradSquares.size).toBe(0);
      for (const name of trainable) {
        const square = a.grads.get(name)!.reduce((s, v) => s + v * v, 0);
        expect(Math.abs(a.gradSquares.get(name)! - square) / square).toBeLessThan(1e-5);
        expect(b.grads.get(name)).toEqual(a.grads.get(name));
      }
      expect(without.graph.graph.nodes.length).toBe(withSquares.graph.graph.nodes.length - 2 * trainable.length);
    } finally {
      await Promise.all([withSquares.dispose(), without.dispose()]);
    }
  });

  it('frozen everything: the graph computes the loss and no gradients', async () => {
    const arch = tinyArchitecture();
    const weights = weightsOf(arch, 3);
    const full = await TrainingGraphSession.create(arch, {
      trainable: [...weights.keys()],
      settings: { device: 'cpu', threads: 1 },
    });
    const none = await TrainingGraphSession.create(arch, { trainable: [], settings: { device: 'cpu', threads: 1 } });
    try {
      const batch = examples(arch, 4);
      const [a, b] = [await full.compute(batch, weights), await none.compute(batch, weights)];
      expect(b.grads.size).toBe(0);
      expect(b.lossSum).toBeCloseTo(a.lossSum, 4);
      expect(none.graph.graph.nodes.length).toBeLessThan(full.graph.graph.nodes.length / 2);
    } finally {
      await Promise.all([full.dispose(), none.dispose()]);
    }
  });

  it('refuses unknown or repeated trainable tensors, examples without response tokens and missing weights', async () => {
    const arch = tinyArchitecture();
    expect(() => buildTrainingGraph(arch, { trainable: ['model.layers.9.mlp.up_proj.weight'] })).toThrow(
      /has no tensor model\.layers\.9/,
    );
    expect(() => buildTrainingGraph(arch, { trainable: ['model.norm.weight', 'model.norm.weight'] })).toThrow(
      /listed twice/,
    );
    expect(() => trainingBatch(arch, [{ ids: [1, 5, 6], promptLength: 3 }])).toThrow(/no response tokens/);
    const session = await TrainingGraphSession.create(arch, {
      trainable: ['model.norm.weight'],
      settings: { device: 'cpu', threads: 1 },
    });
    try {
      await expect(session.compute([{ ids: [1, 5, 6], promptLength: 1 }], new Map())).rejects.toThrow(
        /no weights given for tensor/,
      );
    } finally {
      await session.dispose();
    }
  });

  it('the loss mask counts position t when token t+1 is past the prompt, with right padding', () => {
    const arch = tinyArchitecture();
    const batch = trainingBatch(arch, [
      { ids: [1, 5, 6, 7], promptLength: 2 },
      { ids: [1, 8], promptLength: 0 },
    ]);
    expect(batch.width).toBe(4);
    expect([...batch.lossMask]).toEqual([0, 1, 1, 0, 1, 0, 0, 0]);
    expect([...batch.attentionMask].map(Number)).toEqual([1, 1, 1, 1, 1, 1, 0, 0]);
    expect([...batch.positions].map(Number)).toEqual([0, 1, 2, 3, 0, 1, 0, 0]);
    expect(batch.tokens).toBe(3);
  });

  it('the loss mask counts only the tokens of response spans (the assistant turns of a conversation)', () => {
    const arch = tinyArchitecture();
    const batch = trainingBatch(arch, [
      {
        ids: [1, 5, 6, 7, 8, 9, 10],
        promptLength: 2,
        responseSpans: [
          [2, 3],
          [5, 7],
        ],
      },
      { ids: [1, 8, 9], promptLength: 1 },
    ]);
    expect([...batch.lossMask]).toEqual([0, 1, 0, 0, 1, 1, 0, 1, 1, 0, 0, 0, 0, 0]);
    expect(batch.tokens).toBe(5);
    expect(() =>
      trainingBatch(arch, [
        {
          ids: [1, 5, 6],
          promptLength: 1,
          responseSpans: [
            [1, 2],
            [1, 3],
          ],
        },
      ]),
    ).toThrow(/responseSpans/);
  });
});
