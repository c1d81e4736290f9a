import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { OnnxEngine, exportOnnx } from '@mllr/backend-onnx';
import { TfjsEngine } from '@mllr/backend-tfjs';
import type { BatchLogits, ModelArchitecture, TrainExample } from '@mllr/core';
import { loadCheckpoint, randomTensors } from '@mllr/model';
import { afterAll, describe, expect, it } from 'vitest';
import { referenceFolders } from './mllr-cli.js';

// The ONNX engine against the tfjs engine (the reference engine, itself checked against PyTorch): same logits,
// hidden states and greedy tokens on every fixture, and the same logits after tfjs fine-tuning is exported to ONNX.
// Lives here rather than in a package because plugin packages never import each other.

const FIXTURES = resolve(import.meta.dirname, '../fixtures/checkpoints');
const fixtures = referenceFolders(FIXTURES);
const TOLERANCE = 1e-4;
const ONNX = { device: 'cpu', threads: 1 } as const;

interface Reference {
  prompts: number[][];
  greedy: Array<{ max_new_tokens: number; output_ids: number[] }>;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

function logitsDiff(a: BatchLogits, b: BatchLogits): number {
  return Math.max(...a.data.map((row, i) => maxAbsDiff(row, b.data[i]!)));
}

const worst = { logits: 0, hidden: 0 };
afterAll(() => console.info(`onnx vs tfjs, max abs diff: logits ${worst.logits.toExponential(2)}, hidden states ${worst.hidden.toExponential(2)}`));

describe.each(fixtures)('onnx and tfjs engines agree on %s', (name) => {
  it(`logits and hidden states within ${TOLERANCE}, greedy tokens equal, alone and left-padded in a batch`, async () => {
    const checkpoint = await loadCheckpoint(join(FIXTURES, name));
    const reference = JSON.parse(readFileSync(join(FIXTURES, name, 'reference.json'), 'utf8')) as Reference;
    const tfjs = await TfjsEngine.create(checkpoint);
    const onnx = await OnnxEngine.create(checkpoint, ONNX);
    try {
      const batches = [...reference.prompts.map((p) => [p]), reference.prompts];
      for (const sequences of batches) {
        const diff = logitsDiff(await onnx.logits({ sequences }), await tfjs.logits({ sequences }));
        worst.logits = Math.max(worst.logits, diff);
        expect(diff).toBeLessThan(TOLERANCE);
        const [a, b] = [await onnx.lastTokenHiddenStates({ sequences }), await tfjs.lastTokenHiddenStates({ sequences })];
        a.layers.forEach((layer, l) =>
          layer.forEach((state, i) => {
            const d = maxAbsDiff(state, b.layers[l]![i]!);
            worst.hidden = Math.max(worst.hidden, d);
            expect(d).toBeLessThan(TOLERANCE);
          }),
        );
        const maxNewTokens = reference.greedy[0]!.max_new_tokens;
        expect(await onnx.generate(sequences, { maxNewTokens })).toEqual(await tfjs.generate(sequences, { maxNewTokens }));
      }
    } finally {
      await Promise.all([tfjs.dispose(), onnx.dispose()]);
    }
  });
});

describe('onnx and tfjs engines', () => {
  it('agree on a random mistral model with grouped-query attention (no PyTorch fixture for this family)', async () => {
    const architecture: ModelArchitecture = {
      family: 'mistral', vocabSize: 64, hiddenSize: 32, numLayers: 2, numHeads: 8, numKvHeads: 2, headDim: 4,
      intermediateSize: 48, maxPositionEmbeddings: 48, ropeTheta: 1e6, rmsNormEps: 1e-5, qkvBias: false,
      tieWordEmbeddings: false, bosTokenId: 1, eosTokenIds: [2], padTokenId: 0,
    };
    const source = { architecture, config: { model_type: 'mistral' }, tensors: randomTensors(architecture, 77) };
    const tfjs = await TfjsEngine.create(source);
    const onnx = await OnnxEngine.create(source, ONNX);
    const sequences = [[1, 5, 9, 33, 12], [1, 40], [1, 7, 7, 7, 61, 3, 20, 11]];
    expect(logitsDiff(await onnx.logits({ sequences }), await tfjs.logits({ sequences }))).toBeLessThan(TOLERANCE);
    const options = { maxNewTokens: 10, stopTokenIds: [] };
    expect(await onnx.generate(sequences, options)).toEqual(await tfjs.generate(sequences, options));
    // Sampling draws the same tokens from the same seed when the logits agree.
    const sampled = { ...options, temperature: 0.8, topP: 0.9, seed: 5 };
    expect(await onnx.generate(sequences, sampled)).toEqual(await tfjs.generate(sequences, sampled));
    await Promise.all([tfjs.dispose(), onnx.dispose()]);
  });

  it('a model fine-tuned for a few tfjs steps, exported to ONNX, gives the tfjs logits', async () => {
    const name = fixtures.includes('qwen2-qkv-bias') ? 'qwen2-qkv-bias' : fixtures[0]!;
    const checkpoint = await loadCheckpoint(join(FIXTURES, name));
    const tfjs = await TfjsEngine.create(checkpoint);
    const before = await OnnxEngine.create(checkpoint, ONNX);
    const dir = mkdtempSync(join(tmpdir(), 'mllr-onnx-finetuned-'));
    try {
      tfjs.configure([{ name: 'all', tensors: tfjs.tensorNames(), learningRate: 5e-3, weightDecay: 0 }], {
        beta1: 0.9, beta2: 0.999, epsilon: 1e-8, maxGradNorm: 1, gradientAccumulation: 1,
      });
      const batch: TrainExample[] = [
        { ids: [1, 10, 11, 12, 13, 14, 2], promptLength: 3 },
        { ids: [1, 20, 21, 22, 23, 2], promptLength: 2 },
      ];
      for (let step = 0; step < 4; step++) await tfjs.trainStep(batch);
      const sequences = [[1, 10, 11, 12], [1, 20, 21, 22, 23, 30, 31]];
      const tuned = await tfjs.logits({ sequences });
      // Training moved the logits well beyond the tolerance, so agreeing below it means the new weights are in use.
      expect(logitsDiff(await before.logits({ sequences }), tuned)).toBeGreaterThan(100 * TOLERANCE);

      const weights = await tfjs.getWeights(tfjs.tensorNames());
      await exportOnnx({ architecture: checkpoint.architecture, config: checkpoint.config, tensors: weights }, dir);
      const exported = await OnnxEngine.open(dir, ONNX);
      expect(logitsDiff(await exported.logits({ sequences }), tuned)).toBeLessThan(TOLERANCE);
      expect(await exported.generate(sequences, { maxNewTokens: 6 })).toEqual(await tfjs.generate(sequences, { maxNewTokens: 6 }));
      await exported.dispose();
      // The same weights swapped into a running ONNX engine.
      await before.setWeights(weights);
      expect(logitsDiff(await before.logits({ sequences }), tuned)).toBeLessThan(TOLERANCE);
    } finally {
      await Promise.all([tfjs.dispose(), before.dispose()]);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
