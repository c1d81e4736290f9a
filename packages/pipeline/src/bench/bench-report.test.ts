import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { peerRatios, perEngine, taskResult, type PeerResult } from './bench-report.js';
import { readStageTimings } from './stage-timings.js';

const PEER: PeerResult = {
  name: 'pytorch',
  torch_version: '1.13.1',
  blas: 'OpenBLAS',
  threads: 2,
  device: 'cpu',
  matmul_gflops: 150,
  train_tokens_per_s: 1000,
  forward_tokens_per_s: 5000,
  generate_new_tokens_per_s: 200,
  runs_s: { train: [2], forward: [0.4], generate: [2.5] },
};

describe('bench report', () => {
  it('derives tokens/s, GFLOP/s and the fractions from the median run', () => {
    const t = taskResult({ runs_s: [2, 1, 4], median_s: 2 }, 2048, 1e6, 20, 160);
    expect(t.tokens_per_s).toBe(1024);
    expect(t.gflops).toBeCloseTo(1.024, 9);
    expect(t.fraction_of_ceiling).toBeCloseTo(1.024 / 160, 9);
    expect(t.fraction_of_engine_matmul).toBeCloseTo(1.024 / 20, 9);
    expect(t.runs_s).toEqual([2, 1, 4]);
    expect(taskResult({ runs_s: [1], median_s: 1 }, 100, 1, 1, 1, 2)).toMatchObject({
      threads: 2,
      tries: [{ threads: 2, tokens_per_s: 100 }],
    });
  });

  it('lists one task of every engine by name, null where an engine did not measure it', () => {
    const engines = {
      tfjs: {
        device: 'wasm',
        threads: 1,
        matmul_gflops: 20,
        train: taskResult({ runs_s: [2], median_s: 2 }, 1000, 1, 1, 1),
        forward: null,
        generate: null,
      },
    };
    expect(perEngine(engines, ['tfjs', 'onnx'], 'train')).toEqual({ tfjs: 500, onnx: null });
    expect(perEngine(engines, ['tfjs'], 'forward')).toEqual({ tfjs: null });
  });

  it('divides each mllr number by the peer, and leaves unmeasured engines null', () => {
    const ratios = peerRatios(
      {
        train_tokens_per_s: { tfjs: 500, onnx: 1500 },
        forward_tokens_per_s: { tfjs: 2500, onnx: 20000 },
        generate_new_tokens_per_s: { tfjs: null, onnx: 800 },
      },
      PEER,
    );
    expect(ratios).toEqual({
      train: { tfjs: 0.5, onnx: 1.5 },
      forward: { tfjs: 0.5, onnx: 4 },
      generate: { tfjs: null, onnx: 4 },
    });
  });

  it('reads the stage timings of the newest finished run under runs/, or of the folder named', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'mllr-bench-'));
    expect(readStageTimings(undefined, cwd)).toEqual({
      run: null,
      note: expect.stringContaining('no finished run under'),
    });
    for (const [name, base, age] of [
      ['old', 1, 100],
      ['new', 2, 10],
    ] as const) {
      mkdirSync(join(cwd, 'runs', name), { recursive: true });
      const file = join(cwd, 'runs', name, 'summary.json');
      writeFileSync(file, JSON.stringify({ timings_s: { base, proxy: 3 } }));
      const when = Date.now() / 1000 - age;
      utimesSync(file, when, when);
    }
    mkdirSync(join(cwd, 'runs', 'unfinished'));
    expect(readStageTimings(undefined, cwd)).toEqual({
      run: join(cwd, 'runs', 'new'),
      timings_s: { base: 2, proxy: 3 },
    });
    expect(readStageTimings('runs/old', cwd)).toEqual({
      run: join(cwd, 'runs', 'old'),
      timings_s: { base: 1, proxy: 3 },
    });
    expect(() => readStageTimings('runs/unfinished', cwd)).toThrow('summary.json does not exist');
    writeFileSync(join(cwd, 'runs', 'old', 'summary.json'), JSON.stringify({ timings_s: { base: 'slow' } }));
    expect(() => readStageTimings('runs/old', cwd)).toThrow('has no timings_s object');
  });
});
