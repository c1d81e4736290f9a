import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMllr } from './mllr-cli.js';

const PYTHON = process.env.MLLR_PYTHON || '/usr/bin/python3';
const HAVE_TORCH = spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;

/** A working folder whose runs/ holds one finished run, so the stage timings have something to show. */
function folderWithRun(): string {
  const cwd = mkdtempSync(join(tmpdir(), 'mllr-bench-e2e-'));
  mkdirSync(join(cwd, 'runs', 'last'), { recursive: true });
  writeFileSync(
    join(cwd, 'runs', 'last', 'summary.json'),
    JSON.stringify({ timings_s: { base: 0.5, proxy: 12.25, report: 1 } }),
  );
  return cwd;
}

const positive = (n: unknown) => typeof n === 'number' && Number.isFinite(n) && n > 0;

describe('mllr bench', () => {
  it("--json prints DESIGN.md's fields with positive numbers for every engine, the MatMul ceiling and the last run's stage timings", async () => {
    const cwd = folderWithRun();
    const result = await runMllr(['bench', '--json', '--repeats', '1', '--warmup', '0', '--threads', '1'], { cwd });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('mllr bench: tfjs: train step');
    expect(result.stderr).toContain('mllr bench: onnx: train step');
    const report = JSON.parse(result.stdout);
    expect(Object.keys(report).slice(0, 4)).toEqual([
      'train_tokens_per_s',
      'forward_tokens_per_s',
      'generate_new_tokens_per_s',
      'peak_rss_bytes',
    ]);
    expect(report.peak_rss_bytes).toBeGreaterThan(50 * 2 ** 20);
    expect(report.skipped).toEqual({});
    for (const engine of ['tfjs', 'onnx']) {
      expect(positive(report.train_tokens_per_s[engine]), engine).toBe(true);
      expect(report.engines[engine].train.fraction_of_ceiling, engine).toBeGreaterThan(0);
      expect(positive(report.forward_tokens_per_s[engine]), engine).toBe(true);
      expect(positive(report.generate_new_tokens_per_s[engine]), engine).toBe(true);
      expect(positive(report.matmul.gflops[engine]), engine).toBe(true);
      expect(report.engines[engine].forward.runs_s).toHaveLength(1);
    }
    expect(report.engines.onnx.train.tries).toEqual([{ threads: 1, tokens_per_s: report.train_tokens_per_s.onnx }]);
    expect(report.matmul.ceiling_gflops).toBe(Math.max(report.matmul.gflops.tfjs, report.matmul.gflops.onnx));
    expect(report.shape).toEqual({ batch: 16, sequence: 128, generateBatch: 16, promptLength: 32, newTokens: 32 });
    expect(report.stage_timings).toEqual({
      run: join(cwd, 'runs', 'last'),
      timings_s: { base: 0.5, proxy: 12.25, report: 1 },
    });
    expect(report.peer).toBeUndefined();
  }, 180_000);

  it.skipIf(!HAVE_TORCH)(
    '--compare runs the PyTorch peer in the same run and prints each ratio',
    async () => {
      const result = await runMllr(
        ['bench', '--json', '--compare', '--engines', 'onnx', '--repeats', '1', '--warmup', '0', '--shape', '2x32'],
        { cwd: folderWithRun() },
      );
      expect(result.code, result.stderr).toBe(0);
      const report = JSON.parse(result.stdout);
      expect(report.peer.name).toBe('pytorch');
      expect(report.peer.torch_version).toMatch(/^\d+\.\d+/);
      for (const key of ['train_tokens_per_s', 'forward_tokens_per_s', 'generate_new_tokens_per_s', 'matmul_gflops'])
        expect(positive(report.peer[key]), key).toBe(true);
      expect(report.ratios.forward.onnx).toBeCloseTo(
        report.forward_tokens_per_s.onnx / report.peer.forward_tokens_per_s,
        9,
      );
      expect(report.ratios.generate.onnx).toBeCloseTo(
        report.generate_new_tokens_per_s.onnx / report.peer.generate_new_tokens_per_s,
        9,
      );
      expect(report.ratios.train.onnx).toBeCloseTo(report.train_tokens_per_s.onnx / report.peer.train_tokens_per_s, 9);
      expect(report.shape).toMatchObject({ batch: 2, sequence: 32 });
      // the peer and the onnx engine each ran at 1 thread and at one per core, and kept their faster result
      const threads = [...new Set([1, availableParallelism()])];
      expect(report.peer.tries.map((t: { threads: number }) => t.threads)).toEqual(threads);
      expect(report.peer.train_tokens_per_s).toBe(
        Math.max(...report.peer.tries.map((t: { train_tokens_per_s: number }) => t.train_tokens_per_s)),
      );
      expect(report.engines.onnx.forward.tries.map((t: { threads: number }) => t.threads)).toEqual(threads);
      expect(report.forward_tokens_per_s.onnx).toBe(
        Math.max(...report.engines.onnx.forward.tries.map((t: { tokens_per_s: number }) => t.tokens_per_s)),
      );
      expect(report.peer.peak_rss_bytes).toBeGreaterThan(0);
    },
    180_000,
  );

  it('--compare exits 2 with a clear message when the Python has no torch', async () => {
    const saved = process.env.MLLR_PYTHON;
    process.env.MLLR_PYTHON = '/nonexistent/python3';
    try {
      const result = await runMllr(['bench', '--compare', '--engines', 'onnx', '--repeats', '1', '--warmup', '0'], {
        cwd: folderWithRun(),
      });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(
        '--compare needs Python with torch, but /nonexistent/python3 could not be started',
      );
      expect(result.stdout).toBe('');
    } finally {
      if (saved === undefined) delete process.env.MLLR_PYTHON;
      else process.env.MLLR_PYTHON = saved;
    }
  }, 180_000);
});
if (!HAVE_TORCH)
  console.warn(
    `mllr bench --compare test skipped: ${PYTHON} cannot import torch (install python3-torch or set MLLR_PYTHON)`,
  );
