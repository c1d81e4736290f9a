import { join } from 'node:path';
import { loadCheckpoint } from '@mllr/model';
import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURES_DIR, gradientFixtureNames, readGradientReference, relativeError } from '../test-support/fixtures.js';
import { TrainingGraphSession } from './training-session.js';

// Gradients of the training graph against PyTorch autograd (tools/fixtures/make_gradients.py) on every fixture
// checkpoint: each tensor's largest error relative to its largest reference gradient ≤ 1e-4, and the loss.
const TOLERANCE = 1e-4;
const names = gradientFixtureNames();
if (names.length === 0)
  console.warn(`gradient parity skipped: no gradients.json in ${FIXTURES_DIR} (run tools/fixtures/make_gradients.py)`);

describe.skipIf(names.length === 0)('training graph gradients against PyTorch autograd (fixtures/checkpoints)', () => {
  let worst = 0;
  afterAll(() =>
    console.info(
      `onnx training graph vs PyTorch autograd, worst relative gradient error over every fixture: ${worst.toExponential(2)}`,
    ),
  );

  for (const name of names) {
    it(`${name}: every tensor's gradient and the loss, one right-padded batch`, async () => {
      const dir = join(FIXTURES_DIR, name);
      const checkpoint = await loadCheckpoint(dir);
      const reference = await readGradientReference(name);
      const expected = reference.gradients;
      const weights = new Map([...checkpoint.tensors].map(([n, t]) => [n, t.data] as const));
      const session = await TrainingGraphSession.create(checkpoint.architecture, {
        trainable: [...checkpoint.tensors.keys()],
        settings: { device: 'cpu', threads: 1 },
      });
      try {
        const result = await session.compute(reference.batch, weights);
        expect(result.tokens).toBe(reference.tokens);
        expect(Math.abs(result.lossSum - reference.lossSum) / reference.lossSum).toBeLessThan(1e-5);
        expect([...result.grads.keys()].sort()).toEqual([...expected.keys()].sort());
        for (const [tensor, grad] of result.grads) {
          const error = relativeError(grad, expected.get(tensor)!.data);
          worst = Math.max(worst, error);
          expect(error, tensor).toBeLessThan(TOLERANCE);
          const square = grad.reduce((s, v) => s + v * v, 0);
          expect(Math.abs(result.gradSquares.get(tensor)! - square) / square, `grad_sq of ${tensor}`).toBeLessThan(
            1e-5,
          );
        }
      } finally {
        await session.dispose();
      }
    });
  }

  it('frozen tensors: a graph training two tensors gives the same two gradients, with less backward work', async () => {
    const name = names.includes('qwen2-qkv-bias') ? 'qwen2-qkv-bias' : names[0]!;
    const dir = join(FIXTURES_DIR, name);
    const checkpoint = await loadCheckpoint(dir);
    const reference = await readGradientReference(name);
    const expected = reference.gradients;
    const weights = new Map([...checkpoint.tensors].map(([n, t]) => [n, t.data] as const));
    const last = checkpoint.architecture.numLayers - 1;
    const trainable = [`model.layers.${last}.mlp.up_proj.weight`, 'model.norm.weight'];
    const full = await TrainingGraphSession.create(checkpoint.architecture, {
      trainable: [...checkpoint.tensors.keys()],
      settings: { threads: 1 },
    });
    const partial = await TrainingGraphSession.create(checkpoint.architecture, {
      trainable,
      settings: { device: 'cpu', threads: 1 },
    });
    try {
      const result = await partial.compute(reference.batch, weights);
      expect([...result.grads.keys()]).toEqual(trainable);
      for (const tensor of trainable)
        expect(relativeError(result.grads.get(tensor)!, expected.get(tensor)!.data), tensor).toBeLessThan(TOLERANCE);
      // Only the last layer's MLP and the head lie between these tensors and the loss: three backward MatMuls
      // (through the head, through down_proj, up_proj's weight gradient), none in the attention or earlier layers.
      const matmuls = (s: TrainingGraphSession) => s.graph.graph.nodes.filter((n) => n.opType === 'MatMul').length;
      const forwardMatMuls = 9 * checkpoint.architecture.numLayers + 1; // 7 projections + 2 attention products, head
      expect(matmuls(partial) - forwardMatMuls).toBe(3);
      expect(matmuls(full) - forwardMatMuls).toBeGreaterThan(2 * 7 * checkpoint.architecture.numLayers);
    } finally {
      await Promise.all([full.dispose(), partial.dispose()]);
    }
  });
});
