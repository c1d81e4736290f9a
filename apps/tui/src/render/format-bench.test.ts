import type { BenchReport } from '@mllr/pipeline';
import { describe, expect, it } from 'vitest';
import { formatBenchReport, formatRatio } from './format-bench.js';

const task = (tokens: number, median: number, threads = 1, tries = [{ threads, tokens_per_s: tokens }]) => ({
  tokens_per_s: tokens,
  median_s: median,
  runs_s: [median],
  gflops: 10,
  fraction_of_ceiling: 0.0625,
  fraction_of_engine_matmul: 0.5,
  threads,
  tries,
});

function report(): BenchReport {
  return {
    train_tokens_per_s: { tfjs: 1200, onnx: 3000 },
    forward_tokens_per_s: { tfjs: 4000, onnx: 20000 },
    generate_new_tokens_per_s: { tfjs: 500, onnx: 1500 },
    peak_rss_bytes: 1.5 * 2 ** 30,
    skipped: {},
    shape: { batch: 16, sequence: 128, generateBatch: 16, promptLength: 32, newTokens: 32 },
    model: '/m/tiny-chat',
    warmup: 1,
    repeats: 5,
    matmul: { size: 512, gflops: { tfjs: 20, onnx: 160 }, ceiling_gflops: 160, ceiling_source: 'onnx' },
    engines: {
      tfjs: {
        device: 'wasm',
        threads: 1,
        matmul_gflops: 20,
        train: task(1200, 1.7),
        forward: task(4000, 0.512),
        generate: task(500, 1.024),
      },
      onnx: {
        device: 'cpu',
        threads: 1,
        matmul_gflops: 160,
        train: task(3000, 0.68, 1, [
          { threads: 1, tokens_per_s: 3000 },
          { threads: 2, tokens_per_s: 2500 },
        ]),
        forward: task(20000, 0.1, 2),
        generate: task(1500, 0.341, 2),
      },
    },
    stage_timings: { run: 'runs/a', timings_s: { base: 1.5, proxy: 2.5 } },
  };
}

describe('formatBenchReport', () => {
  it('prints one row per engine and task, the ceiling and the stage timings with their total', () => {
    const text = formatBenchReport(report());
    expect(text).toContain('median of 5 timed runs after 1 warm-up');
    expect(text).toContain('MatMul 512³ ceiling: 160.0 GFLOP/s (onnx); tfjs 20.0, onnx 160.0 GFLOP/s');
    expect(text).toMatch(/tfjs \(wasm, 1 thr\)\s+train\s+1200 tokens\/s\s+1\.700 s\s+10\.0\s+6\.3%\s+50%/);
    expect(text).toMatch(/onnx \(cpu, 2 thr\)\s+generate\s+1500 new tokens\/s/);
    expect(text).toMatch(/onnx \(cpu, 1 thr\)\s+train\s+3000 tokens\/s.*1 thr 3000, 2 thr 2500/);
    expect(text).not.toContain('PyTorch');
    expect(text).toContain('peak resident memory of mllr bench: 1.5 GiB');
    expect(text).not.toContain('skipped');
    expect(text).toContain('base 1.5 s · proxy 2.5 s · total 4.0 s');
  });

  it('adds the peer rows, each ratio, and a warning when PyTorch runs on the reference BLAS', () => {
    const r = report();
    r.peer = {
      name: 'pytorch',
      torch_version: '1.13.1',
      blas: 'reference BLAS (netlib): /usr/lib/blas/libblas.so.3',
      threads: 1,
      device: 'cpu',
      matmul_gflops: 2,
      train_tokens_per_s: 1000,
      forward_tokens_per_s: 5000,
      generate_new_tokens_per_s: 250,
      runs_s: { train: [2.048], forward: [0.4], generate: [2] },
      peak_rss_bytes: 300 * 2 ** 20,
      best_threads: { train: 1, forward: 2, generate: 2 },
      tries: [
        { threads: 1, train_tokens_per_s: 1000, forward_tokens_per_s: 4000, generate_new_tokens_per_s: 200 },
        { threads: 2, train_tokens_per_s: 400, forward_tokens_per_s: 5000, generate_new_tokens_per_s: 250 },
      ],
    };
    r.ratios = { train: { tfjs: 1.2, onnx: 3 }, forward: { tfjs: 0.8, onnx: 4 }, generate: { tfjs: 2, onnx: 6 } };
    const text = formatBenchReport(r);
    expect(text).toMatch(/pytorch \(cpu, 1 thr\)\s+train\s+1000 tokens\/s\s+2\.048 s.*1 thr 1000, 2 thr 400/);
    expect(text).toMatch(/pytorch \(cpu, 2 thr\)\s+forward\s+5000 tokens\/s/);
    expect(text).toMatch(/tfjs \(wasm, 1 thr\)\s+train .* 1\.20×/);
    expect(text).toContain('best of 1 and 2 threads (train 1, forward 2, generate 2)');
    expect(text).toContain(
      "mllr / PyTorch's best, this run's medians: train tfjs 1.20×, onnx 3.00× · forward tfjs 0.80×, onnx 4.00× · generate tfjs 2.00×, onnx 6.00×",
    );
    expect(text).toContain('of the PyTorch peer: 300.0 MiB');
    expect(text).toContain('warning: PyTorch runs on the reference BLAS');
    r.peer.runs_s.train = [2, 4];
    expect(formatBenchReport(r)).toMatch(/pytorch \(cpu, 1 thr\)\s+train\s+1000 tokens\/s\s+3\.000 s/); // the median of an even count
    r.peer.blas = 'OpenBLAS: /x/libopenblas.so';
    expect(formatBenchReport(r)).not.toContain('warning');
  });

  it('says when there is no run to take stage timings from, and prints unmeasured ratios as -', () => {
    const r = report();
    r.stage_timings = { run: null, note: 'no finished run under runs' };
    expect(formatBenchReport(r)).toContain('stage timings: no finished run under runs');
    r.skipped = { 'tfjs train': 'the model is too large for the tfjs engine on wasm' };
    expect(formatBenchReport(r)).toContain('skipped tfjs train: the model is too large for the tfjs engine on wasm');
    expect(formatRatio(null)).toBe('-');
    expect(formatRatio(3.456)).toBe('3.46×');
  });
});
