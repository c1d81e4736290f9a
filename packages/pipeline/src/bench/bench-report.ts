import { ratio } from './bench-math.js';
import type { BenchShape } from './reference-shape.js';

/** One measured task of one engine. */
export interface TaskResult {
  /** Tokens per second at the median run (new tokens for generation). */
  tokens_per_s: number;
  median_s: number;
  runs_s: number[];
  /** Model FLOPs per second at that speed (see bench-math.ts for what is counted). */
  gflops: number;
  /** gflops over the machine's MatMul ceiling. */
  fraction_of_ceiling: number;
  /** gflops over this engine's own MatMul probe. */
  fraction_of_engine_matmul: number;
}

/** What one engine measured; tasks it cannot do are null. */
export interface EngineResult {
  device: string;
  /** CPU threads its math runs on. */
  threads: number;
  matmul_gflops: number;
  train: TaskResult | null;
  forward: TaskResult | null;
  generate: TaskResult | null;
}

/** The PyTorch peer's numbers, measured in the same run (`--compare`). */
export interface PeerResult {
  name: 'pytorch';
  torch_version: string;
  blas: string;
  threads: number;
  device: string;
  matmul_gflops: number;
  train_tokens_per_s: number;
  forward_tokens_per_s: number;
  generate_new_tokens_per_s: number;
  runs_s: { train: number[]; forward: number[]; generate: number[] };
}

/** mllr over PyTorch, each from this run's medians. */
export interface PeerRatios {
  train: number | null;
  forward: { tfjs: number | null; onnx: number | null };
  generate: { tfjs: number | null; onnx: number | null };
}

/** `mllr bench --json`: DESIGN.md's three fields first, the detail beside them. */
export interface BenchReport {
  train_tokens_per_s: number | null;
  forward_tokens_per_s: { tfjs: number | null; onnx: number | null };
  generate_new_tokens_per_s: { tfjs: number | null; onnx: number | null };
  /** Which engine train_tokens_per_s comes from. */
  train_engine: string | null;
  shape: BenchShape;
  model: string;
  warmup: number;
  repeats: number;
  matmul: { size: number; gflops: Record<string, number>; ceiling_gflops: number; ceiling_source: string };
  engines: Record<string, EngineResult>;
  /** timings_s of a run folder's summary.json (the last run by default). */
  stage_timings: { run: string; timings_s: Record<string, number> } | { run: null; note: string };
  peer?: PeerResult;
  ratios?: PeerRatios;
}

/** The tokens/s of one task of one engine, or null. */
export function tokensPerSecond(engines: Readonly<Record<string, EngineResult>>, engine: string, task: 'train' | 'forward' | 'generate'): number | null {
  return engines[engine]?.[task]?.tokens_per_s ?? null;
}

/** Each mllr number over the peer's. */
export function peerRatios(report: Pick<BenchReport, 'train_tokens_per_s' | 'forward_tokens_per_s' | 'generate_new_tokens_per_s'>, peer: PeerResult): PeerRatios {
  return {
    train: ratio(report.train_tokens_per_s, peer.train_tokens_per_s),
    forward: { tfjs: ratio(report.forward_tokens_per_s.tfjs, peer.forward_tokens_per_s), onnx: ratio(report.forward_tokens_per_s.onnx, peer.forward_tokens_per_s) },
    generate: {
      tfjs: ratio(report.generate_new_tokens_per_s.tfjs, peer.generate_new_tokens_per_s),
      onnx: ratio(report.generate_new_tokens_per_s.onnx, peer.generate_new_tokens_per_s),
    },
  };
}

/** A task's result from its timed runs. */
export function taskResult(runs: { runs_s: number[]; median_s: number }, tokensPerRun: number, flopsPerToken: number, engineMatmul: number, ceiling: number): TaskResult {
  const tokensPerS = tokensPerRun / runs.median_s;
  const gflops = (tokensPerS * flopsPerToken) / 1e9;
  return {
    tokens_per_s: tokensPerS,
    median_s: runs.median_s,
    runs_s: runs.runs_s,
    gflops,
    fraction_of_ceiling: ceiling > 0 ? gflops / ceiling : 0,
    fraction_of_engine_matmul: engineMatmul > 0 ? gflops / engineMatmul : 0,
  };
}
