import type { ModelArchitecture } from '@mllr/core';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { cpuSessionOptions } from '../engine/execution-provider.js';
import { loadOnnxRuntime } from '../engine/load-runtime.js';
import { maxAbsDiff, randomModel, tinyArchitecture } from '../test-support/fixtures.js';
import { IO_NAMES } from './decoder-graph.js';
import { encodeDecoderModel } from './encode-model.js';
import { RUNTIME_DOMAIN } from './graph-builder.js';
import { tensorMap } from './model-source.js';
import { onnx } from './onnx-proto.js';
import type { RuntimeKernels } from './runtime-decoder-layer.js';

const NONE: RuntimeKernels = { rotary: false, attention: false, projections: false, skipNorm: false };
const EACH: Array<[string, RuntimeKernels]> = [
  ['rotary', { ...NONE, rotary: true }],
  ['attention', { ...NONE, attention: true }],
  ['projections', { ...NONE, projections: true }],
  ['skipNorm', { ...NONE, skipNorm: true }],
  ['all', { rotary: true, attention: true, projections: true, skipNorm: true }],
];

/** Every output of one run over two left-padded rows (5 and 3 tokens) after a past of 2, by name. */
async function runAll(arch: ModelArchitecture, kernels?: RuntimeKernels): Promise<Map<string, Float32Array>> {
  const ort = await loadOnnxRuntime();
  const weights = tensorMap(randomModel(arch, 7).tensors);
  const { model } = encodeDecoderModel(arch, (n) => weights.get(n), { kind: 'inline' }, kernels);
  const session: InferenceSession = await ort.InferenceSession.create(model, cpuSessionOptions(1));
  const [batch, past, steps] = [2, 2, 5];
  const total = past + steps;
  // Row 1 has two padding columns in its new part; its past is real.
  const mask = BigInt64Array.from({ length: batch * total }, (_, i) =>
    i >= total && i % total >= past && i % total < past + 2 ? 0n : 1n,
  );
  const ids = BigInt64Array.from({ length: batch * steps }, (_, i) => BigInt(1 + ((i * 7) % (arch.vocabSize - 1))));
  const positions = BigInt64Array.from({ length: batch * steps }, (_, i) =>
    BigInt(i < steps ? past + i : Math.max(0, past + (i % steps) - 2)),
  );
  const feeds: Record<string, Tensor> = {
    [IO_NAMES.inputIds]: new ort.Tensor('int64', ids, [batch, steps]),
    [IO_NAMES.attentionMask]: new ort.Tensor('int64', mask, [batch, total]),
    [IO_NAMES.positionIds]: new ort.Tensor('int64', positions, [batch, steps]),
  };
  const kv = batch * arch.numKvHeads * past * arch.headDim;
  for (let l = 0; l < arch.numLayers; l++) {
    const dims = [batch, arch.numKvHeads, past, arch.headDim];
    feeds[IO_NAMES.pastKey(l)] = new ort.Tensor(
      'float32',
      Float32Array.from({ length: kv }, (_, i) => Math.sin(i + l)),
      dims,
    );
    feeds[IO_NAMES.pastValue(l)] = new ort.Tensor(
      'float32',
      Float32Array.from({ length: kv }, (_, i) => Math.cos(i * 0.5 + l)),
      dims,
    );
  }
  const out = await session.run(feeds);
  await session.release();
  return new Map(Object.entries(out).map(([name, t]) => [name, t.data as Float32Array]));
}

describe('the decoder graph on ONNX Runtime fused kernels', () => {
  it.each([
    ['qwen2 GQA with q/k/v bias', tinyArchitecture({ family: 'qwen2', qkvBias: true })],
    ['llama multi-head, tied', tinyArchitecture({ numKvHeads: 4, tieWordEmbeddings: true })],
  ])('%s: every output of every kernel choice within float rounding of the standard-op graph', async (_, arch) => {
    const standard = await runAll(arch);
    expect(standard.size).toBe(1 + 5 * arch.numLayers);
    for (const [what, kernels] of EACH) {
      const fused = await runAll(arch, kernels);
      expect([...fused.keys()].sort(), what).toEqual([...standard.keys()].sort());
      for (const [name, values] of standard)
        expect(maxAbsDiff(fused.get(name)!, values), `${what}: ${name}`).toBeLessThan(1e-4);
    }
  });

  it('uses the com.microsoft operators it is asked for, and only those, importing that domain', () => {
    const arch = tinyArchitecture({ family: 'qwen2', qkvBias: true });
    const weights = tensorMap(randomModel(arch, 7).tensors);
    const opsOf = (kernels?: RuntimeKernels) => {
      const model = onnx.ModelProto.decode(
        encodeDecoderModel(arch, (n) => weights.get(n), { kind: 'inputs' }, kernels).model,
      );
      const domains = model.opsetImport.map((o) => o.domain ?? '');
      const runtime = new Set(model.graph!.node!.filter((n) => n.domain === RUNTIME_DOMAIN).map((n) => n.opType));
      return {
        domains,
        runtime: [...runtime].sort(),
        matmuls: model.graph!.node!.filter((n) => n.opType === 'MatMul').length,
      };
    };
    expect(opsOf()).toEqual({ domains: [''], runtime: [], matmuls: 7 * arch.numLayers + 2 * arch.numLayers + 1 });
    expect(opsOf({ ...NONE, rotary: true }).runtime).toEqual(['RotaryEmbedding']);
    expect(opsOf({ ...NONE, attention: true }).runtime).toEqual(['MultiHeadAttention']);
    expect(opsOf({ ...NONE, skipNorm: true }).runtime).toEqual(['SkipSimplifiedLayerNormalization']);
    const all = opsOf({ rotary: true, attention: true, projections: true, skipNorm: true });
    expect(all.domains).toEqual(['', RUNTIME_DOMAIN]);
    expect(all.runtime).toEqual(['MultiHeadAttention', 'RotaryEmbedding', 'SkipSimplifiedLayerNormalization']);
    // q/k/v in one MatMul and gate/up in one, beside o and down: 4 a layer, and the head.
    expect(all.matmuls).toBe(4 * arch.numLayers + 1);
  });
});
