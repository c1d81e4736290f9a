import { tinyArchitecture } from '@mllr/model';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { DecoderRunner, USE_CACHE_BRANCH, type DecoderInputs } from './decoder-runner.js';
import { loadOnnxRuntime, type OnnxRuntime } from './load-runtime.js';

const arch = { ...tinyArchitecture(), numLayers: 1, vocabSize: 8, eosTokenIds: [7] };

/**
 * A session that records each run's feeds (copied: a caller may reuse its buffers) and always puts the largest logit
 * on token 5. Its keys and values are the token ids fed, so a test can see which token landed in which cache slot.
 * With `ownKv` it also has mllr's `new_key_values` outputs.
 */
function recordingSession(ort: OnnxRuntime, runs: Array<Record<string, Tensor>>, ownKv = false): InferenceSession {
  const kvNames = ['present.0.key', 'present.0.value'];
  const newNames = ['new_key_values.0.key', 'new_key_values.0.value'];
  return {
    outputNames: ['logits', ...kvNames, ...(ownKv ? newNames : [])],
    run: async (feeds: Record<string, Tensor>) => {
      runs.push(
        Object.fromEntries(
          Object.entries(feeds).map(([name, t]) => [
            name,
            new ort.Tensor(t.type, (t.data as Float32Array).slice(), t.dims),
          ]),
        ),
      );
      const [batch, steps] = feeds.input_ids!.dims as [number, number];
      const logits = new Float32Array(batch * steps * arch.vocabSize);
      for (let i = 0; i < batch * steps; i++) logits[i * arch.vocabSize + 5] = 1;
      const total = feeds.attention_mask!.dims[1]!;
      const past = feeds['past_key_values.0.key']!;
      const pastLength = past.dims[2]!;
      const { numKvHeads: heads, headDim } = arch;
      const ids = feeds.input_ids!.data as BigInt64Array;
      const fresh = new Float32Array(batch * heads * steps * headDim);
      const present = new Float32Array(batch * heads * total * headDim);
      for (let b = 0; b < batch; b++) {
        for (let h = 0; h < heads; h++) {
          const row = b * heads + h;
          present.set(
            (past.data as Float32Array).subarray(row * pastLength * headDim, (row + 1) * pastLength * headDim),
            row * total * headDim,
          );
          for (let t = 0; t < steps; t++) {
            const value = Number(ids[b * steps + t]);
            fresh.fill(value, (row * steps + t) * headDim, (row * steps + t + 1) * headDim);
            present.fill(value, (row * total + pastLength + t) * headDim, (row * total + pastLength + t + 1) * headDim);
          }
        }
      }
      const presentTensor = new ort.Tensor('float32', present, [batch, heads, total, headDim]);
      const freshTensor = new ort.Tensor('float32', fresh, [batch, heads, steps, headDim]);
      return {
        logits: new ort.Tensor('float32', logits, [batch, steps, arch.vocabSize]),
        'present.0.key': presentTensor,
        'present.0.value': presentTensor,
        ...(ownKv ? { 'new_key_values.0.key': freshTensor, 'new_key_values.0.value': freshTensor } : {}),
      };
    },
  } as unknown as InferenceSession;
}

describe('DecoderRunner feeds', () => {
  let ort: OnnxRuntime;
  beforeAll(async () => {
    ort = await loadOnnxRuntime();
  });

  const generate = async (inputs: DecoderInputs, ownKv = false) => {
    const runs: Array<Record<string, Tensor>> = [];
    const session = recordingSession(ort, runs, ownKv);
    const runner = new DecoderRunner(ort, arch, inputs, { session: async () => session, disposed: () => false });
    const out = await runner.generate([[1, 2, 3], [4]], { maxNewTokens: 3 });
    return { out, runs };
  };

  it('a merged decoder takes use_cache_branch false on the first run and true once it has a past', async () => {
    const { out, runs } = await generate({ positionIds: true, useCacheBranch: true });
    expect(out).toEqual([
      [5, 5, 5],
      [5, 5, 5],
    ]);
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
    for (const run of runs)
      expect(Object.keys(run).sort()).toEqual([
        'attention_mask',
        'input_ids',
        'past_key_values.0.key',
        'past_key_values.0.value',
      ]);
  });

  it("keeps the cache itself where the graph returns each run's own keys and values: fixed slots, unused ones masked", async () => {
    const { out, runs } = await generate({ positionIds: true, useCacheBranch: false }, true);
    expect(out).toEqual([
      [5, 5, 5],
      [5, 5, 5],
    ]);
    // Prompt width 3, 3 new tokens: 6 slots; each step feeds all of them plus the token itself.
    expect(runs.map((r) => r['past_key_values.0.key']!.dims[2])).toEqual([0, 6, 6]);
    expect(runs.map((r) => r.attention_mask!.dims[1])).toEqual([3, 7, 7]);
    // Step 2: prompt slots (left padding hidden), the first new token's slot, unused slots hidden, the fed token.
    expect(Array.from(runs[2]!.attention_mask!.data as BigInt64Array)).toEqual([
      1n,
      1n,
      1n,
      1n,
      0n,
      0n,
      1n,
      0n,
      0n,
      1n,
      1n,
      0n,
      0n,
      1n,
    ]);
    // The cache holds the prompt's keys, then the token fed at step 1, then zeros.
    const keys = runs[2]!['past_key_values.0.key']!.data as Float32Array;
    const slot = (b: number, s: number) => keys[(b * arch.numKvHeads * 6 + s) * arch.headDim]!;
    expect([0, 1, 2, 3, 4, 5].map((s) => slot(0, s))).toEqual([1, 2, 3, 5, 0, 0]);
    expect([0, 1, 2, 3, 4, 5].map((s) => slot(1, s))).toEqual([0, 0, 4, 5, 0, 0]);
    expect(Array.from(runs[2]!.position_ids!.data as BigInt64Array)).toEqual([4n, 2n]);
  });
});
