import { tinyArchitecture } from '@mllr/model';
import { describe, expect, it } from 'vitest';
import {
  forwardFlopsPerToken,
  generateFlopsPerNewToken,
  matmulParameters,
  median,
  ratio,
  trainFlopsPerToken,
} from './bench-math.js';
import { REFERENCE_SHAPE, syntheticSequences } from './reference-shape.js';
import { timeRuns } from './timed-runs.js';

describe('bench arithmetic', () => {
  it('takes the median of odd and even counts without reordering its input', () => {
    const values = [5, 1, 3];
    expect(median(values)).toBe(3);
    expect(values).toEqual([5, 1, 3]);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('gives a ratio only when both sides are measured', () => {
    expect(ratio(300, 100)).toBe(3);
    expect(ratio(null, 100)).toBeNull();
    expect(ratio(100, undefined)).toBeNull();
    expect(ratio(100, 0)).toBeNull();
  });

  it('counts the matrix-product weights and FLOPs of the tiny-chat shape', () => {
    const arch = {
      ...tinyArchitecture(),
      hiddenSize: 128,
      numHeads: 4,
      numKvHeads: 4,
      headDim: 32,
      intermediateSize: 352,
      numLayers: 4,
      vocabSize: 425,
    };
    // Per layer 4·128·128 (attention) + 3·128·352 (MLP); the tied head 425·128.
    expect(matmulParameters(arch)).toBe(4 * (4 * 128 * 128 + 3 * 128 * 352) + 425 * 128);
    const forward = forwardFlopsPerToken(arch, 128);
    expect(forward).toBe(2 * matmulParameters(arch) + 4 * 4 * 128 * 128);
    expect(trainFlopsPerToken(arch, 128)).toBe(3 * forward);
    // One new token after a 1-token prompt: the prompt's forward plus one forward at context 2.
    expect(generateFlopsPerNewToken(arch, 1, 1)).toBe(forwardFlopsPerToken(arch, 1) + forwardFlopsPerToken(arch, 2));
  });

  it('makes the same seeded token ids every time, above the special tokens and inside the vocabulary', () => {
    const a = syntheticSequences(REFERENCE_SHAPE.batch, REFERENCE_SHAPE.sequence, 425);
    expect(a).toEqual(syntheticSequences(16, 128, 425));
    expect(a).toHaveLength(16);
    expect(a.every((row) => row.length === 128 && row.every((id) => id >= 3 && id < 425))).toBe(true);
    expect(new Set(a.flat()).size).toBeGreaterThan(300);
    expect(syntheticSequences(1, 4, 425, 2)).not.toEqual(syntheticSequences(1, 4, 425, 1));
    // The PyTorch peer (tools/bench/pytorch_peer.py) computes the same LCG; its first ids for seed 1:
    expect(syntheticSequences(1, 3, 425)[0]).toEqual([
      3 + ((((1103515245 + 12345) >>> 0) >>> 8) % 422),
      a[0]![1],
      a[0]![2],
    ]);
  });

  it('runs warm-ups untimed and reports every timed run', async () => {
    let calls = 0;
    const runs = await timeRuns(async () => void calls++, 2, 3);
    expect(calls).toBe(5);
    expect(runs.runs_s).toHaveLength(3);
    expect(runs.median_s).toBe(median(runs.runs_s));
  });
});
