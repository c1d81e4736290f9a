import { tinyArchitecture } from '@mllr/model';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { DecoderRunner, USE_CACHE_BRANCH, type DecoderInputs } from './decoder-runner.js';
import { loadOnnxRuntime, type OnnxRuntime } from './load-runtime.js';

const arch = { ...tinyArchitecture(), numLayers: 1, vocabSize: 8, eosTokenIds: [7] };

/** A session that records each run's feeds and always puts the largest logit on token 5. */
function recordingSession(ort: OnnxRuntime, runs: Array<Record<string, Tensor>>): InferenceSession {
  return {
    run: async (feeds: Record<string, Tensor>) => {
      runs.push(feeds);
      const [batch, steps] = feeds.input_ids!.dims as [number, number];
      const logits = new Float32Array(batch * steps * arch.vocabSize);
      for (let i = 0; i < batch * steps; i++) logits[i * arch.vocabSize + 5] = 1;
      const total = feeds.attention_mask!.dims[1]!;
      const present = new ort.Tensor('float32', new Float32Array(batch * arch.numKvHeads * total * arch.headDim), [batch, arch.numKvHeads, total, arch.headDim]);
      return { logits: new ort.Tensor('float32', logits, [batch, steps, arch.vocabSize]), 'present.0.key': present, 'present.0.value': present };
    },
  } as unknown as InferenceSession;
}

describe('DecoderRunner feeds', () => {
  let ort: OnnxRuntime;
  beforeAll(async () => {
    ort = await loadOnnxRuntime();
  });

  const generate = async (inputs: DecoderInputs) => {
    const runs: Array<Record<string, Tensor>> = [];
    const session = recordingSession(ort, runs);
    const runner = new DecoderRunner(ort, arch, inputs, { session: async () => session, disposed: () => false });
    const out = await runner.generate([[1, 2, 3], [4]], { maxNewTokens: 3 });
    return { out, runs };
  };

  it('a merged decoder takes use_cache_branch false on the first run and true once it has a past', async () => {
    const { out, runs } = await generate({ positionIds: true, useCacheBranch: true });
    expect(out).toEqual([[5, 5, 5], [5, 5, 5]]);
    expect(runs.map((r) => Array.from(r[USE_CACHE_BRANCH]!.data as Uint8Array))).toEqual([[0], [1], [1]]);
    expect(runs.map((r) => r[USE_CACHE_BRANCH]!.type)).toEqual(['bool', 'bool', 'bool']);
    expect(runs.map((r) => r['past_key_values.0.key']!.dims[2])).toEqual([0, 3, 4]);
    // Left padding, positions counting real tokens only: the short prompt's token sits at position 0.
    expect(Array.from(runs[0]!.position_ids!.data as BigInt64Array)).toEqual([0n, 1n, 2n, 0n, 0n, 0n]);
    expect(Array.from(runs[1]!.position_ids!.data as BigInt64Array)).toEqual([3n, 1n]);
    expect(Array.from(runs[0]!.attention_mask!.data as BigInt64Array)).toEqual([1n, 1n, 1n, 0n, 0n, 1n]);
  });

  it('a graph without position_ids or use_cache_branch is fed neither', async () => {
    const { runs } = await generate({ positionIds: false, useCacheBranch: false });
    for (const run of runs) expect(Object.keys(run).sort()).toEqual(['attention_mask', 'input_ids', 'past_key_values.0.key', 'past_key_values.0.value']);
  });
});
