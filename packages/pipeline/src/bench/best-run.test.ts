import { describe, expect, it } from 'vitest';
import type { PeerResult } from './bench-report.js';
import { bestPeer, fastest, parseBenchShape, peakRssBytes, threadCandidates } from './best-run.js';
import { REFERENCE_SHAPE } from './reference-shape.js';

function peer(threads: number, train: number, forward: number, generate: number, rss?: number): PeerResult {
  return {
    name: 'pytorch',
    torch_version: '1.13.1',
    blas: 'OpenBLAS',
    threads,
    device: 'cpu',
    matmul_gflops: 100 * threads,
    train_tokens_per_s: train,
    forward_tokens_per_s: forward,
    generate_new_tokens_per_s: generate,
    runs_s: { train: [threads], forward: [threads + 0.5], generate: [threads + 0.25] },
    ...(rss !== undefined ? { peak_rss_bytes: rss } : {}),
  };
}

describe('best of several thread counts', () => {
  it('tries 1 and one per core, once each, or only the count asked for', () => {
    expect(threadCandidates(undefined, 2)).toEqual([1, 2]);
    expect(threadCandidates(undefined, 8)).toEqual([1, 8]);
    expect(threadCandidates(undefined, 1)).toEqual([1]);
    expect(threadCandidates(3, 8)).toEqual([3]);
  });

  it('keeps the fastest try, the earlier (fewer threads) on a tie, and ignores non-finite speeds', () => {
    expect(
      fastest([
        { threads: 1, tokens_per_s: 10 },
        { threads: 2, tokens_per_s: 12 },
      ]),
    ).toEqual({ threads: 2, tokens_per_s: 12 });
    expect(
      fastest([
        { threads: 1, tokens_per_s: 14 },
        { threads: 2, tokens_per_s: 5 },
      ]),
    ).toEqual({ threads: 1, tokens_per_s: 14 });
    expect(
      fastest([
        { threads: 1, tokens_per_s: 7 },
        { threads: 2, tokens_per_s: 7 },
      ])?.threads,
    ).toBe(1);
    expect(
      fastest([
        { threads: 1, tokens_per_s: Number.NaN },
        { threads: 2, tokens_per_s: 3 },
      ])?.threads,
    ).toBe(2);
    expect(fastest([])).toBeNull();
  });

  it("takes each of the peer's tasks from the run that was fastest at it, with that run's timings and thread count", () => {
    const best = bestPeer([peer(1, 14000, 44000, 2000, 300), peer(2, 4500, 50000, 6500, 400)]);
    expect(best.train_tokens_per_s).toBe(14000);
    expect(best.forward_tokens_per_s).toBe(50000);
    expect(best.generate_new_tokens_per_s).toBe(6500);
    expect(best.best_threads).toEqual({ train: 1, forward: 2, generate: 2 });
    expect(best.runs_s).toEqual({ train: [1], forward: [2.5], generate: [2.25] });
    expect(best.threads).toBe(1);
    expect(best.matmul_gflops).toBe(200);
    expect(best.peak_rss_bytes).toBe(400);
    expect(best.tries.map((t) => [t.threads, t.train_tokens_per_s])).toEqual([
      [1, 14000],
      [2, 4500],
    ]);
    expect(bestPeer([peer(2, 1, 1, 1)]).peak_rss_bytes).toBeUndefined();
    expect(() => bestPeer([])).toThrow('at least one');
  });

  it('reads --shape BxT over the reference shape, and refuses anything else', () => {
    expect(parseBenchShape('4x256', REFERENCE_SHAPE)).toEqual({ ...REFERENCE_SHAPE, batch: 4, sequence: 256 });
    expect(parseBenchShape('1×512', REFERENCE_SHAPE)).toMatchObject({
      batch: 1,
      sequence: 512,
      newTokens: REFERENCE_SHAPE.newTokens,
    });
    for (const bad of ['4', '0x256', '4x1', '4x', 'x256', '4x256x2', 'ax b'])
      expect(() => parseBenchShape(bad, REFERENCE_SHAPE), bad).toThrow('--shape takes BATCHxSEQUENCE');
  });

  it("reports this process's peak resident memory in bytes", () => {
    const held = new Float64Array(4 * 2 ** 20).fill(1); // 32 MiB touched
    expect(peakRssBytes()).toBeGreaterThan(held.byteLength);
  });
});
