import { ratio } from './bench-math.js';
import type { PeerBest } from './best-run.js';
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
  /** CPU threads of this result: the fastest of the counts tried. */
  threads: number;
  /** Tokens/s at each thread count tried (one entry when the engine follows no thread count, or --threads was given). */
  tries: { threads: number; tokens_per_s: number }[];
}

/** What one engine measured; tasks it cannot do are null. */
export interface EngineResult {
  device: string;
  /** CPU threads of its training result (of its forward, where it does not train). */
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
  /** The peer process's peak resident memory (ru_maxrss), when it reports it. */
  peak_rss_bytes?: number;
}

/** mllr over PyTorch, each from this run's medians. */
export interface PeerRatios {
  train: Record<string, number | null>;
  forward: Record<string, number | null>;
  generate: Record<string, number | null>;
}

/** Tokens/s by engine name; null where the engine did not measure the task. */
export type PerEngine = Record<string, number | null>;

/** `mllr bench --json`: DESIGN.md's three fields first, the detail beside them. */
export interface BenchReport {
  /** Training tokens/s of every engine that trains. */
  train_tokens_per_s: PerEngine;
  forward_tokens_per_s: PerEngine;
  generate_new_tokens_per_s: PerEngine;
  /** Peak resident memory of the bench process (every engine it measured; the peer is its own process). */
  peak_rss_bytes: number;
  /**
   * What was asked for but not measured, with the reason: an engine (`tfjs`), or one engine's training (`tfjs
   * train`), for example a model too large for tfjs on wasm.
   */
  skipped: Record<string, string>;
  shape: BenchShape;
  model: string;
  warmup: number;
  repeats: number;
  matmul: { size: number; gflops: Record<string, number>; ceiling_gflops: number; ceiling_source: string };
  engines: Record<string, EngineResult>;
  /** timings_s of a run folder's summary.json (the last run by default). */
  stage_timings: { run: string; timings_s: Record<string, number> } | { run: null; note: string };
  /** The peer's best configuration (each task at its fastest thread count). */
  peer?: PeerBest;
  ratios?: PeerRatios;
}

/** The tokens/s of one task of one engine, or null. */
export function tokensPerSecond(
  engines: Readonly<Record<string, EngineResult>>,
  engine: string,
  task: 'train' | 'forward' | 'generate',
): number | null {
  return engines[engine]?.[task]?.tokens_per_s ?? null;
}

/** The tokens/s of one task of every engine, by name (null where not measured). */
export function perEngine(
  engines: Readonly<Record<string, EngineResult>>,
  names: readonly string[],
  task: 'train' | 'forward' | 'generate',
): PerEngine {
  return Object.fromEntries(names.map((name) => [name, tokensPerSecond(engines, name, task)]));
}

/** Each mllr number over the peer's. */
export function peerRatios(
  report: Pick<BenchReport, 'train_tokens_per_s' | 'forward_tokens_per_s' | 'generate_new_tokens_per_s'>,
  peer: PeerResult,
): PeerRatios {
  const over = (values: PerEngine, peerValue: number) =>
    Object.fromEntries(Object.entries(values).map(([name, v]) => [name, ratio(v, peerValue)]));
  return {
    train: over(report.train_tokens_per_s, peer.train_tokens_per_s),
    forward: over(report.forward_tokens_per_s, peer.forward_tokens_per_s),
    generate: over(report.generate_new_tokens_per_s, peer.generate_new_tokens_per_s),
  };
}

/** A task's result from its timed runs. */
export function taskResult(
  runs: { runs_s: number[]; median_s: number },
  tokensPerRun: number,
  flopsPerToken: number,
  engineMatmul: number,
  ceiling: number,
  threads = 1,
): TaskResult {
  const tokensPerS = tokensPerRun / runs.median_s;
  const gflops = (tokensPerS * flopsPerToken) / 1e9;
  return {
    tokens_per_s: tokensPerS,
    median_s: runs.median_s,
    runs_s: runs.runs_s,
    gflops,
    fraction_of_ceiling: ceiling > 0 ? gflops / ceiling : 0,
    fraction_of_engine_matmul: engineMatmul > 0 ? gflops / engineMatmul : 0,
    threads,
    tries: [{ threads, tokens_per_s: tokensPerS }],
  };
}
